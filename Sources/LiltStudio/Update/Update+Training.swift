import Foundation
import LiltCompose
import LiltMusic
import LiltNN

extension StudioState {
    /// What `t` trains: the last `:train` choice, else the default.
    var currentTrainingChoice: TrainingChoice? { trainingChoice ?? trainingDefault }

    /// Whether a training job is under way (preparing, running or paused).
    var isTraining: Bool {
        guard let phase = training?.phase else { return false }
        return [.starting, .running, .pausing, .paused].contains(phase)
    }

    /// `t`: starts training (the chosen corpus and size), pauses it at the next batch, or resumes it
    /// from exactly there.
    mutating func toggleTraining() -> [StudioEffect] {
        if isTraining, trainingRun != nil {
            if training?.phase == .running || training?.phase == .starting {
                training?.phase = .pausing
                message = StudioMessage("pausing after this batch (t resumes, :train stop stops)")
                return [.pauseTraining]
            }
            training?.phase = .running
            message = StudioMessage("training resumed where it paused")
            return [.resumeTraining]
        }
        if isTraining {
            message = StudioMessage("the corpus is still being prepared: training starts in a moment")
            return []
        }
        guard let choice = currentTrainingChoice else {
            message = StudioMessage("training is not available here", isError: true)
            return []
        }
        showTraining = true
        training = TrainingProgress(title: "preparing the corpus...", vocabularySize: 2)
        trainingRun = nil
        return [.startTraining(choice)]
    }

    /// `:train NAME 2x256`: chooses the corpus and/or the model size, then starts training on them.
    mutating func chooseTraining(corpus: String?, layers: Int?, hidden: Int?) -> [StudioEffect] {
        if isTraining {
            message = StudioMessage("training is running: :train stop first, then choose again", isError: true)
            return []
        }
        guard var choice = currentTrainingChoice else {
            message = StudioMessage("training is not available here", isError: true)
            return []
        }
        if let corpus { choice.corpus = corpus }
        if let layers, let hidden {
            choice.model.layers = layers
            choice.model.hidden = hidden
        }
        trainingChoice = choice
        return toggleTraining()
    }

    /// `:train stop`.
    mutating func stopTraining() -> [StudioEffect] {
        guard isTraining, trainingRun != nil else {
            message = StudioMessage("no training is running")
            return []
        }
        message = StudioMessage("stopping training (the best model so far is kept)")
        return [.stopTraining]
    }

    mutating func trainingStarted(_ start: TrainingStart) -> [StudioEffect] {
        var progress = TrainingProgress(title: start.title, vocabularySize: start.vocabularySize,
                                        totalEpochs: start.totalEpochs)
        progress.phase = .starting
        training = progress
        trainingRun = TrainingRun(modelURL: start.modelURL, minutes: start.minutes)
        showTraining = true
        message = StudioMessage("training started: keep composing; each new best model is swapped in for generation")
        return []
    }

    mutating func trainingFailed(_ reason: String) -> [StudioEffect] {
        training?.phase = .failed
        training?.title = "training could not start"
        message = StudioMessage(reason, isError: true)
        return []
    }

    /// The job's events since the last report, into the pane. A pause shows once the training thread is
    /// held (`held`): the thread publishes a batch's events before it is held, so they are all here.
    mutating func training(_ events: [TrainingJobEvent], held: Bool) -> [StudioEffect] {
        guard var progress = training, var run = trainingRun else { return [] }
        var effects: [StudioEffect] = []
        for event in events {
            switch event {
            case .trainer(.started(let batches, _, _, _)):
                run.batchesPerEpoch = max(1, batches)
                if progress.phase != .pausing { progress.phase = .running }
            case .trainer(.batch(let batch)):
                if progress.phase != .pausing { progress.phase = .running }
                progress.epoch = batch.epoch
                progress.stepsPerSecond = batch.stepsPerSecond
                let position = Double(batch.epoch - 1) + Double(batch.batch) / Double(max(1, batch.batchesPerEpoch))
                progress.addBatch(loss: batch.loss, at: position)
                if let total = progress.totalEpochs, position > 0 {
                    var eta = batch.elapsedSeconds / position * (Double(total) - position)
                    if let minutes = run.minutes { eta = min(eta, max(0, minutes * 60 - batch.elapsedSeconds)) }
                    progress.eta = eta
                }
            case .trainer(.epoch(let summary)):
                progress.addEpoch(.init(epoch: summary.epoch, train: summary.train.loss, validation: summary.validation?.loss))
                if summary.isBest { effects.append(.loadModel(run.modelURL, quiet: true)) }
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
                message = StudioMessage("epoch \(epoch): a sample melody is ready, S previews it")
            case .finished(let reason):
                progress.phase = reason == .cancelled ? .stopped : .finished
                progress.eta = nil
                effects.append(.loadModel(run.modelURL, quiet: true))
                message = StudioMessage("training ended: \(reason)")
            case .failed(let reason):
                progress.phase = .failed
                message = StudioMessage("training failed: \(reason)", isError: true)
            }
        }
        if progress.phase == .pausing, held {
            progress.phase = .paused
            message = StudioMessage("training paused (t resumes)")
        }
        training = progress
        trainingRun = run
        return effects
    }

    /// `:corpora`: the stored corpora and the default one, in the message line.
    mutating func listCorpora() -> [StudioEffect] {
        guard trainingDefault != nil else {
            message = StudioMessage("training is not available here", isError: true)
            return []
        }
        return [.listCorpora]
    }

    mutating func corporaListed(_ names: [String], defaultName: String) -> [StudioEffect] {
        let listed = Set(names).union([defaultName]).sorted().map { $0 == defaultName ? "\($0) (default)" : $0 }
        message = StudioMessage("corpora: \(listed.joined(separator: ", ")); :train NAME 2x256 trains on one (lilt corpus import adds more)")
        return []
    }

    /// `S`: the latest per-epoch sample as a variation to hear (Space) and keep (Enter).
    mutating func previewSample() -> [StudioEffect] {
        guard let sample = lastSample, !sample.isEmpty else {
            message = StudioMessage("no sample yet: one comes after each training epoch")
            return []
        }
        variations = [sample]
        variationProvenance = [#"{"source":"training sample"}"#]
        variationIndex = 0
        variationStart = .zero
        showingKept = false
        message = StudioMessage("the training sample: Space plays, Enter keeps it, Esc drops it")
        return previewChanged()
    }
}
