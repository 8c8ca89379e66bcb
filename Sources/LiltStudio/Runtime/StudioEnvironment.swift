import Foundation
import LiltAudio
import LiltCompose
import LiltNN

/// What the studio runs with, wired by the `lilt` command: the note output (a synth or the silent output),
/// the SoundFont for WAV export, where to autosave, the model to load and the corpus to name. Tests give it a
/// clock they move, manual pacing and background work they run by hand.
public struct StudioEnvironment: Sendable {
    public var output: any NoteOutput
    /// The runtime's time line for timers (the autosave, releasing auditioned notes); tests give the same
    /// manual clock as the silent output's.
    public var clock: any PlaybackClock = MonotonicPlaybackClock()
    /// Whether the player and live mode run threads of their own (`.realTime`) or are pumped by the
    /// runtime at each step (`.manual`, with a clock the test moves).
    public var pacing: LivePlayer.Pacing = .realTime(interval: 5)
    /// Where background work runs.
    public var background = BackgroundWork.threads
    /// Where relative paths typed on the `:` line start.
    public var workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    public var homeDirectory = FileManager.default.homeDirectoryForCurrentUser
    /// The SoundFont WAV export renders with (nil: WAV export says it needs one).
    public var soundFont: URL?
    /// Where the open session is autosaved (nil: no autosave, as in tests).
    public var autosave: Autosave?
    /// How the status line names the audio ("pulseaudio", "no audio").
    public var audioName: String
    /// The model file to compose with (loaded in the background at start).
    public var modelURL: URL?
    /// Where training finds corpora (the encoded corpus store, and the folder the default corpus is
    /// imported from) and puts models; nil: training is not offered (tests of other things).
    public var training: TrainingSetup?
    public var corpusName: String?
    /// Said once in the message line at start (a missing SoundFont, no sound device).
    public var notice: String?
    /// Seconds of idle after an edit before the autosave is written.
    public var autosaveDelay: Double
    /// The MIDI source to play in from the start (`--midi-in`: a number, a name or `all`); nil: none.
    public var midiIn: String?

    public init(output: any NoteOutput = SilentOutput(), soundFont: URL? = nil, autosave: Autosave? = nil,
                audioName: String? = nil, corpusName: String? = nil, notice: String? = nil,
                autosaveDelay: Double = 2, modelURL: URL? = nil) {
        self.modelURL = modelURL
        self.output = output
        self.soundFont = soundFont
        self.autosave = autosave
        self.audioName = audioName ?? (output.isAudible ? output.name : "no audio")
        self.corpusName = corpusName
        self.notice = notice
        self.autosaveDelay = autosaveDelay
    }
}

/// What the studio needs to train: where corpora and models live, and which corpus and options to use.
public struct TrainingSetup: Sendable {
    public var locations: DataLocations
    /// The folder the default corpus is imported from (`Corpora/`).
    public var corporaFolder: URL
    /// A corpus in the store to train on (nil: the default corpus).
    public var corpus: String?
    public var model: ModelOptions
    public var options: TrainingOptions

    public init(locations: DataLocations, corporaFolder: URL, corpus: String? = nil,
                model: ModelOptions = DefaultModel.model, options: TrainingOptions = DefaultModel.training) {
        self.locations = locations
        self.corporaFolder = corporaFolder
        self.corpus = corpus
        self.model = model
        self.options = options
    }

    /// The name of the default corpus (`essen-abc` when it is installed in `corporaFolder`, else `samples`).
    var defaultCorpusName: String { DefaultModel.corpusSource(corporaFolder: corporaFolder).name }

    /// Where a model of `model`'s size trained on the corpus `name` goes: the default model's folder for the
    /// default model on the default corpus, else `NAME` or `NAME-2x256` in the models folder (the size is
    /// named when it is not the default one).
    func directory(corpus name: String, model: ModelOptions) -> URL {
        if name == defaultCorpusName && model == DefaultModel.model { return DefaultModel.directory(locations) }
        let size = model == DefaultModel.model ? "" : "-\(model.layers)x\(model.hidden)"
        return locations.models.appendingPathComponent(name + size)
    }
}
