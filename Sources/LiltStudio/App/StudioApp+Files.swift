import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

extension StudioApp {
    /// A path typed by the user, relative to the current folder, with `~` expanded.
    static func url(_ path: String) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }

    /// Runs a `:` command line.
    func run(line: String) {
        let command: LineCommand
        do {
            command = try LineCommand.parse(line)
        } catch {
            state.message = StudioMessage(error.description, isError: true)
            return
        }
        switch command {
        case .write(let path): save(to: path)
        case .writeQuit:
            if save(to: nil) { quitNow() }
        case .quit: perform(.quit)
        case .forceQuit: quitNow()
        case .open(let path): open(path)
        case .export(let path): export(path)
        case .tempo(let value): setControl(.tempo, value)
        case .program(let text):
            do {
                let program = try GMProgram.parse(text)
                setControl(.program, Double(program.gmNumber))
                state.message = StudioMessage("instrument \(program)")
            } catch {
                state.message = StudioMessage(error.description, isError: true)
            }
        case .transpose(let semitones):
            let range = state.selection ?? (.zero..<(state.session.length + StudioState.step))
            edit("transpose") { $0.transpose(range, by: semitones) }
            state.message = StudioMessage("transposed by \(semitones) semitones")
        case .octave(let octave):
            state.octave = octave
        case .meter(let numerator, let denominator):
            edit("meter") { $0.meter = Meter(numerator, denominator) }
        case .title(let title):
            edit("title") { $0.title = title.isEmpty ? nil : title }
        case .new:
            replaceSession(ComposingSession(controls: state.session.controls), file: nil, label: "new session")
            state.message = StudioMessage("new session (u brings the old one back)")
        case .help:
            state.showHelp = true
        case .train(.toggle):
            toggleTraining()
        case .train(.stop):
            stopTraining()
        case .train(.start(let corpus, let layers, let hidden)):
            chooseTraining(corpus: corpus, layers: layers, hidden: hidden)
        case .corpora:
            listCorpora()
        }
    }

    /// Saves the session to `path` (or its own file); returns whether it was saved.
    @discardableResult
    func save(to path: String?) -> Bool {
        var url = path.map(Self.url) ?? state.file
        guard var target = url else {
            state.message = StudioMessage("no file name yet: :w NAME saves as NAME.lilt", isError: true)
            return false
        }
        if target.pathExtension != SessionFile.pathExtension {
            target = target.appendingPathExtension(SessionFile.pathExtension)
        }
        url = target
        do {
            try SessionFile.save(state.session, to: target)
        } catch {
            state.message = StudioMessage(error.description, isError: true)
            return false
        }
        state.file = target
        state.markSaved()
        autosaveDue = nil
        environment.autosave?.discard()
        state.message = StudioMessage("saved \(target.lastPathComponent) (\(state.session.notes.count) notes)")
        return true
    }

    /// Opens a session (`.lilt`) or imports a melody file as the seed part; the old session stays one undo away.
    func open(_ path: String) {
        let url = Self.url(path)
        do {
            if url.pathExtension == SessionFile.pathExtension {
                let session = try SessionFile.load(url)
                replaceSession(session, file: url, label: "open")
                state.markSaved()
            } else {
                let melodies = try MusicFile.read(url)
                guard let melody = melodies.first(where: { $0.notes.contains { !$0.isRest } }) else {
                    state.message = StudioMessage("\(url.lastPathComponent): no notes in it", isError: true)
                    return
                }
                replaceSession(ComposingSession(melody: melody), file: nil, label: "open")
            }
            state.message = StudioMessage("opened \(url.lastPathComponent): \(state.session.notes.count) notes")
        } catch {
            state.message = StudioMessage("\(error)", isError: true)
        }
    }

    /// Writes the melody as MIDI, MusicXML, ABC or kern at once, or renders WAV in the background.
    func export(_ path: String) {
        let url = Self.url(path)
        let melody = state.session.melody
        guard !state.session.notes.isEmpty else {
            state.message = StudioMessage("nothing to export yet", isError: true)
            return
        }
        let program = state.session.controls.program - 1
        if url.pathExtension.lowercased() == "wav" {
            guard let soundFont = environment.soundFont else {
                state.message = StudioMessage("WAV export needs a SoundFont (see lilt doctor)", isError: true)
                return
            }
            let tempo = state.session.controls.tempo
            let jobs = self.jobs
            jobs.started()
            state.message = StudioMessage("rendering \(url.lastPathComponent)...")
            let thread = Thread {
                let message: StudioMessage
                do throws(AudioError) {
                    let settings = SynthSettings(program: GMProgram(number: program) ?? .acousticGrandPiano)
                    let renderer = try OfflineRenderer(soundFont: soundFont, settings: settings)
                    let audio = try renderer.render(melody, tempo: tempo)
                    try WAVWriter.write(audio, to: url)
                    message = StudioMessage("exported \(url.lastPathComponent)")
                } catch {
                    message = StudioMessage(error.description, isError: true)
                }
                jobs.finished(message)
            }
            thread.name = "lilt.export"
            thread.start()
            return
        }
        do {
            try MusicFile.write([melody], to: url, program: max(0, program))
            state.message = StudioMessage("exported \(url.lastPathComponent) (\(state.session.notes.count) notes)")
        } catch {
            state.message = StudioMessage("\(error)", isError: true)
        }
    }

    // MARK: Autosave and timers

    func scheduleAutosave() {
        guard environment.autosave != nil else { return }
        autosaveDue = clock.milliseconds + environment.autosaveDelay * 1000
    }

    func writeAutosave() {
        guard let autosave = environment.autosave, state.isModified else { return }
        do {
            try autosave.save(state.session, file: state.file)
        } catch {
            state.message = StudioMessage("autosave failed: \(error)", isError: true)
        }
    }

    func scheduleRelease(key: Int, seconds: Double) {
        releases.append((key: key, at: clock.milliseconds + seconds * 1000))
        releases.sort { $0.at < $1.at }
    }
}
