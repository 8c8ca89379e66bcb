import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltTerminal

/// Everything that can happen to the studio: what the user does, time passing, and the results of
/// effects coming back. `StudioState.update(_:)` takes them one at a time.
public enum StudioEvent: Sendable {
    // The user and the terminal
    case key(LiltTerminal.Key)
    case mouse(MouseEvent)
    case resized(TerminalSize)
    case terminate(signal: Int32)

    // Time
    /// A timer the update scheduled (`StudioEffect.schedule`) is due.
    case timer(StudioTimer)
    /// The player's state and playhead changed.
    case playback(PlaybackSnapshot)

    // Results
    /// At start: a session an earlier run left unsaved.
    case recovered(RecoveredSession)
    case modelLoaded(LoadedModel, quiet: Bool)
    case modelFailed(String)
    case generated(GenerationResult)
    case harmonized(HarmonizationResult)
    /// The prediction asked for at `key`, or why there is none.
    case predicted(PredictionKey, Result<NextStepPrediction, GenerationProblem>)
    /// Live notes that ended since the last report, and the note still held (so far).
    case liveNotes(ended: [SessionNote], held: SessionNote?)
    /// A lead-sheet model's chords in live mode so far (the last as long as written).
    case liveChords([ChordSymbol])
    case liveFailed(String)
    /// Live mode stopped: every note it wrote has been reported; `provenance` regenerates them.
    case liveStopped(keep: Bool, provenance: String)
    case trainingStarted(TrainingStart)
    case trainingFailed(String)
    /// The training job's events since the last report, and whether its thread is held by a pause now.
    case training([TrainingJobEvent], held: Bool)
    /// The stored corpora (`:corpora`) and the default one's name.
    case corporaListed([String], defaultName: String)
    case corpusHistograms(CorpusHistograms)
    case saved(ComposingSession, to: URL, revision: Int, thenQuit: Bool)
    case saveFailed(String)
    /// A session or melody file was read: the session, and its file when it is a session file.
    case opened(ComposingSession, file: URL?, name: String)
    case openFailed(String)
    case exported(StudioMessage)
    case autosaveFailed(String)
    /// A note from the MIDI input (already sounding: the input plays it at once) and when it came, in
    /// milliseconds on the studio's clock.
    case midi(MIDIMessage, at: Double)
    /// The time now, asked for by `StudioEffect.stamp` (record mode starts from it).
    case stamped(at: Double)
    /// What `:midi` found or did, and the source now playing in (nil: none).
    case midiInput(StudioMessage, source: String?)
    /// Something the user asked for could not be done (a player command refused, …).
    case failed(String)
}

/// Timers the update sets; each is due once, and setting it again moves it.
public enum StudioTimer: Hashable, Sendable {
    /// Write the autosave (a quiet moment after the last edit).
    case autosave
    /// Release an auditioned note.
    case release(key: Int)
    /// Record mode's next click (`Recording.nextBeat`).
    case metronome
    /// A bar has passed since the last MIDI note ended: call and response answers.
    case phraseEnded
}

/// A training run that started: what the pane shows about it and where its best model goes.
public struct TrainingStart: Sendable, Equatable {
    public var title: String
    public var vocabularySize: Int
    public var totalEpochs: Int?
    public var minutes: Double?
    public var modelURL: URL
}

/// What the user asked the model for.
public enum GenerationPurpose: Sendable, Equatable {
    /// `c`: continue from the cursor, straight into the melody.
    case continuation
    /// `g`: several variations to browse before keeping one.
    case variations
}

/// One generation: the seed (the notes before `start`), the controls, and the document revision it was
/// asked on (a result for another revision is not applied).
public struct GenerationRequest: Sendable, Equatable {
    public var id: Int
    public var purpose: GenerationPurpose
    public var start: QuarterLength
    public var seed: Melody
    public var controls: GenerationControls
    public var revision: Int
    /// The chord lane's chords over the part to write (from `start`, where they sound): with a lead-sheet
    /// model the melody is written over them; empty, such a model writes chords too.
    public var chords: [ChordSymbol] = []
    /// Asked again after a slider moved.
    public var isRegeneration = false
}

/// What came back: one list of notes per take (from `start` on) with its provenance, or why not.
public struct GenerationResult: Sendable {
    public var request: GenerationRequest
    public var takes: [[SessionNote]] = []
    /// Per take, its chords from `start` on (a lead-sheet model's; empty for a melody model).
    public var chords: [[ChordSymbol]] = []
    public var provenance: [String] = []
    public var milliseconds = 0.0
    public var error: String?
}

/// Why the model gives no odds or notes here.
public struct GenerationProblem: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(description: String) { self.description = description }
}

/// `H`: chords for the melody (every change point of `changes`), to go into the unlocked bars.
public struct HarmonizationRequest: Sendable, Equatable {
    public var melody: Melody
    public var changes: ChordChanges
    public var revision: Int
}

/// The chords chosen, or why there are none.
public struct HarmonizationResult: Sendable {
    public var request: HarmonizationRequest
    public var chords: [ChordSymbol] = []
    public var milliseconds = 0.0
    public var error: String?
}
