import Foundation
import LiltMusic
import LiltNN
import Synchronization

/// The shape of a new model (the vocabulary comes from the corpus). The defaults are the default model's
/// (see `DefaultModel.model`).
public struct ModelOptions: Sendable, Codable, Equatable {
    public var layers = 2
    public var hidden = 128
    /// 0 for one-hot input.
    public var embedding = 0
    public var dropout: Float = 0.1

    public init(layers: Int = 2, hidden: Int = 128, embedding: Int = 0, dropout: Float = 0.1) {
        self.layers = layers
        self.hidden = hidden
        self.embedding = embedding
        self.dropout = dropout
    }
}

/// What a training job reports, in order.
public enum TrainingJobEvent: Sendable, Equatable {
    case trainer(TrainingEvent)
    /// A melody sampled from the model after an epoch (model key, with the probability of each token),
    /// also written to `samples.txt` as tokens.
    case sample(epoch: Int, take: Take)
    case finished(StopReason)
    case failed(String)
}

/// A corpus and options → a trained model in a folder: `best.safetensors` (the model to use),
/// `latest.safetensors` (to resume; each with its `.optimizer.safetensors`), `metrics.csv` (one row per
/// epoch) and `samples.txt` (a melody sampled after each epoch). Runs the LiltNN trainer on a thread of
/// its own; events are queued for `drainEvents()` (the studio, once a frame) and also passed to
/// `onEvent` on the training thread (the command line). `cancel()` stops at the next window boundary
/// after saving `latest`. `pause()` holds the training thread at the next window boundary, with the
/// model, optimizer state and data order kept in memory; `unpause()` lets it go on from exactly there, so
/// a paused run computes the same losses as one never paused. `cancel()` also ends a paused run.
public final class TrainingJob: Sendable {
    public let corpus: EncodedCorpus
    public let model: ModelOptions
    public let options: TrainingOptions
    public let directory: URL
    public let resume: Bool
    /// Steps of the per-epoch sample melody.
    public let sampleSteps: Int
    /// Windows to train in this run at most (nil: no limit).
    public let maxSteps: Int?
    let onEvent: (@Sendable (TrainingJobEvent) -> Void)?
    private let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)
    /// Signalled by `unpause()` and `cancel()` to wake a training thread held by a pause.
    private let wake = DispatchSemaphore(value: 0)

    struct State {
        var events: [TrainingJobEvent] = []
        var cancelled = false
        var pauseRequested = false
        var held = false
        var started = false
        var result: Result<StopReason, TrainingJobError>? = nil
    }

    /// Where a run stands with respect to `pause()`.
    public enum PauseState: Sendable, Equatable {
        /// Not asked to pause (or unpaused).
        case running
        /// Asked to pause; the window in progress is finishing.
        case pausing
        /// Held at a window boundary: no window runs until `unpause()` or `cancel()`.
        case paused
    }

    public init(corpus: EncodedCorpus, model: ModelOptions = ModelOptions(), options: TrainingOptions = TrainingOptions(),
                directory: URL, resume: Bool = false, sampleSteps: Int = 64, maxSteps: Int? = nil,
                onEvent: (@Sendable (TrainingJobEvent) -> Void)? = nil) {
        self.corpus = corpus
        self.model = model
        self.options = options
        self.directory = directory
        self.resume = resume
        self.sampleSteps = sampleSteps
        self.maxSteps = maxSteps
        self.onEvent = onEvent
    }

    /// A job on the stored corpus `name` (from `store`, by default the cache's corpora), writing into
    /// `directory` (by default `$XDG_DATA_HOME/lilt/models/NAME`).
    public convenience init(corpusNamed name: String, store: CorpusStore = CorpusStore(directory: DataLocations().corpora),
                            model: ModelOptions = ModelOptions(), options: TrainingOptions = TrainingOptions(),
                            directory: URL? = nil, resume: Bool = false,
                            onEvent: (@Sendable (TrainingJobEvent) -> Void)? = nil) throws {
        let corpus = try store.load(name)
        self.init(corpus: corpus, model: model, options: options,
                  directory: directory ?? DataLocations().models.appendingPathComponent(name), resume: resume,
                  onEvent: onEvent)
    }

    public var modelURL: URL { directory.appendingPathComponent("best.safetensors") }
    public var latestURL: URL { directory.appendingPathComponent("latest.safetensors") }
    public var metricsURL: URL { directory.appendingPathComponent("metrics.csv") }
    public var samplesURL: URL { directory.appendingPathComponent("samples.txt") }

    /// The nice value training runs at. Audio must win the CPU from it: a sound server or driver thread
    /// that waits behind training on a 2-core machine runs dry and the music stumbles. Training loses a
    /// little speed only when something else wants the cores.
    public static let niceness: Int32 = 10

    /// Lowers the calling thread to `niceness` (on Linux the nice value is a thread's own, and the threads
    /// it starts — the network's workers — inherit it).
    static func yieldToSound() {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
    }

    /// Starts training on a new thread (once).
    public func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        let thread = Thread { [self] in
            Self.yieldToSound()
            let result: Result<StopReason, TrainingJobError>
            do { result = .success(try self.train()) } catch let error as TrainingJobError {
                result = .failure(error)
            } catch {
                result = .failure(.failed("\(error)"))
            }
            switch result {
            case .success(let reason): self.publish(.finished(reason))
            case .failure(let error): self.publish(.failed(error.description))
            }
            self.state.withLock { $0.result = result }
            self.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Asks the run to stop at the next window boundary (it saves `latest` first); a paused run stops at once.
    public func cancel() {
        state.withLock { $0.cancelled = true }
        wake.signal()
    }

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Holds the training thread at the next window boundary (before the next window, or before the
    /// first window of the next epoch) until `unpause()` or `cancel()`. Time held is not training time:
    /// it counts neither towards steps/s nor towards the time limit.
    public func pause() { state.withLock { $0.pauseRequested = true } }

    /// Lets a paused run go on from where it was held, in the same process, with nothing reloaded.
    public func unpause() {
        state.withLock { $0.pauseRequested = false }
        wake.signal()
    }

    /// Running, asked to pause, or held.
    public var pauseState: PauseState {
        state.withLock { state in
            guard state.pauseRequested, state.result == nil, !state.cancelled else { return .running }
            return state.held ? .paused : .pausing
        }
    }

    /// Called by the trainer before every window: holds the thread while a pause is asked for, then says
    /// whether to stop.
    private func holdWhilePausedThenCheckStop() -> Bool {
        while true {
            let hold = state.withLock { state in
                state.held = state.pauseRequested && !state.cancelled
                return state.held
            }
            guard hold else { return isCancelled }
            // `unpause()` and `cancel()` signal; a signal left over from an earlier one only costs
            // one more look at the state.
            wake.wait()
        }
    }

    /// The events since the last call.
    public func drainEvents() -> [TrainingJobEvent] {
        state.withLock { state in
            defer { state.events.removeAll() }
            return state.events
        }
    }

    /// The result once finished, nil while running.
    public var result: Result<StopReason, TrainingJobError>? { state.withLock { $0.result } }

    /// Blocks until the run ends; returns why it stopped.
    @discardableResult
    public func wait() throws -> StopReason {
        done.wait()
        done.signal()
        switch state.withLock({ $0.result })! {
        case .success(let reason): return reason
        case .failure(let error): throw error
        }
    }

    /// Trains in the calling thread (what `start` runs).
    func train() throws -> StopReason {
        let tokenCorpus = TokenCorpus(songs: corpus.songs.map { Array($0.tokens.dropLast()) }, endOfSong: corpus.endTokenIndex,
                                      vocabularySize: corpus.vocabulary.count)
        let onsets = MusicModel.onsetIndices(of: corpus.vocabulary)
        var metadata = MusicModel.metadata(vocabulary: corpus.vocabulary, encoding: corpus.parameters)
        metadata[MusicModel.MetadataKey.training] = TrainingInfo(corpus: corpus.name, seed: options.seed,
                                                                 validationFraction: options.validationFraction).json
        let trainer: Trainer
        if resume {
            guard FileManager.default.fileExists(atPath: latestURL.path) else {
                throw TrainingJobError.cannotResume("no \(latestURL.path) to resume from")
            }
            let loaded = try Checkpoint.load(from: latestURL)
            guard loaded.metadata["lilt.vocabulary"] == metadata["lilt.vocabulary"] else {
                throw TrainingJobError.cannotResume("the corpus '\(corpus.name)' has another vocabulary than the saved model")
            }
            let options = self.options
            trainer = try Trainer.resume(from: latestURL, corpus: tokenCorpus, onsetTokens: onsets) { saved in
                saved.epochs = options.epochs
                saved.minutes = options.minutes
                saved.earlyStoppingPatience = options.earlyStoppingPatience
            }
        } else {
            let config = LSTMConfig(vocabularySize: corpus.vocabulary.count, layers: model.layers, hidden: model.hidden,
                                    embedding: model.embedding, dropout: model.dropout)
            if let problem = config.problem { throw TrainingJobError.failed(problem) }
            var generator = SeededGenerator(seed: options.seed)
            trainer = try Trainer(model: LSTMModel(config: config, using: &generator), corpus: tokenCorpus,
                                  onsetTokens: onsets, options: options)
            try? FileManager.default.removeItem(at: samplesURL)
        }
        trainer.checkpoints = CheckpointTarget(directory: directory, metadata: metadata)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var failure: Error?
        let reason = try trainer.run(maxSteps: maxSteps, shouldStop: { [self] in holdWhilePausedThenCheckStop() }) { event in
            publish(.trainer(event))
            guard case .epoch(let summary) = event else { return }
            do {
                try writeMetrics(trainer.history)
                if let take = sample(trainer.model, epoch: summary.epoch) {
                    try append(line: "epoch \(summary.epoch): " + take.tokens.map(\.description).joined(separator: " "),
                               to: samplesURL)
                    publish(.sample(epoch: summary.epoch, take: take))
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw TrainingJobError.failed("\(failure)") }
        if trainer.history.isEmpty == false { try writeMetrics(trainer.history) }
        // Stopped before the first epoch ended: the latest state is the best there is.
        if !FileManager.default.fileExists(atPath: modelURL.path), FileManager.default.fileExists(atPath: latestURL.path) {
            try FileManager.default.copyItem(at: latestURL, to: modelURL)
        }
        return reason
    }

    private func publish(_ event: TrainingJobEvent) {
        state.withLock { $0.events.append(event) }
        onEvent?(event)
    }

    /// A melody of `sampleSteps` steps from `/`, temperature 1, random seed = epoch.
    private func sample(_ network: LSTMModel, epoch: Int) -> Take? {
        let music = MusicModel(network: network, vocabulary: corpus.vocabulary, encoding: corpus.parameters)
        var controls = GenerationControls()
        controls.length = .steps(sampleSteps)
        controls.randomSeed = UInt64(epoch)
        guard let generator = try? StreamingGenerator(model: music, seed: Seed(), controls: controls, threads: 1) else { return nil }
        return generator.run().first
    }

    /// `metrics.csv`: one row per epoch.
    private func writeMetrics(_ history: [EpochSummary]) throws {
        var text = "epoch,train_loss,train_accuracy,train_onset_loss,train_onset_accuracy,validation_loss,"
            + "validation_accuracy,validation_onset_loss,validation_onset_accuracy,learning_rate,steps_per_second,seconds,best\n"
        func number(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        for epoch in history {
            let v = epoch.validation
            text += [String(epoch.epoch), number(epoch.train.loss), number(epoch.train.accuracy), number(epoch.train.onsetLoss),
                     number(epoch.train.onsetAccuracy), number(v?.loss), number(v?.accuracy), number(v?.onsetLoss),
                     number(v?.onsetAccuracy), String(epoch.learningRate), String(format: "%.1f", epoch.stepsPerSecond),
                     String(format: "%.3f", epoch.seconds), epoch.isBest ? "1" : "0"].joined(separator: ",") + "\n"
        }
        try Data(text.utf8).write(to: metricsURL, options: .atomic)
    }

    private func append(line: String, to url: URL) throws {
        let data = Data((line + "\n").utf8)
        if let handle = try? FileHandle(forWritingTo: url) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
        } else {
            try data.write(to: url, options: .atomic)
        }
    }
}

/// Why a training job failed.
public enum TrainingJobError: Error, CustomStringConvertible, Equatable {
    case cannotResume(String)
    case failed(String)

    public var description: String {
        switch self {
        case .cannotResume(let reason): "cannot resume: \(reason)"
        case .failed(let reason): reason
        }
    }
}
