import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

/// What the update asks the world to do, as values: the runtime performs them (`StudioRuntime`) and feeds
/// what comes of them back as events.
public enum StudioEffect: Sendable, Equatable {
    /// Tell the one player (playback and live mode share it).
    case player(PlayerCommand)
    /// Sound a note now (auditioning a typed note), outside the player's queue.
    case sound(NoteEvent)
    /// Send `.timer(timer)` after `seconds` (replacing the timer if it is set).
    case schedule(StudioTimer, seconds: Double)
    case cancel(StudioTimer)

    case loadModel(URL, quiet: Bool)
    case generate(GenerationRequest, LoadedModel)
    case harmonize(HarmonizationRequest, LoadedModel)
    /// The model's odds for the step after `seed`, for `key`.
    case predict(PredictionKey, seed: Melody, LoadedModel)

    case startLive(LiveRequest)
    /// New controls for live mode, from the next beat it writes.
    case updateLive(GenerationControls)
    /// Stop live mode; its notes come back (`.liveNotes`, then `.liveStopped`), to keep or not.
    case stopLive(keep: Bool)

    case startTraining(TrainingChoice)
    case pauseTraining
    case resumeTraining
    case stopTraining
    case listCorpora
    /// The pitch-class and interval histograms of a stored corpus (`.corpusHistograms`).
    case loadCorpusHistograms(String)
    /// A timer due at a time on the studio's clock (milliseconds), so that a run of them does not drift.
    case scheduleAt(StudioTimer, milliseconds: Double)
    /// Post the time now (`StudioEvent.stamped`).
    case stamp
    /// A metronome click, on the General MIDI percussion channel; `accent` on a bar's first beat.
    case click(accent: Bool)
    /// `:midi`'s request: list the sources (empty), connect one (a number, a name, `all`) or `off`.
    case midi(String)

    case save(ComposingSession, to: URL, revision: Int, thenQuit: Bool)
    /// Read a session (`.lilt`) or a melody file.
    case open(URL)
    /// Write a melody as MIDI, MusicXML, ABC or kern, or render it to WAV (in the background).
    case export(Melody, to: URL, program: GMProgram, chordProgram: GMProgram, tempo: Double)
    case writeAutosave(ComposingSession, file: URL?)
    case discardAutosave
}

/// What the player is told. Positions are quarter notes; tempo is quarter notes per minute.
public enum PlayerCommand: Sendable, Equatable {
    /// A new melody; the playhead goes to the start and playback stops.
    case load(Melody, tempo: Double)
    /// A new version of the melody playing: it plays on from the playhead if it was playing.
    case replace(Melody, tempo: Double)
    case play
    case pause
    case stop
    case seek(Double)
    case tempo(Double)
    case loop(Range<Double>?)
    case program(GMProgram)
    /// The chords' instrument.
    case chordProgram(GMProgram)
    /// The level in decibels relative to Lilt's own.
    case volume(Double)
    /// All sound off at once.
    case panic
}

/// Live mode asked for: the model, the seed (the notes before `start`), the controls, and where the
/// player starts (a bar of lead-in before `start`).
public struct LiveRequest: Sendable, Equatable {
    public var model: LoadedModel
    public var seed: Melody
    public var start: QuarterLength
    public var controls: GenerationControls
    public var tempo: Double
    public var leadIn: Double
}
