import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

extension StudioRuntime {
    /// Performs one effect. What comes of it — at once or later, from another thread — is posted to the
    /// inbox as an event for the update.
    func perform(_ effect: StudioEffect) {
        let inbox = self.inbox
        switch effect {
        case .player(let command): perform(command)
        case .sound(let event): environment.output.sound(event)
        case .schedule(let timer, let seconds): timers[timer] = clock.milliseconds + seconds * 1000
        case .cancel(let timer): timers[timer] = nil
        case .scheduleAt(let timer, let milliseconds): timers[timer] = milliseconds
        case .stamp: inbox.post(.stamped(at: clock.milliseconds))
        case .click(let accent): environment.output.click(accent: accent)

        case .loadModel(let url, let quiet):
            // A best model is swapped in quietly; a run that wrote none yet leaves the model as it is.
            if quiet, !FileManager.default.fileExists(atPath: url.path) { return }
            inbox.started()
            work.run(on: .model) { inbox.finished(ModelWork.load(url, quiet: quiet)) }
        case .generate(let request, let model):
            inbox.started()
            work.run(on: .model) { inbox.finished(.generated(ModelWork.generate(request, model: model.model))) }
        case .harmonize(let request, let model):
            inbox.started()
            work.run(on: .model) { inbox.finished(.harmonized(ModelWork.harmonize(request, model: model.model))) }
        case .predict(let key, let seed, let model):
            inbox.started()
            work.run(on: .model) { inbox.finished(.predicted(key, ModelWork.predict(after: seed, model: model.model))) }

        case .startLive(let request): startLive(request)
        case .updateLive(let controls): live?.update(controls)
        case .stopLive(let keep): stopLive(keep: keep)

        case .startTraining(let choice): prepareTraining(choice)
        case .pauseTraining: trainingJob?.pause()
        case .resumeTraining: trainingJob?.unpause()
        case .stopTraining: trainingJob?.cancel()
        case .listCorpora:
            guard let setup = environment.training else { return }
            inbox.post(.corporaListed(CorpusStore(directory: setup.locations.corpora).names(),
                                      defaultName: setup.defaultCorpusName))

        case .loadCorpusHistograms(let name):
            guard let setup = environment.training else {
                inbox.post(.failed("no corpus store here to compare with"))
                return
            }
            inbox.started()
            work.run(on: .files) {
                do {
                    let corpus = try CorpusStore(directory: setup.locations.corpora).load(name)
                    inbox.finished(.corpusHistograms(CorpusHistograms(name: name, histograms: PooledHistograms(corpus: corpus))))
                } catch {
                    inbox.finished(.failed("statistics: \(error)"))
                }
            }

        case .midi(let request): connectMIDI(request)

        case .save(let session, let url, let revision, let thenQuit):
            inbox.post(FileWork.save(session, to: url, revision: revision, thenQuit: thenQuit))
        case .open(let url): inbox.post(FileWork.open(url))
        case .export(let melody, let url, let program, let chordProgram, let tempo):
            if url.pathExtension.lowercased() == "wav" {
                guard let soundFont = environment.soundFont else { return }
                inbox.started()
                work.run(on: .files) {
                    inbox.finished(FileWork.render(melody, to: url, program: program, chordProgram: chordProgram, tempo: tempo,
                                                   soundFont: soundFont))
                }
            } else {
                inbox.post(FileWork.write(melody, to: url, program: program, chordProgram: chordProgram))
            }
        case .writeAutosave(let session, let file):
            do {
                try environment.autosave?.save(session, file: file)
            } catch {
                inbox.post(.autosaveFailed("\(error)"))
            }
        case .discardAutosave: environment.autosave?.discard()
        }
    }

    private func perform(_ command: PlayerCommand) {
        do throws(AudioError) {
            switch command {
            case .load(let melody, let tempo): player.load(melody, tempo: tempo)
            case .replace(let melody, let tempo): player.replace(melody, tempo: tempo)
            case .play: player.play()
            case .pause: player.pause()
            case .stop: player.stop()
            case .seek(let position): player.seek(to: position)
            case .tempo(let tempo): try player.setTempo(tempo)
            case .loop(let range): try player.setLoop(range)
            case .program(let program): try player.setProgram(program)
            case .chordProgram(let program): try player.setChordProgram(program)
            case .volume(let decibels): player.setVolume(decibels)
            case .panic: player.panic()
            }
        } catch {
            inbox.post(.failed(error.description))
        }
    }

    // MARK: Live mode

    /// Loads the seed's notes into the player, left running past its end, a bar before the live start,
    /// and starts the model writing into it.
    private func startLive(_ request: LiveRequest) {
        var before = request.seed
        before.notes = request.seed.notes.filter { !$0.isRest }
        player.load(before, tempo: request.tempo, endless: true)
        player.seek(to: request.leadIn)
        let inbox = self.inbox
        // Made before the player starts: a beat already due (no lead-in at the very start) is queued with it.
        live = LiveGeneration(model: request.model.model, seed: request.seed, start: request.start,
                              controls: request.controls, player: player,
                              pacing: environment.pacing == LivePlayer.Pacing.manual ? .manual : .realTime,
                              onNotes: { ended, held in inbox.post(.liveNotes(ended: ended, held: held)) },
                              onChords: { chords in inbox.post(.liveChords(chords)) },
                              onError: { reason in inbox.post(.liveFailed(reason)) })
        player.play()
    }

    /// Stops the writer (its last notes are posted as it ends) and the player, then says it stopped.
    private func stopLive(keep: Bool) {
        live?.stop()
        let provenance = live?.provenance?.json ?? #"{"source":"live"}"#
        live = nil
        player.stop()
        inbox.post(.liveStopped(keep: keep, provenance: provenance))
    }

    // MARK: Training

    /// Loads (importing it if need be) the corpus to train on, in the background; the job starts when it
    /// is ready.
    private func prepareTraining(_ choice: TrainingChoice) {
        let inbox = self.inbox
        guard let setup = environment.training else {
            inbox.post(.trainingFailed("training is not available here"))
            return
        }
        inbox.started()
        work.run(on: .files) {
            do {
                let store = CorpusStore(directory: setup.locations.corpora)
                // The default corpus by name is imported from Corpora/ when it is not stored yet.
                let corpus = try choice.corpus.flatMap { $0 == setup.defaultCorpusName ? nil : try store.load($0) }
                    ?? DefaultModel.corpus(corporaFolder: setup.corporaFolder, store: store)
                inbox.finished(.corpusReady(CorpusForTraining(corpus: corpus, choice: choice)))
            } catch {
                inbox.finished(.trainingFailed("\(error)"))
            }
        }
    }

    /// The corpus is ready: the job starts on a thread of its own.
    func startTraining(_ ready: CorpusForTraining) {
        guard let setup = environment.training else { return }
        let model = ready.choice.model
        let job = TrainingJob(corpus: ready.corpus, model: model, options: setup.options,
                              directory: setup.directory(corpus: ready.corpus.name, model: model))
        trainingJob?.cancel()
        trainingJob = job
        trainingHeld = false
        job.start()
        send(.trainingStarted(TrainingStart(
            title: "\(model.layers)×\(model.hidden) LSTM on \(ready.corpus.name) (\(ready.corpus.songs.count) songs)",
            vocabularySize: ready.corpus.vocabulary.count, totalEpochs: setup.options.epochs,
            minutes: setup.options.minutes, modelURL: job.modelURL)))
    }

    /// `:midi` and `--midi-in`: lists the MIDI sources (an empty request), or connects the one asked for
    /// (`all`: every source) — its notes sound at once and go to the update — or closes the input (`off`).
    /// No MIDI system, or a name that matches nothing, is a message.
    func connectMIDI(_ request: String) {
        let ports = MIDIPorts.list()
        let wanted = request.trimmingCharacters(in: .whitespaces)
        if wanted.isEmpty {
            let list = ports.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", ")
            inbox.post(.midiInput(StudioMessage(ports.isEmpty ? "no MIDI inputs (no JACK server or ALSA sequencer source)"
                                                    : "MIDI inputs: \(list) (:midi N)"), source: state.midiSource))
            return
        }
        midiInput?.close()
        midiInput = nil
        if wanted.lowercased() == "off" {
            inbox.post(.midiInput(StudioMessage("MIDI input off"), source: nil))
            return
        }
        var port: MIDIPort?
        if wanted.lowercased() != "all" {
            port = MIDIPorts.find(wanted, in: ports)
            if port == nil {
                let known = ports.isEmpty ? "there are none" : "there are: " + ports.map(\.description).joined(separator: ", ")
                inbox.post(.midiInput(StudioMessage("no MIDI input \"\(wanted)\" (\(known))", isError: true), source: nil))
                return
            }
        }
        let output = environment.output, inbox = self.inbox, clock = self.clock
        do {
            let input = try MIDIInput(connecting: port) { note in
                switch note {
                case .noteOn(let key, let velocity): output.sound(.noteOn(key: key, velocity: velocity))
                case .noteOff(let key): output.sound(.noteOff(key: key))
                }
                inbox.post(.midi(note, at: clock.milliseconds))
            }
            midiInput = input
            let name = port.map(\.address) ?? "all"
            inbox.post(.midiInput(StudioMessage("MIDI in: \(port?.description ?? "every source") — i for play mode enters its notes"),
                                  source: name))
        } catch {
            inbox.post(.midiInput(StudioMessage(error.description, isError: true), source: nil))
        }
    }
}

/// A corpus loaded for the training asked for.
struct CorpusForTraining: Sendable {
    var corpus: EncodedCorpus
    var choice: TrainingChoice
}
