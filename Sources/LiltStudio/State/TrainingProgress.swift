import Foundation
import LiltCompose

/// What the training pane shows: per-epoch train and validation loss, a smoothed per-batch curve, and
/// the job's pace. Filled from the training job's events once a frame.
public struct TrainingProgress: Sendable, Equatable {
    /// One epoch's mean losses (nats per step).
    public struct EpochPoint: Sendable, Equatable {
        public var epoch: Int
        public var train: Double
        public var validation: Double?

        public init(epoch: Int, train: Double, validation: Double?) {
            self.epoch = epoch
            self.train = train
            self.validation = validation
        }
    }

    /// A point of the smoothed per-batch curve: where in training (epochs, fractional) and the loss.
    public struct BatchPoint: Sendable, Equatable {
        public var epoch: Double
        public var loss: Double
    }

    public enum Phase: String, Sendable, Equatable {
        case starting, running, pausing, paused, stopped, finished, failed
        /// A loaded model's own history, not a run of this session.
        case trained
    }

    public var phase: Phase = .starting
    /// What is trained, for the pane's title ("folk on essen, 2×256").
    public var title: String
    /// The vocabulary size; ln of it is the loss of a uniform guess (the chance line).
    public var vocabularySize: Int
    public var epochs: [EpochPoint] = []
    public private(set) var batches: [BatchPoint] = []
    /// The epoch running now (from 1) and how many are planned, if known.
    public var epoch = 0
    public var totalEpochs: Int?
    public var stepsPerSecond = 0.0
    /// Seconds left, if known.
    public var eta: Double?
    /// Seconds the run trained in all (a loaded model's history).
    public var trainedSeconds: Double?
    /// A line about the latest sample melody, if any.
    public var sample: String?
    /// How much each new batch loss moves the smoothed curve (exponential moving average).
    public var smoothing = 0.1
    private var smoothed: Double?

    public init(title: String, vocabularySize: Int, totalEpochs: Int? = nil) {
        self.title = title
        self.vocabularySize = vocabularySize
        self.totalEpochs = totalEpochs
    }

    /// A loaded model's history as the pane draws it: its epochs, finished.
    public init(history: TrainingHistory, title: String, vocabularySize: Int) {
        self.init(title: title, vocabularySize: vocabularySize, totalEpochs: history.epochs.last?.epoch)
        phase = .trained
        for point in history.epochs {
            addEpoch(EpochPoint(epoch: point.epoch, train: point.train, validation: point.validation))
        }
        stepsPerSecond = history.epochs.last?.stepsPerSecond ?? 0
        trainedSeconds = history.seconds
    }

    /// The epoch of the best validation loss so far.
    public var bestEpoch: Int? {
        epochs.filter { $0.validation != nil }.min { $0.validation! < $1.validation! }?.epoch
    }

    /// The loss of guessing uniformly over the vocabulary: ln V.
    public var chanceLoss: Double { log(Double(max(2, vocabularySize))) }

    /// The best validation loss so far.
    public var bestValidation: Double? { epochs.compactMap(\.validation).min() }

    /// Adds one batch's loss at `position` epochs (fractional) to the smoothed curve.
    public mutating func addBatch(loss: Double, at position: Double) {
        guard loss.isFinite else { return }
        let value = smoothed.map { $0 + smoothing * (loss - $0) } ?? loss
        smoothed = value
        batches.append(BatchPoint(epoch: position, loss: value))
        // Keep the curve light: halve its resolution when it grows long.
        if batches.count > 4096 {
            batches = stride(from: 0, to: batches.count, by: 2).map { batches[$0] }
        }
    }

    /// Adds an epoch's losses.
    public mutating func addEpoch(_ point: EpochPoint) {
        epochs.removeAll { $0.epoch == point.epoch }
        epochs.append(point)
        epoch = point.epoch
    }
}
