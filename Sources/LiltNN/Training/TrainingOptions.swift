/// How the corpus is cut into training windows.
public enum TrainingMode: String, Sendable, Codable, CaseIterable {
    /// Stateful truncated BPTT over B parallel streams, loss at every step, each token once per epoch
    /// (the rule is on `StreamLayout`). The default.
    case stateful
    /// A window of T steps ending at every position, from a zero state, loss on the last step only (the
    /// well-known tutorial's way, T times the work per token; kept for comparison).
    case classic
}

/// How the learning rate changes from epoch to epoch.
public enum LearningRateSchedule: Sendable, Codable, Equatable {
    /// The same rate throughout.
    case constant
    /// Multiplied by `factor` every `epochs` epochs.
    case step(epochs: Int, factor: Float)
    /// Multiplied by `factor` when the validation loss has not improved for `patience` epochs, never
    /// below `minimum`.
    case plateau(patience: Int, factor: Float, minimum: Float)
}

/// Everything that decides a training run besides the model and the corpus.
public struct TrainingOptions: Sendable, Codable, Equatable {
    /// Window length T (steps). The defaults (T 32, B 32, learning rate 3e-3, with the default 2 × 256
    /// model) reach a held-out cross-entropy of about 0.85 nats per step on the Essen `erk` songs in two
    /// minutes on a 2-core machine (a 5-gram model: about 1.0); larger windows make fewer updates per epoch
    /// and learn more slowly at first.
    public var sequenceLength = 32
    /// Parallel streams B.
    public var batchSize = 32
    /// Epochs at most.
    public var epochs = 20
    /// Stop after this much training time (minutes; checked at window boundaries), nil for no limit.
    public var minutes: Double? = nil
    public var learningRate: Float = 3e-3
    /// Largest global gradient norm, nil for no clipping.
    public var clipNorm: Float? = 5
    public var schedule: LearningRateSchedule = .constant
    /// Seeds the weights (when the trainer makes the model), the split, the song order and dropout.
    public var seed: UInt64 = 1
    public var mode: TrainingMode = .stateful
    /// Share of songs held out for validation.
    public var validationFraction = 0.1
    /// Stop when the validation loss has not improved for this many epochs (nil: never).
    public var earlyStoppingPatience: Int? = 5
    /// Threads sharing each step.
    public var threads = 2

    public init() {}
}
