/// One optimization step on a window: forward, backward, gradient clipping, Adam. The primitive that
/// `Trainer` runs over a corpus and that `lilt bench train` times.
public final class WindowTrainer {
    public let network: LSTMNetwork
    let adam: Adam
    /// Learning rate of the next steps.
    public var learningRate: Float
    /// Largest global gradient norm (nil: no clipping).
    public var clipNorm: Float?
    /// One partial sum of squares per thread, for the gradient norm.
    private let normSums: UnsafeMutablePointer<Double>

    public init(model: LSTMModel, batch: Int, steps: Int, learningRate: Float, clipNorm: Float?,
                onsetTokens: Set<Int> = [], dropoutSeed: UInt64 = 0, threads: Int = 2,
                backend: GemmBackend = .blas) {
        network = LSTMNetwork(model: model, batch: batch, steps: steps, onsetTokens: onsetTokens,
                              dropoutSeed: dropoutSeed, threads: threads, backend: backend)
        adam = Adam(count: model.layout.count)
        normSums = .allocate(capacity: max(threads, 1))
        normSums.initialize(repeating: 0, count: max(threads, 1))
        self.learningRate = learningRate
        self.clipNorm = clipNorm
    }

    deinit { normSums.deallocate() }

    /// What one step measured.
    public struct StepResult: Sendable {
        public var totals: WindowTotals
        /// Global gradient norm before clipping (not finite when the gradient is not).
        public var gradientNorm: Double
        /// False when the loss or the gradient was NaN or ∞: the parameters were left unchanged.
        public var isFinite: Bool
    }

    /// Trains on one window ([T, B] arrays as in `LSTMNetwork.forward`). A step whose loss or gradient is
    /// not finite changes no parameter.
    @discardableResult
    public func step(inputs: [Int32], targets: [Int32], resets: [UInt8]) -> StepResult {
        stepLoaded(steps: network.loadWindow(inputs: inputs, targets: targets, resets: resets))
    }

    /// The step on the window already written into the network's buffers.
    func stepLoaded(steps: Int) -> StepResult {
        let totals = network.forwardLoaded(steps: steps, training: true)
        network.backward()
        let norm = clipGradientNorm(network.gradients.pointer, count: network.gradients.count, maxNorm: clipNorm,
                                    parts: network.threads, partialSums: normSums, parallel: network.team.run)
        let finite = totals.loss.isFinite && norm.isFinite
        if finite {
            adam.update(parameters: network.parameters.pointer, gradients: network.gradients.pointer,
                        learningRate: learningRate, parts: network.threads, parallel: network.team.run)
        }
        return StepResult(totals: totals, gradientNorm: norm, isFinite: finite)
    }

    /// Adam's state: first and second moments (parameter layout) and the number of updates made.
    public var optimizerState: (m: [Float], v: [Float], step: Int) {
        get { (adam.m.array, adam.v.array, adam.step) }
        set {
            precondition(newValue.m.count == adam.m.count && newValue.v.count == adam.v.count, "optimizer state size")
            newValue.m.withUnsafeBufferPointer { adam.m.pointer.update(from: $0.baseAddress!, count: $0.count) }
            newValue.v.withUnsafeBufferPointer { adam.v.pointer.update(from: $0.baseAddress!, count: $0.count) }
            adam.step = newValue.step
        }
    }
}
