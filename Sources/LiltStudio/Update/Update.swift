import Foundation
import LiltCompose
import LiltMusic
import LiltTerminal

extension StudioState {
    /// The studio's one update: applies `event` to the state and returns the effects to perform, in
    /// order. It does no I/O and reads no clock: time and the world come in as events.
    public mutating func update(_ event: StudioEvent) -> [StudioEffect] {
        var effects: [StudioEffect]
        switch event {
        case .key(let key): effects = handle(key)
        case .mouse(let mouse): effects = handle(mouse)
        case .resized(let size):
            screen = size
            effects = []
        case .terminate(let signal): effects = terminate(signal: signal)
        case .timer(let timer): effects = timerDue(timer)
        case .playback(let snapshot):
            playback = snapshot
            effects = []
        case .recovered(let recovered): effects = offer(recovered)
        case .modelLoaded(let loaded, let quiet): effects = modelLoaded(loaded, quiet: quiet)
        case .modelFailed(let reason):
            modelExpected = false
            message = StudioMessage(reason, isError: true)
            effects = []
        case .generated(let result): effects = generated(result)
        case .harmonized(let result): effects = harmonized(result)
        case .predicted(let key, let result): effects = predicted(key, result)
        case .liveNotes(let ended, let held):
            live?.notes += ended
            live?.held = held
            effects = []
        case .liveChords(let chords):
            live?.chords = chords
            effects = []
        case .liveFailed(let reason):
            message = StudioMessage(reason, isError: true)
            effects = []
        case .liveStopped(let keep, let provenance): effects = liveStopped(keep: keep, provenance: provenance)
        case .trainingStarted(let start): effects = trainingStarted(start)
        case .trainingFailed(let reason): effects = trainingFailed(reason)
        case .training(let events, let held): effects = training(events, held: held)
        case .corporaListed(let names, let defaultName): effects = corporaListed(names, defaultName: defaultName)
        case .corpusHistograms(let histograms):
            corpusHistograms = histograms
            effects = []
        case .saved(let written, let url, let revision, let thenQuit):
            effects = saved(written, to: url, revision: revision, thenQuit: thenQuit)
        case .midi(let note, let time): effects = midiNote(note, at: time)
        case .stamped(let time): effects = startRecording(at: time)
        case .midiInput(let said, let source):
            message = said
            midiSource = source
            effects = []
        case .saveFailed(let reason), .openFailed(let reason), .failed(let reason):
            message = StudioMessage(reason, isError: true)
            effects = []
        case .opened(let read, let file, let name): effects = opened(read, file: file, name: name)
        case .exported(let result):
            message = result
            effects = []
        case .autosaveFailed(let reason):
            message = StudioMessage("autosave failed: \(reason)", isError: true)
            effects = []
        }
        effects += askForPrediction()
        scrollIntoView()
        return effects
    }

    /// A timer the update set is due.
    mutating func timerDue(_ timer: StudioTimer) -> [StudioEffect] {
        switch timer {
        case .autosave:
            guard autosaveDelay != nil, isModified else { return [] }
            return [.writeAutosave(session, file: file)]
        case .release(let key):
            return [.sound(.noteOff(key: key))]
        case .metronome: return metronome()
        case .phraseEnded: return answerPhrase()
        }
    }

    /// A path typed by the user: relative to the working folder, `~` the home folder.
    func url(_ path: String) -> URL {
        var expanded = path
        if path == "~" || path.hasPrefix("~/") { expanded = homeDirectory.path + path.dropFirst() }
        return URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: workingDirectory.path, isDirectory: true))
            .standardizedFileURL
    }
}
