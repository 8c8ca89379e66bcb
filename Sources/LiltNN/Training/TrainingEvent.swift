/// Loss and accuracy over a set of steps: all steps, and steps whose target is an onset (a note or rest
/// starting, as the caller defines it).
public struct Metrics: Sendable, Codable, Equatable {
    /// Mean cross-entropy per step (nats).
    public var loss: Double
    /// Share of steps whose most likely token was the target.
    public var accuracy: Double
    public var onsetLoss: Double
    public var onsetAccuracy: Double
    /// Steps counted.
    public var steps: Int

    init(_ totals: WindowTotals) {
        loss = totals.meanLoss
        accuracy = totals.accuracy
        onsetLoss = totals.meanOnsetLoss
        onsetAccuracy = totals.onsetAccuracy
        steps = totals.count
    }
}

/// One finished epoch.
public struct EpochSummary: Sendable, Codable, Equatable {
    /// 1-based.
    public var epoch: Int
    public var train: Metrics
    /// Nil when no song is held out.
    public var validation: Metrics?
    public var learningRate: Float
    /// Sequence steps trained per second in this epoch.
    public var stepsPerSecond: Double
    /// Training time of this epoch, seconds.
    public var seconds: Double
    /// The validation loss is the best so far (the best checkpoint was written).
    public var isBest: Bool
}

/// Progress after one training window.
public struct BatchProgress: Sendable, Equatable {
    /// 1-based epoch and window within it.
    public var epoch: Int
    public var batch: Int
    public var batchesPerEpoch: Int
    /// Mean cross-entropy of this window.
    public var loss: Double
    public var gradientNorm: Double
    public var learningRate: Float
    /// Sequence steps per second over the epoch so far.
    public var stepsPerSecond: Double
    /// Training time of the whole run so far (seconds, resumed runs included).
    public var elapsedSeconds: Double
}

/// Why a run stopped.
public enum StopReason: Sendable, Equatable {
    case finished
    case earlyStopped(bestEpoch: Int)
    case timeLimit
    /// The run made the windows it was allowed (`Trainer.run(maxSteps:)`).
    case stepLimit
    case cancelled
}

/// What the trainer reports while it runs.
public enum TrainingEvent: Sendable, Equatable {
    /// Before the first window: windows per epoch, training and validation songs.
    case started(batchesPerEpoch: Int, trainingSongs: Int, validationSongs: Int, parameters: Int)
    case batch(BatchProgress)
    case epoch(EpochSummary)
    case stopped(StopReason)
}

/// A training run that cannot go on.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss or the gradient became NaN or ∞ at this window; the parameters of the step before are
    /// kept (and the last checkpoint written is left as it was).
    case nonFinite(epoch: Int, batch: Int, loss: Double, gradientNorm: Double)
    case badCorpus(String)
    case badConfiguration(String)
    /// A resumed run whose files do not fit the corpus or model.
    case cannotResume(String)

    public var description: String {
        switch self {
        case .nonFinite(let epoch, let batch, let loss, let norm):
            "training diverged at epoch \(epoch), batch \(batch): loss \(loss), gradient norm \(norm); " +
                "the last checkpoint is kept — try a lower learning rate or clipping"
        case .badCorpus(let reason): "cannot train on this corpus: \(reason)"
        case .badConfiguration(let reason): "cannot train with these settings: \(reason)"
        case .cannotResume(let reason): "cannot resume: \(reason)"
        }
    }
}
