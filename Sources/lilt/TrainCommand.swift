import ArgumentParser
import Dispatch
import Foundation
import LiltCompose
import LiltMusic
import LiltNN

/// `lilt train`: trains a model on an encoded corpus, with a live progress line, one summary per epoch,
/// and the model, metrics CSV and per-epoch samples in the output folder. Ctrl-C saves and stops.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an LSTM on an encoded corpus (see `lilt corpus import`), or the default model (--default).",
        discussion: """
            Writes OUT/best.safetensors (the model to generate with), OUT/latest.safetensors (to resume), \
            OUT/metrics.csv (one row per epoch) and OUT/samples.txt (a melody sampled after every epoch). \
            Ctrl-C saves the latest state and stops; --resume continues from it exactly. \
            --default imports the default corpus if needed (Corpora/essen-abc when installed by \
            Scripts/install-corpora, else Corpora/samples) and trains the default model into \
            $XDG_DATA_HOME/lilt/models/default in about two minutes.
            """)

    @Option(help: "The corpus name (in `lilt corpus list`).")
    var corpus: String?

    @Flag(help: "Train the default model (default corpus, size and time) into the default model folder.")
    var `default` = false

    @Option(help: "Folder holding essen-abc/ and samples/ for --default (default: ./Corpora, else beside the program).")
    var corpora: String?

    @Option(help: "LSTM layers (default 2).") var layers: Int?
    @Option(help: "Hidden units per layer (default 128).") var hidden: Int?
    @Option(help: "Embedding width (0: one-hot input).") var embedding: Int?
    @Option(help: "Dropout between layers and before the head, in training.") var dropout: Float?
    @Option(help: "Window length T (steps).") var seq: Int?
    @Option(help: "Parallel streams B.") var batch: Int?
    @Option(help: "Epochs at most.") var epochs: Int?
    @Option(help: "Train for this many minutes: the time is used whole (no epoch limit or early stopping unless --epochs or --patience asks for one); the best checkpoint is kept.")
    var minutes: Double?
    @Option(help: "Learning rate (Adam).") var lr: Float?
    @Option(help: "Largest gradient norm (0: no clipping).") var clip: Float?
    @Option(help: "Random seed (weights, split, order, dropout).") var seed: UInt64?
    @Option(help: "Threads for each training step.") var threads: Int?
    @Option(help: "Stop when validation has not improved for this many epochs (0: never).") var patience: Int?
    @Option(help: "Stop after this many windows in this run, saving the latest state.") var maxSteps: Int?

    @Option(help: "The model folder (default: $XDG_DATA_HOME/lilt/models/CORPUS).")
    var out: String?

    @Flag(help: "Continue the run saved in the model folder.")
    var resume = false

    func run() throws {
        let locations = DataLocations()
        let store = CorpusStore(directory: locations.corpora)
        let encoded: EncodedCorpus
        var model = DefaultModel.model
        var options = TrainingOptions()
        let directory: URL
        if `default` {
            let folder = corpora.map { URL(fileURLWithPath: $0) } ?? TrainCommand.corporaFolder()
            encoded = try DefaultModel.corpus(corporaFolder: folder, store: store)
            model = DefaultModel.model
            options = DefaultModel.training
            directory = out.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory(locations)
        } else {
            guard let corpus else { throw CommandError("name a corpus with --corpus NAME, or use --default") }
            encoded = try store.load(corpus)
            directory = out.map { URL(fileURLWithPath: $0) } ?? locations.models.appendingPathComponent(corpus)
        }
        if let layers { model.layers = layers }
        if let hidden { model.hidden = hidden }
        if let embedding { model.embedding = embedding }
        if let dropout { model.dropout = dropout }
        if let seq { options.sequenceLength = seq }
        if let batch { options.batchSize = batch }
        if let epochs { options.epochs = epochs }
        if let minutes { options.minutes = minutes }
        if let lr { options.learningRate = lr }
        if let clip { options.clipNorm = clip > 0 ? clip : nil }
        if let seed { options.seed = seed }
        if let threads { options.threads = max(1, threads) }
        if let patience { options.earlyStoppingPatience = patience > 0 ? patience : nil }
        // A time budget is used whole: the time ends the run, not an epoch count or a stretch without a
        // better validation (which is noisy epoch to epoch); the best checkpoint is kept either way.
        var epochsShown: Int? = options.epochs
        if options.minutes != nil {
            if epochs == nil {
                options.epochs = TrainCommand.epochsWithinTime
                epochsShown = nil
            }
            if patience == nil { options.earlyStoppingPatience = nil }
        }

        let printer = TrainingPrinter(epochs: epochsShown, minutes: options.minutes)
        let job = TrainingJob(corpus: encoded, model: model, options: options, directory: directory, resume: resume,
                              maxSteps: maxSteps.map { max(0, $0) }, onEvent: { printer.show($0) })
        // A resumed run goes on with the shape and windows it was saved with, whatever the options say.
        var shown = (model: model, options: options)
        if resume, let saved = try? TrainCommand.savedRun(job.latestURL) { shown = saved }
        print("training on '\(encoded.name)': \(encoded.songs.count) songs, \(encoded.tokenCount) tokens, vocabulary "
              + "\(encoded.vocabulary.count); \(shown.model.layers) × LSTM \(shown.model.hidden)"
              + (shown.model.embedding > 0 ? ", embedding \(shown.model.embedding)" : ", one-hot")
              + ", dropout \(shown.model.dropout); T \(shown.options.sequenceLength), B \(shown.options.batchSize), "
              + "lr \(shown.options.learningRate)" + (resume ? " (resuming)" : ""))
        print("model folder: \(directory.path)")

        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            printer.interrupted()
            job.cancel()
        }
        source.resume()
        job.start()
        let reason: StopReason
        do { reason = try job.wait() } catch {
            printer.clear()
            throw error
        }
        printer.clear()
        switch reason {
        case .finished: print("finished all epochs")
        case .earlyStopped(let best): print("stopped early: no better validation loss since epoch \(best)")
        case .timeLimit: print("stopped at the time limit")
        case .stepLimit: print("stopped after \(maxSteps ?? 0) windows (continue with --resume)")
        case .cancelled: print("stopped by Ctrl-C; the latest state is saved (continue with --resume)")
        }
        print("model: \(job.modelURL.path)")
        print("metrics: \(job.metricsURL.path)")
        print("samples: \(job.samplesURL.path)")
        if reason == .cancelled { throw ExitCode(130) }
    }

    /// The model shape and training options of the run saved at `latest` (its file and training state).
    static func savedRun(_ latest: URL) throws -> (model: ModelOptions, options: TrainingOptions) {
        let config = try Checkpoint.load(from: latest).model.config
        let metadata = try SafeTensors.read(Checkpoint.trainingStateURL(for: latest)).metadata
        struct Saved: Decodable { var options: TrainingOptions }
        let saved = try JSONDecoder().decode(Saved.self, from: Data((metadata["lilt.trainer"] ?? "").utf8))
        return (ModelOptions(layers: config.layers, hidden: config.hidden, embedding: config.embedding,
                             dropout: config.dropout), saved.options)
    }

    /// `./Corpora` when it exists, else the `Corpora` folder of the package the program was built in.
    /// The epoch limit when the time limit alone should end a run.
    static let epochsWithinTime = 1_000_000

    static func corporaFolder() -> URL {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Corpora")
        if FileManager.default.fileExists(atPath: here.path) { return here }
        let program = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = program.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("Corpora")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return here
    }
}

/// Prints training events: a live line on a terminal (epoch, batch, loss, steps/s, ETA), a plain line every
/// ten seconds when not, and one summary per epoch either way.
final class TrainingPrinter: Sendable {
    /// The epoch limit (nil: the time limit alone ends the run).
    let epochs: Int?
    let minutes: Double?
    private let progress = ProgressLine()

    init(epochs: Int?, minutes: Double?) {
        self.epochs = epochs
        self.minutes = minutes
    }

    func show(_ event: TrainingJobEvent) {
        switch event {
        case .trainer(.started(let batches, let training, let validation, let parameters)):
            progress.printLine("\(training) training songs, \(validation) held out; \(parameters) parameters; "
                               + "\(batches) batches per epoch")
        case .trainer(.batch(let batch)):
            let epochFraction = Double(batch.batch) / Double(max(batch.batchesPerEpoch, 1))
            let done = Double(batch.epoch - 1) + epochFraction
            var eta = epochs.map { batch.elapsedSeconds / max(done, 1e-9) * (Double($0) - done) } ?? .infinity
            if let minutes { eta = min(eta, max(0, minutes * 60 - batch.elapsedSeconds)) }
            let text = String(format: "epoch %d%@  batch %d/%d  loss %.3f  %.0f steps/s  ETA %@",
                              batch.epoch, epochs.map { "/\($0)" } ?? "", batch.batch, batch.batchesPerEpoch, batch.loss,
                              batch.stepsPerSecond, clock(eta))
            progress.update(text, force: batch.batch == batch.batchesPerEpoch,
                            milestone: Int(progress.elapsedSeconds / 10))
        case .trainer(.epoch(let summary)):
            var text = String(format: "epoch %d: train loss %.4f (onsets %.4f)", summary.epoch, summary.train.loss,
                              summary.train.onsetLoss)
            if let v = summary.validation {
                text += String(format: ", validation loss %.4f (onsets %.4f), accuracy %.3f", v.loss, v.onsetLoss, v.accuracy)
            }
            text += String(format: ", %.1f s, %.0f steps/s", summary.seconds, summary.stepsPerSecond)
            if summary.isBest { text += "  [best]" }
            progress.printLine(text)
        case .trainer(.stopped): break
        case .sample(let epoch, let take):
            let tokens = take.tokens.map(\.description)
            progress.printLine("  sample after epoch \(epoch): " + tokens.prefix(48).joined(separator: " ")
                               + (tokens.count > 48 ? " …" : ""))
        case .finished: break
        case .failed(let reason): progress.printLine("training failed: \(reason)")
        }
    }

    func interrupted() {
        progress.printLine("Ctrl-C: saving and stopping…")
    }

    func clear() {
        progress.clear()
    }

    private func clock(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds.rounded()))
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
