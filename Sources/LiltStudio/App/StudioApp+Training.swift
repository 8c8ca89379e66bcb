import Foundation
import LiltCompose
import LiltMusic
import LiltNN

/// The training the studio runs: the job, and what the pane needs to know about it.
final class StudioTraining {
    var job: TrainingJob?
    let corpus: EncodedCorpus
    let model: ModelOptions
    let directory: URL
    var batchesPerEpoch = 1

    init(corpus: EncodedCorpus, model: ModelOptions, directory: URL) {
        self.corpus = corpus
        self.model = model
        self.directory = directory
    }
}

/// What `t` trains: a corpus by name (nil: the default one) and a model size, chosen with `:train NAME 2x256`.
struct TrainingChoice: Equatable {
    var corpus: String?
    var model: ModelOptions
}

extension StudioApp {
    /// The corpus and size `t` trains: the last `:train` choice, else `--corpus` (or the default corpus)
    /// with the default model's size.
    var currentTrainingChoice: TrainingChoice? {
        trainingChoice ?? environment.training.map { TrainingChoice(corpus: $0.corpus, model: $0.model) }
    }

    /// `:train NAME 2x256`: chooses the corpus and/or the model size, then starts training on them.
    func chooseTraining(corpus: String?, layers: Int?, hidden: Int?) {
        if let job = training?.job, job.result == nil, !job.isCancelled {
            state.message = StudioMessage("training is running: :train stop first, then choose again", isError: true)
            return
        }
        guard var choice = currentTrainingChoice else {
            state.message = StudioMessage("training is not available here", isError: true)
            return
        }
        if let corpus { choice.corpus = corpus }
        if let layers, let hidden { choice.model.layers = layers; choice.model.hidden = hidden }
        trainingChoice = choice
        training = nil
        toggleTraining()
    }

    /// `:corpora`: the stored corpora and the default one, in the message line.
    func listCorpora() {
        guard let setup = environment.training else {
            state.message = StudioMessage("training is not available here", isError: true)
            return
        }
        let defaultName = setup.defaultCorpusName
        let names = Set(CorpusStore(directory: setup.locations.corpora).names()).union([defaultName]).sorted()
        let listed = names.map { $0 == defaultName ? "\($0) (default)" : $0 }.joined(separator: ", ")
        state.message = StudioMessage("corpora: \(listed); :train NAME 2x256 trains on one (lilt corpus import adds more)")
    }

    /// `t`: starts training (the default model on the default corpus, or `--corpus`), pauses it, or resumes it.
    /// A pause holds the training thread at the next batch boundary with everything in memory; resuming
    /// goes on from exactly there.
    func toggleTraining() {
        if let training, let job = training.job, job.result == nil, !job.isCancelled {
            if job.pauseState == .running {
                job.pause()
                state.training?.phase = .pausing
                state.message = StudioMessage("pausing after this batch (t resumes, :train stop stops)")
            } else {
                job.unpause()
                state.training?.phase = .running
                state.message = StudioMessage("training resumed where it paused")
            }
            return
        }
        if let training {
            start(training)
            return
        }
        guard let setup = environment.training, let choice = currentTrainingChoice else {
            state.message = StudioMessage("training is not available here", isError: true)
            return
        }
        // Importing and encoding the corpus may take a moment: off the main thread.
        let jobs = self.jobs
        jobs.started()
        state.showTraining = true
        state.training = TrainingProgress(title: "preparing the corpus...", vocabularySize: 2)
        Thread.detachNewThread {
            do {
                let store = CorpusStore(directory: setup.locations.corpora)
                let defaultName = setup.defaultCorpusName
                // The default corpus by name is imported from Corpora/ when it is not stored yet.
                let corpus = try choice.corpus.flatMap { $0 == defaultName ? nil : try store.load($0) }
                    ?? DefaultModel.corpus(corporaFolder: setup.corporaFolder, store: store)
                jobs.finished(.corpusReady(corpus))
            } catch {
                jobs.finished(.trainingFailed("\(error)"))
            }
        }
    }

    /// The corpus is ready: make the job and start it.
    func corpusReady(_ corpus: EncodedCorpus) {
        guard let setup = environment.training, let choice = currentTrainingChoice else { return }
        let training = StudioTraining(corpus: corpus, model: choice.model,
                                      directory: setup.directory(corpus: corpus.name, model: choice.model))
        self.training = training
        start(training)
    }

    private func start(_ training: StudioTraining) {
        guard let setup = environment.training else { return }
        let job = TrainingJob(corpus: training.corpus, model: training.model, options: setup.options,
                              directory: training.directory)
        training.job = job
        let size = "\(training.model.layers)×\(training.model.hidden)"
        var progress = TrainingProgress(title: "", vocabularySize: training.corpus.vocabulary.count,
                                        totalEpochs: setup.options.epochs)
        progress.title = "\(size) LSTM on \(training.corpus.name) (\(training.corpus.songs.count) songs)"
        progress.vocabularySize = training.corpus.vocabulary.count
        progress.phase = .starting
        state.training = progress
        state.showTraining = true
        job.start()
        state.message = StudioMessage("training started: keep composing; each new best model is swapped in for generation")
    }

    /// `:train stop`.
    func stopTraining() {
        guard let training, let job = training.job, job.result == nil else {
            state.message = StudioMessage("no training is running")
            return
        }
        job.cancel()
        state.message = StudioMessage("stopping training (the best model so far is kept)")
    }

    /// Drains the job's events into the pane (once a frame); returns whether anything changed.
    func drainTraining() -> Bool {
        guard let training, let job = training.job else { return false }
        // A pause is seen in the job's state, not in an event: the pane says "paused" once the
        // training thread is held. Looked at before draining: the thread publishes a batch's events
        // before it is held, so every event of the last batch is in this drain.
        let held = job.pauseState == .paused
        let events = job.drainEvents()
        if events.isEmpty, state.training?.phase == .pausing, held {
            state.training?.phase = .paused
            state.message = StudioMessage("training paused (t resumes)")
            return true
        }
        guard !events.isEmpty, var progress = state.training else { return false }
        for event in events {
            switch event {
            case .trainer(.started(let batches, _, _, _)):
                training.batchesPerEpoch = max(1, batches)
                if progress.phase != .pausing { progress.phase = .running }
            case .trainer(.batch(let batch)):
                if progress.phase != .pausing { progress.phase = .running }
                progress.epoch = batch.epoch
                progress.stepsPerSecond = batch.stepsPerSecond
                let position = Double(batch.epoch - 1) + Double(batch.batch) / Double(max(1, batch.batchesPerEpoch))
                progress.addBatch(loss: batch.loss, at: position)
                if let total = progress.totalEpochs, position > 0 {
                    var eta = batch.elapsedSeconds / position * (Double(total) - position)
                    if let minutes = environment.training?.options.minutes {
                        eta = min(eta, max(0, minutes * 60 - batch.elapsedSeconds))
                    }
                    progress.eta = eta
                }
            case .trainer(.epoch(let summary)):
                progress.addEpoch(.init(epoch: summary.epoch, train: summary.train.loss, validation: summary.validation?.loss))
                if summary.isBest, FileManager.default.fileExists(atPath: job.modelURL.path) {
                    loadModel(job.modelURL, quiet: true)
                }
            case .trainer(.stopped):
                break
            case .sample(let epoch, let take):
                let notes = take.melody.notes.compactMap { note -> SessionNote? in
                    guard let pitch = note.pitch else { return nil }
                    return SessionNote(pitch: pitch.midi, onset: note.onset, duration: note.duration, origin: .generated,
                                       probability: take.probability(ofNoteAt: note.onset))
                }
                lastSample = notes
                progress.sample = "epoch \(epoch) sample: \(notes.count) notes (S to hear it)"
                state.message = StudioMessage("epoch \(epoch): a sample melody is ready, S previews it")
            case .finished(let reason):
                progress.phase = reason == .cancelled ? .stopped : .finished
                progress.eta = nil
                if FileManager.default.fileExists(atPath: job.modelURL.path) { loadModel(job.modelURL, quiet: true) }
                state.message = StudioMessage("training ended: \(reason)")
            case .failed(let reason):
                progress.phase = .failed
                state.message = StudioMessage("training failed: \(reason)", isError: true)
            }
        }
        if progress.phase == .pausing, held {
            progress.phase = .paused
            state.message = StudioMessage("training paused (t resumes)")
        }
        state.training = progress
        return true
    }

    /// `S`: the latest per-epoch sample as a variation to hear (Space) and keep (Enter).
    func previewSample() {
        guard let sample = lastSample, !sample.isEmpty else {
            state.message = StudioMessage("no sample yet: one comes after each training epoch")
            return
        }
        state.variations = [sample]
        state.variationProvenance = [#"{"source":"training sample"}"#]
        state.variationIndex = 0
        state.variationStart = .zero
        state.showingKept = false
        previewChanged()
        state.message = StudioMessage("the training sample: Space plays, Enter keeps it, Esc drops it")
    }
}
