import LiltCompose
import LiltMusic

extension StudioState {
    /// Runs a `:` command line.
    mutating func run(line: String) -> [StudioEffect] {
        let command: LineCommand
        do {
            command = try LineCommand.parse(line)
        } catch {
            message = StudioMessage(error.description, isError: true)
            return []
        }
        switch command {
        case .write(let path): return save(to: path)
        case .writeQuit: return save(to: nil, thenQuit: true)
        case .quit: return perform(.quit)
        case .forceQuit: return quitNow()
        case .open(let path): return open(path)
        case .export(let path): return export(path)
        case .tempo(let value): return setControl(.tempo, value, snapped: false)
        case .program(let text):
            do {
                let program = try GMProgram.parse(text)
                let effects = setControl(.program, Double(program.gmNumber))
                message = StudioMessage("instrument \(program)")
                return effects
            } catch {
                message = StudioMessage(error.description, isError: true)
                return []
            }
        case .chordProgram(let text):
            do {
                let program = try GMProgram.parse(text)
                let effects = edit("chord instrument") { $0.controls.chordProgram = program }
                message = StudioMessage("chord instrument \(program)")
                return effects + [.player(.chordProgram(program))]
            } catch {
                message = StudioMessage(error.description, isError: true)
                return []
            }
        case .transpose(let semitones):
            let range = selection ?? (.zero..<(session.length + Self.step))
            let effects = edit("transpose") { $0.transpose(range, by: semitones, chords: true) }
            message = StudioMessage("transposed by \(semitones) semitones")
            return effects
        case .octave(let value):
            octave = value
            return []
        case .meter(let numerator, let denominator):
            return edit("meter") { $0.meter = Meter(numerator, denominator) }
        case .title(let title):
            return edit("title") { $0.title = title.isEmpty ? nil : title }
        case .new:
            let effects = replaceSession(ComposingSession(controls: session.controls), file: nil, label: "new session")
            message = StudioMessage("new session (u brings the old one back)")
            return effects + scheduleAutosave()
        case .help:
            showHelp = true
            return []
        case .train(.toggle): return toggleTraining()
        case .train(.stop): return stopTraining()
        case .train(.start(let corpus, let layers, let hidden)):
            return chooseTraining(corpus: corpus, layers: layers, hidden: hidden)
        case .corpora: return listCorpora()
        case .midi(let request): return [.midi(request)]
        case .respond: return toggleRespond()
        case .chord(let text): return enterChords(text)
        case .harmonize(let changes): return harmonize(changes: changes)
        }
    }
}
