import Foundation
import LiltCompose
import LiltMusic

/// What the keyboard does now.
public enum StudioMode: Equatable, Sendable {
    /// Commands: move, select, edit, play.
    case normal
    /// The keyboard rows are a piano that enters notes at the cursor.
    case play
    /// Typing a `:` command.
    case command(String)
    /// Waiting for `y`/`n` to a question.
    case confirm(Question)

    /// The mode's name in the status line.
    public var name: String {
        switch self {
        case .normal: "NORMAL"
        case .play: "PLAY"
        case .command: "COMMAND"
        case .confirm: "CONFIRM"
        }
    }
}

/// A yes/no question the studio is asking.
public enum Question: Equatable, Sendable {
    /// Quit although there is unsaved work?
    case quitUnsaved
    /// Restore the session an earlier run left unsaved (autosaved at the date shown)?
    case restoreAutosave(String)

    public var prompt: String {
        switch self {
        case .quitUnsaved: "Unsaved changes. Quit without saving? (y/n, or :w to save first)"
        case .restoreAutosave(let when): "A session from \(when) was not saved. Restore it? (y/n)"
        }
    }
}

/// A message in the message line.
public struct StudioMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// The playback state the views show: copied from the player once a frame.
public struct PlaybackSnapshot: Equatable, Sendable {
    public var isPlaying: Bool
    /// The playhead in quarter notes, nil when stopped.
    public var position: Double?
    public var loop: Range<Double>?

    public init(isPlaying: Bool = false, position: Double? = nil, loop: Range<Double>? = nil) {
        self.isPlaying = isPlaying
        self.position = position
        self.loop = loop
    }
}

/// The sliders under the piano roll.
public enum ControlSlider: Int, CaseIterable, Sendable {
    case temperature, restBias, holdBias, tempo, program, bars, variations

    public var name: String {
        switch self {
        case .temperature: "temperature"
        case .restBias: "rest bias"
        case .holdBias: "hold bias"
        case .tempo: "tempo"
        case .program: "instrument"
        case .bars: "length"
        case .variations: "variations"
        }
    }

    /// The slider's range and step.
    public var range: ClosedRange<Double> {
        switch self {
        case .temperature: 0.1...2.0
        case .restBias, .holdBias: -5...5
        case .tempo: 30...300
        case .program: 1...128
        case .bars: 1...64
        case .variations: 1...16
        }
    }

    public var step: Double {
        switch self {
        case .temperature: 0.05
        case .restBias, .holdBias: 0.5
        case .tempo: 4
        case .program, .bars, .variations: 1
        }
    }

    /// The slider's value in `controls`.
    public func value(in controls: SessionControls) -> Double {
        switch self {
        case .temperature: controls.temperature
        case .restBias: controls.restBias
        case .holdBias: controls.holdBias
        case .tempo: controls.tempo
        case .program: Double(controls.program)
        case .bars: Double(controls.bars)
        case .variations: Double(controls.variations)
        }
    }

    /// Sets the slider's value (clamped to its range, rounded to its step) in `controls`.
    public func set(_ value: Double, in controls: inout SessionControls) {
        let clamped = min(range.upperBound, max(range.lowerBound, value.isFinite ? value : range.lowerBound))
        let stepped = ((clamped / step).rounded() * step * 1000).rounded() / 1000
        switch self {
        case .temperature: controls.temperature = stepped
        case .restBias: controls.restBias = stepped
        case .holdBias: controls.holdBias = stepped
        case .tempo: controls.tempo = stepped
        case .program: controls.program = Int(stepped)
        case .bars: controls.bars = Int(stepped)
        case .variations: controls.variations = Int(stepped)
        }
    }

    /// The value as the slider shows it.
    public func label(in controls: SessionControls) -> String {
        let value = value(in: controls)
        switch self {
        case .temperature: return String(format: "%.2f", value)
        case .restBias, .holdBias: return String(format: "%+.1f", value)
        case .tempo: return "\(Int(value)) bpm"
        case .program: return "\(Int(value))"
        case .bars: return "\(Int(value)) bars"
        case .variations: return "\(Int(value))"
        }
    }
}

/// Everything the studio shows: the session, the view of it, and the app around it. Views read it; the
/// event loop changes it through `Command`s.
public struct StudioState: Sendable {
    /// The grid step in quarter notes (a sixteenth).
    public static let step = QuarterLength(1, 4)

    public var session: ComposingSession
    public var history = EditHistory()
    /// `history.revision` when the session was last saved or opened.
    public var savedRevision = 0
    /// The session's file, once saved or opened.
    public var file: URL?

    public var mode = StudioMode.normal
    /// The duration entered notes get, in quarter notes, and whether it is dotted.
    public var entryDuration = QuarterLength(1)
    public var dotted = false
    /// The octave of the play-mode keyboard's lower row (4: `z` is C4, MIDI 60).
    public var octave = 4
    /// Where a selection started (the cursor is its other end), if one is being made.
    public var selectionAnchor: QuarterLength?

    /// Cells per grid step (1, 2 or 4).
    public var zoom = 1
    /// The first grid step shown at the roll's left edge.
    public var scrollStep = 0
    /// The highest pitch shown at the roll's top row.
    public var topPitch = 79
    /// Pitches the roll should bring into view at the next frame (the notes a generation just wrote).
    public var pitchesToReveal: ClosedRange<Int>?
    /// Whether the view follows the playhead while playing.
    public var follow = true
    public var playback = PlaybackSnapshot()

    /// Variations from `g`, shown in place of the unlocked part from `variationStart` until one is kept.
    public var variations: [[SessionNote]] = []
    public var variationProvenance: [String] = []
    public var variationIndex = 0
    public var variationStart = QuarterLength.zero
    /// A/B: showing the kept melody instead of the variation.
    public var showingKept = false
    /// The pitches the model knows (MIDI), shown in the roll; nil without a model.
    public var modelPitchRange: ClosedRange<Int>?
    /// A generation is running.
    public var isGenerating = false

    /// `p`: show what the model expects at the step after the cursor's notes; the last prediction made,
    /// for which cursor position and document revision.
    public var showPredictions = false
    public var prediction: CursorPrediction?

    /// Live mode: running, from where, and the notes it has written so far.
    public var isLive = false
    public var liveStart = QuarterLength.zero
    public var liveNotes: [SessionNote] = []
    /// The live note still sounding, as long as it is written so far.
    public var liveHeld: SessionNote?

    /// Whether a variation is being previewed.
    public var isPreviewing: Bool { !variations.isEmpty && !showingKept }

    /// The session as shown and played: with the previewed variation in place of the unlocked part.
    public var displayed: ComposingSession {
        if isLive {
            var live = session
            live.replace(from: liveStart, with: liveNotes + (liveHeld.map { [$0] } ?? []))
            return live
        }
        guard isPreviewing, variations.indices.contains(variationIndex) else { return session }
        var preview = session
        preview.replace(from: variationStart, with: variations[variationIndex])
        return preview
    }

    /// Training shown in the training pane, if any, and how.
    public var training: TrainingProgress?
    public var showTraining = false
    public var lossLogScale = false

    public var focusedSlider = ControlSlider.temperature
    public var showHelp = false
    public var helpScroll = 0
    public var message: StudioMessage?

    /// What the status line names.
    public var modelName: String?
    public var corpusName: String?
    public var audioName: String
    public var unicode: Bool

    public init(session: ComposingSession = ComposingSession(), audioName: String = "no audio", unicode: Bool = true) {
        self.session = session
        self.audioName = audioName
        self.unicode = unicode
        topPitch = max(session.cursorPitch + 8, 72)
        savedSession = session
    }

    /// The session as last saved or opened (nil: never saved).
    public var savedSession: ComposingSession?

    /// Whether there are edits not yet saved (undoing back to the saved document counts as saved).
    public var isModified: Bool {
        guard history.revision != savedRevision else { return false }
        guard var saved = savedSession else { return history.revision != 0 || !session.notes.isEmpty }
        saved.cursor = session.cursor
        saved.cursorPitch = session.cursorPitch
        return saved != session
    }

    /// The duration of the next entered note, dot included.
    public var noteDuration: QuarterLength { dotted ? entryDuration * QuarterLength(3, 2) : entryDuration }

    /// The selected time range (anchor to cursor, both ends' steps included), if any.
    public var selection: Range<QuarterLength>? {
        guard let anchor = selectionAnchor else { return nil }
        let low = min(anchor, session.cursor), high = max(anchor, session.cursor)
        return low..<(high + Self.step)
    }

    /// Applies an undoable edit to the session.
    public mutating func edit(_ label: String, _ change: (inout ComposingSession) -> Void) {
        history.edit(&session, label, change)
    }

    /// Takes back the last edit; returns its name.
    public mutating func undo() -> String? { history.undo(&session) }

    /// Does again the last edit undone; returns its name.
    public mutating func redo() -> String? { history.redo(&session) }

    /// Marks the session as saved (or freshly opened) now.
    public mutating func markSaved() {
        savedRevision = history.revision
        savedSession = session
    }
}

/// The model's prediction for the step at `position` after the melody before it (document `revision`).
public struct CursorPrediction: Equatable, Sendable {
    public var position: QuarterLength
    public var revision: Int
    public var prediction: NextStepPrediction

    public init(position: QuarterLength, revision: Int, prediction: NextStepPrediction) {
        self.position = position
        self.revision = revision
        self.prediction = prediction
    }
}
