import Foundation

/// Trains a model on a token corpus: epochs of windows (stateful streams or classic windows), Adam with
/// clipping and a learning-rate schedule, validation on held-out songs after every epoch, early
/// stopping, NaN/∞ detection, a time limit, cancellation, and checkpoints that resume exactly.
///
/// Use: make it (`init` or `resume`), optionally set `checkpoints`, then `run` on a thread of its own;
/// events arrive through the callback on that thread. Determinism: the same model, corpus, options
/// (seed and threads included) give the same losses bit for bit, and a run stopped and resumed gives
/// the same losses as one that was not stopped.
public final class Trainer {
    public let corpus: TokenCorpus
    public private(set) var options: TrainingOptions
    public let split: SongSplit
    /// Where `run` writes `latest.safetensors` (every epoch end and when stopped) and `best.safetensors`
    /// (best validation loss), each with its `.optimizer.safetensors`; nil writes nothing.
    public var checkpoints: CheckpointTarget?
    let onsetTokens: Set<Int>
    let stepper: WindowTrainer

    /// Summaries of the finished epochs.
    public private(set) var history: [EpochSummary] = []
    var progress: Progress

    /// Where a run stands; saved in the training-state file.
    struct Progress: Codable, Equatable {
        var epoch = 1
        var nextWindow = 0
        var epochTotals = WindowTotals()
        var epochSeconds = 0.0
        var elapsedSeconds = 0.0
        var learningRate: Float
        var bestValidationLoss: Double? = nil
        var bestEpoch = 0
        var epochsSinceBest = 0
        var epochsSincePlateauCut = 0
        var passes: UInt64 = 0
        var adamStep = 0
    }

    /// A trainer for `model` on `corpus`. `onsetTokens` are the targets counted in the onset-only figures.
    public init(model: LSTMModel, corpus: TokenCorpus, onsetTokens: Set<Int> = [], options: TrainingOptions) throws {
        if let problem = corpus.problem { throw TrainingError.badCorpus(problem) }
        guard corpus.vocabularySize == model.config.vocabularySize else {
            throw TrainingError.badConfiguration("the corpus has \(corpus.vocabularySize) tokens, the model " +
                                                 "\(model.config.vocabularySize)")
        }
        guard options.sequenceLength >= 1, options.batchSize >= 1, options.epochs >= 0, options.threads >= 1 else {
            throw TrainingError.badConfiguration("sequence length, batch size and threads must be at least 1")
        }
        guard options.learningRate > 0, options.learningRate.isFinite else {
            throw TrainingError.badConfiguration("the learning rate must be positive")
        }
        guard (0..<1).contains(options.validationFraction) else {
            throw TrainingError.badConfiguration("the validation fraction must be in [0, 1)")
        }
        self.corpus = corpus
        self.options = options
        self.onsetTokens = onsetTokens
        split = SongSplit(songCount: corpus.songs.count, validationFraction: options.validationFraction, seed: options.seed)
        guard !split.training.isEmpty else { throw TrainingError.badCorpus("no song to train on") }
        stepper = WindowTrainer(model: model, batch: options.batchSize, steps: options.sequenceLength,
                                learningRate: options.learningRate, clipNorm: options.clipNorm,
                                onsetTokens: onsetTokens, dropoutSeed: options.seed &+ 0xD809, threads: options.threads)
        progress = Progress(learningRate: options.learningRate)
    }

    /// The model as trained so far.
    public var model: LSTMModel { stepper.network.model }

    /// Windows in one epoch.
    public var batchesPerEpoch: Int {
        switch options.mode {
        case .stateful: streams(epoch: 1).windowCount(steps: options.sequenceLength)
        case .classic: (classicWindows(epoch: 1).targetPositions.count + options.batchSize - 1) / options.batchSize
        }
    }

    private func songOrder(epoch: Int) -> [Int] {
        var generator = SeededGenerator(seed: options.seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
        return split.training.shuffled(using: &generator)
    }

    private func streams(epoch: Int) -> StreamLayout {
        StreamLayout(songs: corpus.songs, order: songOrder(epoch: epoch), endOfSong: corpus.endOfSong,
                     batch: options.batchSize)
    }

    private func classicWindows(epoch: Int) -> ClassicWindows {
        ClassicWindows(songs: corpus.songs, order: songOrder(epoch: epoch), endOfSong: corpus.endOfSong,
                       steps: options.sequenceLength)
    }

    /// Trains until the epochs are done, early stopping, the time limit, `maxSteps` windows in this run,
    /// `shouldStop()` or task cancellation; reports through `onEvent`. Throws `TrainingError.nonFinite`
    /// when the loss or gradient stops being finite (the parameters stay those of the step before;
    /// checkpoints already written stay as they are).
    @discardableResult
    public func run(maxSteps: Int? = nil, shouldStop: () -> Bool = { false },
                    onEvent: (TrainingEvent) -> Void) throws -> StopReason {
        let network = stepper.network
        let batch = options.batchSize, steps = options.sequenceLength
        onEvent(.started(batchesPerEpoch: batchesPerEpoch, trainingSongs: split.training.count,
                         validationSongs: split.validation.count, parameters: network.layout.count))
        let clock = ContinuousClock()
        var stepsThisRun = 0
        while progress.epoch <= options.epochs {
            let epoch = progress.epoch
            let layout = options.mode == .stateful ? streams(epoch: epoch) : nil
            let classic = options.mode == .classic ? classicWindows(epoch: epoch) : nil
            var positions: [Int] = []
            if let classic {
                var generator = SeededGenerator(seed: options.seed ^ (UInt64(epoch) &* 0xC2B2_AE3D_27D4_EB4F))
                positions = Array(classic.targetPositions).shuffled(using: &generator)
            }
            let windows = layout?.windowCount(steps: steps) ?? (positions.count + batch - 1) / batch
            if progress.nextWindow == 0 { network.resetState() }
            stepper.learningRate = progress.learningRate
            while progress.nextWindow < windows {
                if shouldStop() || Task.isCancelled {
                    try saveLatest()
                    onEvent(.stopped(.cancelled))
                    return .cancelled
                }
                if let minutes = options.minutes, progress.elapsedSeconds >= minutes * 60 {
                    try saveLatest()
                    onEvent(.stopped(.timeLimit))
                    return .timeLimit
                }
                if let maxSteps, stepsThisRun >= maxSteps {
                    try saveLatest()
                    onEvent(.stopped(.stepLimit))
                    return .stepLimit
                }
                let window = progress.nextWindow
                let start = clock.now
                var windowSteps = steps
                if let layout {
                    windowSteps = layout.write(window: window, steps: steps, endOfSong: corpus.endOfSong,
                                               inputs: network.inputs, targets: network.targets, resets: network.resets)
                } else if let classic {
                    let slice = positions[(window * batch)..<min((window + 1) * batch, positions.count)]
                    classic.write(positions: slice, batch: batch, endOfSong: corpus.endOfSong, inputs: network.inputs,
                                  targets: network.targets, resets: network.resets)
                }
                let result = stepper.stepLoaded(steps: windowSteps)
                guard result.isFinite else {
                    throw TrainingError.nonFinite(epoch: epoch, batch: window + 1, loss: result.totals.meanLoss,
                                                  gradientNorm: result.gradientNorm)
                }
                let duration = clock.now - start
                let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
                progress.nextWindow += 1
                stepsThisRun += 1
                progress.epochTotals += result.totals
                progress.epochSeconds += seconds
                progress.elapsedSeconds += seconds
                progress.passes = network.passes
                progress.adamStep = stepper.adam.step
                onEvent(.batch(BatchProgress(
                    epoch: epoch, batch: window + 1, batchesPerEpoch: windows, loss: result.totals.meanLoss,
                    gradientNorm: result.gradientNorm, learningRate: stepper.learningRate,
                    stepsPerSecond: Double(progress.nextWindow * batch * steps) / max(progress.epochSeconds, 1e-9),
                    elapsedSeconds: progress.elapsedSeconds)))
            }
            let validation = split.validation.isEmpty ? nil : Metrics(validate())
            var summary = EpochSummary(
                epoch: epoch, train: Metrics(progress.epochTotals), validation: validation,
                learningRate: progress.learningRate,
                stepsPerSecond: Double(windows * batch * steps) / max(progress.epochSeconds, 1e-9),
                seconds: progress.epochSeconds, isBest: false)
            let score = validation?.loss ?? summary.train.loss
            if progress.bestValidationLoss.map({ score < $0 }) ?? true {
                progress.bestValidationLoss = score
                progress.bestEpoch = epoch
                progress.epochsSinceBest = 0
                progress.epochsSincePlateauCut = 0
                summary.isBest = true
            } else {
                progress.epochsSinceBest += 1
                progress.epochsSincePlateauCut += 1
            }
            switch options.schedule {
            case .constant: break
            case .step(let every, let factor):
                if every > 0 && epoch % every == 0 { progress.learningRate *= factor }
            case .plateau(let patience, let factor, let minimum):
                if progress.epochsSincePlateauCut >= patience {
                    progress.learningRate = max(progress.learningRate * factor, minimum)
                    progress.epochsSincePlateauCut = 0
                }
            }
            history.append(summary)
            progress.epoch += 1
            progress.nextWindow = 0
            progress.epochTotals = WindowTotals()
            progress.epochSeconds = 0
            if summary.isBest, let checkpoints {
                try save(to: checkpoints.directory.appendingPathComponent("best.safetensors"), metadata: checkpoints.metadata)
            }
            try saveLatest()
            onEvent(.epoch(summary))
            if let patience = options.earlyStoppingPatience, progress.epochsSinceBest >= patience {
                onEvent(.stopped(.earlyStopped(bestEpoch: progress.bestEpoch)))
                return .earlyStopped(bestEpoch: progress.bestEpoch)
            }
        }
        onEvent(.stopped(.finished))
        return .finished
    }

    /// Loss and accuracy over the held-out songs: stateful streams by the same rule as training, no dropout.
    public func validate() -> WindowTotals {
        let network = stepper.network
        let layout = StreamLayout(songs: corpus.songs, order: split.validation, endOfSong: corpus.endOfSong,
                                  batch: options.batchSize)
        network.resetState()
        var totals = WindowTotals()
        for window in 0..<layout.windowCount(steps: options.sequenceLength) {
            let count = layout.write(window: window, steps: options.sequenceLength, endOfSong: corpus.endOfSong,
                                     inputs: network.inputs, targets: network.targets, resets: network.resets)
            totals += network.forwardLoaded(steps: count, training: false)
        }
        network.resetState()
        return totals
    }

    private func saveLatest() throws {
        guard let checkpoints else { return }
        try save(to: checkpoints.directory.appendingPathComponent("latest.safetensors"), metadata: checkpoints.metadata)
    }

    /// Writes the model to `url` (with `metadata`, and `lilt.history` from this run) and the training
    /// state (Adam's moments, carried stream state, position, options, history) beside it.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw CheckpointError.cannotWrite(path: url.path, reason: "cannot create its folder: \(error.localizedDescription)")
        }
        var all = metadata
        all["lilt.history"] = String(decoding: try JSONEncoder().encode(history), as: UTF8.self)
        try Checkpoint.save(model, metadata: all, to: url)
        let network = stepper.network
        let optimizer = stepper.optimizerState
        let count = network.layout.count
        var tensors: [(name: String, tensor: StoredTensor)] = [
            ("adam.m", StoredTensor(shape: [count], values: optimizer.m)),
            ("adam.v", StoredTensor(shape: [count], values: optimizer.v)),
        ]
        for (index, values) in network.state.enumerated() {
            tensors.append(("state.\(index % 2 == 0 ? "h" : "c")_l\(index / 2)",
                            StoredTensor(shape: [options.batchSize, network.config.hidden], values: values)))
        }
        let state = SavedTrainingState(progress: progress, options: options, history: history)
        try SafeTensors.write(tensors, metadata: ["lilt.trainer": String(decoding: try JSONEncoder().encode(state), as: UTF8.self)],
                              to: Checkpoint.trainingStateURL(for: url))
    }

    /// A trainer continuing the run saved at `url` (model file and its training state) on the same
    /// corpus. `adjust` may change the epochs, minutes or checkpoint-free options; window shape, seed,
    /// split and threads must stay as saved for the run to continue exactly.
    public static func resume(from url: URL, corpus: TokenCorpus, onsetTokens: Set<Int> = [],
                              adjust: (inout TrainingOptions) -> Void = { _ in }) throws -> Trainer {
        let loaded = try Checkpoint.load(from: url)
        let stateURL = Checkpoint.trainingStateURL(for: url)
        let (tensors, metadata) = try SafeTensors.read(stateURL)
        guard let json = metadata["lilt.trainer"],
              let saved = try? JSONDecoder().decode(SavedTrainingState.self, from: Data(json.utf8)) else {
            throw CheckpointError.badMetadata(path: stateURL.path, key: "lilt.trainer", reason: "missing or not readable")
        }
        var options = saved.options
        adjust(&options)
        let trainer = try Trainer(model: loaded.model, corpus: corpus, onsetTokens: onsetTokens, options: options)
        let count = loaded.model.layout.count
        guard let m = tensors["adam.m"], let v = tensors["adam.v"], m.values.count == count, v.values.count == count else {
            throw CheckpointError.badTensor(path: stateURL.path, name: "adam.m/adam.v",
                                            reason: "missing or not \(count) values")
        }
        var state: [[Float]] = []
        for layer in 0..<loaded.model.config.layers {
            for kind in ["h", "c"] {
                let name = "state.\(kind)_l\(layer)"
                guard let tensor = tensors[name],
                      tensor.values.count == options.batchSize * loaded.model.config.hidden else {
                    throw CheckpointError.badTensor(path: stateURL.path, name: name, reason: "missing or wrong size")
                }
                state.append(tensor.values)
            }
        }
        trainer.stepper.optimizerState = (m.values, v.values, saved.progress.adamStep)
        trainer.stepper.network.state = state
        trainer.stepper.network.passes = saved.progress.passes
        trainer.progress = saved.progress
        trainer.history = saved.history
        return trainer
    }
}

/// Where a trainer writes its checkpoints, and the metadata it puts in each (vocabulary, encoding…).
public struct CheckpointTarget: Sendable {
    public var directory: URL
    public var metadata: [String: String]

    public init(directory: URL, metadata: [String: String]) {
        self.directory = directory
        self.metadata = metadata
    }
}

/// The `lilt.trainer` metadata of a training-state file.
struct SavedTrainingState: Codable {
    var progress: Trainer.Progress
    var options: TrainingOptions
    var history: [EpochSummary]
}
