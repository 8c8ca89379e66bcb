import Foundation

/// Speed of training steps and of single generation steps for one model shape, measured on random
/// tokens (the figures `lilt bench train` prints).
public struct TrainingBenchmark: Sendable {
    /// A configuration to measure: the model and the window (T steps × B streams, loss at every step).
    public struct Case: Sendable {
        public var name: String
        public var config: LSTMConfig
        public var steps: Int
        public var batch: Int

        public init(name: String, config: LSTMConfig, steps: Int, batch: Int) {
            self.name = name; self.config = config; self.steps = steps; self.batch = batch
        }

        /// Config A: one-hot vocabulary 38, 1 × LSTM 256, dropout 0.2, T 64, batch 64.
        public static let a = Case(name: "A", config: LSTMConfig(vocabularySize: 38, layers: 1, hidden: 256,
                                                                  embedding: 0, dropout: 0.2), steps: 64, batch: 64)
        /// Config C: one-hot vocabulary 128, 3 × LSTM 512, T 50, batch 64.
        public static let c = Case(name: "C", config: LSTMConfig(vocabularySize: 128, layers: 3, hidden: 512,
                                                                  embedding: 0, dropout: 0), steps: 50, batch: 64)

        /// GEMM floating-point operations of one training step counted as a dense framework does
        /// (one-hot input as a dense multiply, no ∂x below the first layer): the basis of GFLOP/s, so
        /// figures compare with PyTorch's.
        public var flopsPerStep: Double {
            let n = Double(steps * batch), h = Double(config.hidden), v = Double(config.vocabularySize)
            var total = 0.0
            for layer in 0..<config.layers {
                let input = layer == 0 ? Double(config.inputWidth) : h
                let forward = 2 * n * 4 * h * (input + h)
                let backward = 2 * n * 4 * h * (input + 2 * h) + (layer > 0 ? 2 * n * 4 * h * input : 0)
                total += forward + backward
            }
            return total + 3 * 2 * n * v * h
        }
    }

    /// Measured figures of one case.
    public struct Result: Sendable, Codable {
        public var name: String
        /// Median time of one training step (forward, backward, clipping, Adam), seconds.
        public var stepSeconds: Double
        /// Sequence steps per second: T × B / step time.
        public var seqStepsPerSecond: Double
        public var gflopsPerSecond: Double
        /// Median time of one generation step, batch 1, carried state, microseconds.
        public var stepMicros: Double
        /// Threads of the generation session (chosen by the size of the weights).
        public var stepThreads: Int
    }

    /// Measures `benchCase`: `warmup` unmeasured training steps, then the median of `repeats`; single
    /// steps likewise over `generationSteps`.
    public static func run(_ benchCase: Case, warmup: Int = 2, repeats: Int = 7, generationSteps: Int = 200,
                           threads: Int = 2) -> Result {
        var generator = SeededGenerator(seed: 1)
        let model = LSTMModel(config: benchCase.config, using: &generator)
        let trainer = WindowTrainer(model: model, batch: benchCase.batch, steps: benchCase.steps,
                                    learningRate: 1e-3, clipNorm: 5, dropoutSeed: 2, threads: threads)
        let n = benchCase.batch * benchCase.steps, v = benchCase.config.vocabularySize
        let inputs = (0..<n).map { _ in Int32.random(in: 0..<Int32(v), using: &generator) }
        let targets = (0..<n).map { _ in Int32.random(in: 0..<Int32(v), using: &generator) }
        let resets = [UInt8](repeating: 0, count: n)
        var times: [Double] = []
        for index in 0..<(warmup + repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = trainer.step(inputs: inputs, targets: targets, resets: resets)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if index >= warmup { times.append(seconds) }
        }
        let stepSeconds = times.sorted()[times.count / 2]

        let session = InferenceSession(model: trainer.network.model, batch: 1, threads: threads == 1 ? 1 : nil)
        var token = 0
        var micros: [Double] = []
        var logits = [Float](repeating: 0, count: v)
        for index in 0..<(generationSteps + 10) {
            let start = DispatchTime.now().uptimeNanoseconds
            session.step(tokens: [token], logits: &logits)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3
            if index >= 10 { micros.append(elapsed) }
            token = (token + 7) % v
        }
        return Result(name: benchCase.name, stepSeconds: stepSeconds,
                      seqStepsPerSecond: Double(n) / stepSeconds,
                      gflopsPerSecond: benchCase.flopsPerStep / stepSeconds / 1e9,
                      stepMicros: micros.sorted()[micros.count / 2], stepThreads: session.threads)
    }
}
