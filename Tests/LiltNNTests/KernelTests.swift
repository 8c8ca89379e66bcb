import Testing
@testable import LiltNN
import LiltKernelsInterface

/// Loss, gradient, logits of an evaluation pass and logits of three generation steps of one model, with
/// the cell kernels of `kernels`.
private func passes(_ model: LSTMModel, kernels: KernelInstructionSet)
    -> (loss: Double, gradient: [Float], logits: [Float], stepLogits: [Float]) {
    var generator = SeededGenerator(seed: 41)
    // 13 streams over two threads: ranges of 8 or 12 and 5 or 1 (as the split moves), so the product's
    // 8-row tile, 4-row tile and single rows all run.
    let v = model.config.vocabularySize, batch = 13, steps = 7
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

@Test("The builds with fused multiply-add give bit-identical training and generation; the baseline agrees to rounding",
      .enabled(if: KernelInstructionSet.supported.count > 1, "only the baseline build runs on this CPU"),
      arguments: [(0, Float(1)), (4, Float(1)), (0, Float(6))])
func kernelBuildsAgree(embedding: Int, weightScale: Float) {
    var generator = SeededGenerator(seed: 40)
    // 20 units: whole and partial vectors of the cell both run; scaled weights push pre-activations far into the saturated ranges of σ and tanh.
    var model = LSTMModel(config: LSTMConfig(vocabularySize: 7, layers: 2, hidden: 20, embedding: embedding,
                                             dropout: 0.2), using: &generator)
    model.parameters = model.parameters.map { $0 * weightScale }
    let baseline = passes(model, kernels: .baseline)
    #expect(baseline.loss.isFinite && baseline.gradient.allSatisfy(\.isFinite))
    let fused = KernelInstructionSet.supported.filter { $0 != .baseline }
    let first = passes(model, kernels: fused[0])
    // The baseline multiplies with OpenBLAS, the others with their own packed product: the same sums
    // rounded differently.
    func close(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0), abs($1)) }
    }
    #expect(abs(first.loss - baseline.loss) <= 1e-5 * max(1, abs(baseline.loss)))
    #expect(close(first.gradient, baseline.gradient), "gradient against the baseline")
    #expect(close(first.logits, baseline.logits), "logits against the baseline")
    #expect(close(first.stepLogits, baseline.stepLogits), "generation logits against the baseline")
    for kernels in fused.dropFirst() {
        let other = passes(model, kernels: kernels)
        #expect(other.loss == first.loss, "\(kernels.rawValue): loss")
        #expect(other.gradient == first.gradient, "\(kernels.rawValue): gradient")
        #expect(other.logits == first.logits, "\(kernels.rawValue): logits")
        #expect(other.stepLogits == first.stepLogits, "\(kernels.rawValue): generation logits")
    }
}

@Test("The packed product equals a plain triple loop: remainder rows and columns, depth ranges, strides, accumulation",
      .enabled(if: KernelInstructionSet.supported.count > 1, "only the baseline build runs on this CPU"),
      arguments: [(8, 32, 0..<256), (19, 45, 3..<300), (1, 7, 0..<1), (64, 70, 100..<612), (13, 16, 5..<5)])
func packedProductMatchesLoops(rows: Int, columns: Int, depthRange: Range<Int>) throws {
    var generator = SeededGenerator(seed: 7)
    let depth = max(depthRange.upperBound, 1)
    // A with a row stride larger than the depth; B stored transposed (row stride 1), as the forward
    // recurrence uses it.
    let aRowStride = depth + 3, bColumnStride = depth + 5
    let a = (0..<rows * aRowStride).map { _ in Float.random(in: -1...1, using: &generator) }
    let b = (0..<columns * bColumnStride).map { _ in Float.random(in: -1...1, using: &generator) }
    let start = (0..<rows * columns).map { _ in Float.random(in: -1...1, using: &generator) }
    for accumulate in [false, true] {
        var expected = start
        for r in 0..<rows {
            for j in 0..<columns {
                var sum = accumulate ? Double(start[r * columns + j]) : 0
                for k in depthRange { sum += Double(a[r * aRowStride + k]) * Double(b[j * bColumnStride + k]) }
                expected[r * columns + j] = Float(sum)
            }
        }
        for kernels in KernelInstructionSet.supported {
            guard let product = CellKernels(kernels).product else { continue }
            var packed = [Float](repeating: .nan, count: packedCount(depth: depth, columns: columns))
            var c = start
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    packed.withUnsafeMutableBufferPointer { packed in
                        packPanels(b.baseAddress!, rowStride: 1, columnStride: bColumnStride, depth: depth,
                                   columns: columns, into: packed.baseAddress!)
                        c.withUnsafeMutableBufferPointer { c in
                            product(PackedProductStep(
                                rows: rows, columns: columns, depthRange: depthRange, a: a.baseAddress!,
                                aRowStride: aRowStride, aDepthStride: 1, packed: packed.baseAddress!, packedDepth: depth,
                                c: c.baseAddress!, cRowStride: columns, accumulate: accumulate))
                        }
                    }
                }
            }
            let worst = zip(c, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-4, "\(kernels.rawValue), accumulate \(accumulate): off by \(worst)")
        }
    }
}

@Test("The build in use is the widest one the CPU supports, and the baseline is always supported")
func kernelSelection() {
    #expect(KernelInstructionSet.supported.first == .baseline)
    #expect(KernelInstructionSet.supported.contains(KernelInstructionSet.selected))
}
