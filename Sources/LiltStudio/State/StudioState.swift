import Foundation
import LiltCompose
import LiltMusic
import LiltTerminal

/// Everything the studio knows and shows, as one value: the document, the view of it, the transport, the
/// model, generation, live mode and training as far as they have reported. Views are pure functions of
/// it; `update(_:)` (in `Update/`) is the only thing that changes it, one event at a time, and returns
/// the effects the runtime performs.
public struct StudioState: Sendable {
    /// The grid step in quarter notes (a sixteenth).
    public static let step = QuarterLength(1, 4)

    // MARK: The document
    public var session: ComposingSession
    public var history = EditHistory()
    /// `history.revision` when the session was last saved or opened.
    public var savedRevision = 0
    /// The session as last saved or opened (nil: never saved).
    public var savedSession: ComposingSession?
    /// The session's file, once saved or opened.
    public var file: URL?
    /// Where relative paths typed on the `:` line start, and what `~` stands for in them.
    public var workingDirectory = URL(fileURLWithPath: "/")
    public var homeDirectory = URL(fileURLWithPath: "/")

    // MARK: Entering notes
    public var mode = StudioMode.normal
    /// The duration entered notes get, in quarter notes, and whether it is dotted.
    public var entryDuration = QuarterLength(1)
    public var dotted = false
    /// The octave of the play-mode keyboard's lower row (4: `z` is C4, MIDI 60).
    public var octave = 4
    /// Where a selection started (the cursor is its other end), if one is being made.
    public var selectionAnchor: QuarterLength?

    // MARK: The view
    public var keyMap: KeyMap = .standard
    /// The terminal's size, as last reported.
    public var screen = StudioLayout.minimumSize
    /// Cells per grid step (1, 2 or 4).
    public var zoom = 1
    /// The first grid step shown at the roll's left edge.
    public var scrollStep = 0
    /// The highest pitch shown at the roll's top row.
    public var topPitch = 79
    /// Pitches the roll brings into view after this event (the notes a generation just wrote).
    public var pitchesToReveal: ClosedRange<Int>?
    /// Whether the view follows the playhead while playing.
    public var follow = true
    public var focusedSlider = ControlSlider.temperature
    public var showHelp = false
    public var helpScroll = 0
    public var showTraining = false
    /// The statistics pane (`s`) in the training pane's place.
    public var showStatistics = false
    /// The histograms of the corpus the statistics pane compares with, once loaded.
    public var corpusHistograms: CorpusHistograms?
    public var lossLogScale = false
    public var message: StudioMessage?
    public var unicode: Bool

    // MARK: Playback
    public var playback = PlaybackSnapshot()
    /// The history revision whose melody the player holds (nil: none yet, or a preview or live part).
    public var loadedRevision: Int?

    // MARK: The model and what it writes
    public var model: LoadedModel?
    /// What the status line names as the model.
    public var modelName: String?
    /// The pitches the model knows (MIDI), shown in the roll; nil without a model.
    public var modelPitchRange: ClosedRange<Int>?
    /// A model file was given and is loading (so `c` says "loading", not "no model").
    public var modelExpected = false
    public var generation = GenerationState()
    /// Variations from `g`, shown in place of the unlocked part from `variationStart` until one is kept.
    public var variations: [[SessionNote]] = []
    /// Per variation, the chords a lead-sheet model wrote with it (empty: none, or written over the lane).
    public var variationChords: [[ChordSymbol]] = []
    public var variationProvenance: [String] = []
    public var variationIndex = 0
    public var variationStart = QuarterLength.zero
    /// A/B: showing the kept melody instead of the variation.
    public var showingKept = false
    /// `p`: what the model expects at the cursor.
    public var predictions = PredictionState()
    /// Live mode, while it runs.
    public var live: LivePart?

    // MARK: Training
    /// What the training pane shows, if anything trained.
    public var training: TrainingProgress?
    /// The run the pane follows, once it started.
    public var trainingRun: TrainingRun?
    /// What `t` trains when nothing was chosen with `:train` (nil: training is not offered here).
    public var trainingDefault: TrainingChoice?
    /// The corpus and size chosen with `:train NAME 2x256`.
    public var trainingChoice: TrainingChoice?
    /// The melody the model wrote after the last epoch.
    public var lastSample: [SessionNote]?

    // MARK: Around
    public var corpusName: String?
    /// How the status line names the audio ("pulseaudio", "no audio").
    public var audioName: String
    /// The MIDI source playing in, as the status line names it (nil: none).
    public var midiSource: String?
    /// Record mode, while it counts in or records.
    public var recording: Recording?
    /// Call and response: a MIDI phrase followed by a bar's pause is answered by the model.
    public var respond = false
    /// The continuation asked for is an answer: it plays at once and the cursor goes past it.
    var answerPending = false
    /// Whether WAV export has a SoundFont to render with.
    public var canRenderWAV = false
    /// Seconds of quiet after an edit before the autosave is written (nil: no autosave).
    public var autosaveDelay: Double?
    /// A session an earlier run left unsaved, while the studio asks whether to restore it.
    public var pendingRecovery: RecoveredSession?
    /// Set when the studio should end, with the exit code.
    public var exitCode: Int32?
    /// The exit code to end with once live mode has handed its notes over.
    public var pendingExit: Int32?

    public init(session: ComposingSession = ComposingSession(), file: URL? = nil, audioName: String = "no audio",
                unicode: Bool = true) {
        self.session = session
        self.file = file
        self.audioName = audioName
        self.unicode = unicode
        topPitch = max(session.cursorPitch + 8, 72)
        savedSession = session
    }
}

/// A loaded model and the name the studio gives it. Two are the same when their names and weights'
/// hashes are.
public struct LoadedModel: Sendable, Equatable {
    public var model: MusicModel
    public var name: String
    /// How it was trained, when its folder says (`metrics.csv`).
    public var history: TrainingHistory?

    public init(model: MusicModel, name: String, history: TrainingHistory? = nil) {
        self.model = model
        self.name = name
        self.history = history
    }

    /// The pitches (MIDI) of the model's note tokens, lowest to highest.
    public var pitchRange: ClosedRange<Int>? {
        let pitches = model.vocabulary.tokens.compactMap { token -> Int? in
            if case .note(let midi) = token { return midi }
            return nil
        }
        return pitches.min().flatMap { low in pitches.max().map { low...$0 } }
    }

    public static func == (a: LoadedModel, b: LoadedModel) -> Bool { a.name == b.name && a.model.hash == b.model.hash }
}

/// Generations asked for: the id of the newest (only its result is applied) and the last request (the
/// sliders regenerate it).
public struct GenerationState: Sendable, Equatable {
    public var latestID = 0
    public var last: GenerationRequest?
    /// The newest generation has not come back yet.
    public var isRunning = false
}

/// The model's odds at the cursor: shown or not, asked for where, answered for where.
public struct PredictionState: Sendable, Equatable {
    public var isShown = false
    /// The last prediction made, for its cursor position and revision.
    public var shown: CursorPrediction?
    /// The prediction on its way (one at a time).
    public var asked: PredictionKey?
    /// The place answered last (with odds or a reason there are none): not asked about again.
    public var answered: PredictionKey?
    /// The next answer also goes to the message line (the first after `p`).
    public var announce = false
}

/// What a prediction is for: a cursor position, a document revision and a model.
public struct PredictionKey: Equatable, Sendable {
    public var position: QuarterLength
    public var revision: Int
    public var model: String
}

/// Live mode's part: where it starts and the notes written so far.
public struct LivePart: Sendable, Equatable {
    public var start: QuarterLength
    public var notes: [SessionNote] = []
    /// The note still sounding, as long as it is written so far.
    public var held: SessionNote?
    /// A lead-sheet model's chords, as far as written.
    public var chords: [ChordSymbol] = []
    /// Asked to stop; its notes are on their way.
    public var isStopping = false
}

/// The training run the pane follows: where its best model is written and how long it may run.
public struct TrainingRun: Sendable, Equatable {
    public var modelURL: URL
    public var minutes: Double?
    public var batchesPerEpoch = 1
}

/// What `t` trains: a corpus by name (nil: the default one) and a model size.
public struct TrainingChoice: Sendable, Equatable {
    public var corpus: String?
    public var model: ModelOptions

    public init(corpus: String? = nil, model: ModelOptions = DefaultModel.model) {
        self.corpus = corpus
        self.model = model
    }
}

/// A session an earlier run left unsaved: the session, its file, and when it was autosaved (as shown).
public struct RecoveredSession: Sendable, Equatable {
    public var session: ComposingSession
    public var file: URL?
    public var saved: String
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

/// A corpus's histograms, as the statistics pane compares the take with them.
public struct CorpusHistograms: Sendable, Equatable {
    public var name: String
    public var histograms: PooledHistograms

    public init(name: String, histograms: PooledHistograms) {
        self.name = name
        self.histograms = histograms
    }
}
