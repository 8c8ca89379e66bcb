import Testing
@testable import LiltNN

/// Loss, gradient, logits of an evaluation pass and logits of three generation steps of one model, with
/// the cell kernels of `kernels`.
private func passes(_ model: LSTMModel, kernels: KernelInstructionSet)
    -> (loss: Double, gradient: [Float], logits: [Float], stepLogits: [Float]) {
    var generator = SeededGenerator(seed: 41)
    let v = model.config.vocabularySize, batch = 3, steps = 7
    let inputs = (0..<batch * steps).map { _ in Int32.random(in: 0..<Int32(v), using: &generator) }
    let targets = (0..<batch * steps).map { _ in Int32.random(in: -1..<Int32(v), using: &generator) }
    let resets = (0..<batch * steps).map { UInt8($0 < batch || $0 % 5 == 0 ? 1 : 0) }
    let network = LSTMNetwork(model: model, batch: batch, steps: steps, dropoutSeed: 3, threads: 2, kernels: kernels)
    network.forward(inputs: inputs, targets: targets, resets: resets, training: false)
    let logits = network.logitsOfLastPass
    network.resetState()
    let totals = network.forward(inputs: inputs, targets: targets, resets: resets, training: true)
    network.backward()
    let session = InferenceSession(model: model, batch: 2, threads: 2, kernels: kernels)
    var stepLogits: [Float] = []
    var out = [Float](repeating: 0, count: 2 * v)
    for tokens in [[0, 1], [2, 2], [1, 0]] {
        session.step(tokens: tokens, logits: &out)
        stepLogits += out
    }
    return (totals.meanLoss, network.gradient, logits, stepLogits)
}

@Test("Every build of the cell kernels this CPU runs gives bit-identical training and generation results",
      .enabled(if: KernelInstructionSet.supported.count > 1, "only the baseline build runs on this CPU"),
      arguments: [(0, Float(1)), (4, Float(1)), (0, Float(6))])
func kernelBuildsAgree(embedding: Int, weightScale: Float) {
    var generator = SeededGenerator(seed: 40)
    // 20 units over two threads: parts of 8 and 12 units, so whole and partial vectors both run; scaled
    // weights push pre-activations far into the saturated ranges of σ and tanh.
    var model = LSTMModel(config: LSTMConfig(vocabularySize: 7, layers: 2, hidden: 20, embedding: embedding,
                                             dropout: 0.2), using: &generator)
    model.parameters = model.parameters.map { $0 * weightScale }
    let baseline = passes(model, kernels: .baseline)
    #expect(baseline.loss.isFinite && baseline.gradient.allSatisfy(\.isFinite))
    for kernels in KernelInstructionSet.supported where kernels != .baseline {
        let other = passes(model, kernels: kernels)
        #expect(other.loss == baseline.loss, "\(kernels.rawValue): loss")
        #expect(other.gradient == baseline.gradient, "\(kernels.rawValue): gradient")
        #expect(other.logits == baseline.logits, "\(kernels.rawValue): logits")
        #expect(other.stepLogits == baseline.stepLogits, "\(kernels.rawValue): generation logits")
    }
}

@Test("The build in use is the widest one the CPU supports, and the baseline is always supported")
func kernelSelection() {
    #expect(KernelInstructionSet.supported.first == .baseline)
    #expect(KernelInstructionSet.supported.contains(KernelInstructionSet.selected))
}
