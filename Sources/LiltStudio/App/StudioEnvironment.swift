import Foundation
import LiltAudio
import LiltCompose

/// What the studio runs with, wired by the `lilt` command: the note output (a synth or the silent output),
/// the SoundFont for WAV export, where to autosave, and what to call the model and corpus.
public struct StudioEnvironment: Sendable {
    public var output: any NoteOutput
    /// The SoundFont WAV export renders with (nil: WAV export says it needs one).
    public var soundFont: URL?
    /// Where the open session is autosaved (nil: no autosave, as in tests).
    public var autosave: Autosave?
    /// How the status line names the audio ("pulseaudio", "no audio").
    public var audioName: String
    public var modelName: String?
    public var corpusName: String?
    /// Said once in the message line at start (a missing SoundFont, no sound device).
    public var notice: String?
    /// Seconds of idle after an edit before the autosave is written.
    public var autosaveDelay: Double

    public init(output: any NoteOutput = SilentOutput(), soundFont: URL? = nil, autosave: Autosave? = nil,
                audioName: String? = nil, modelName: String? = nil, corpusName: String? = nil, notice: String? = nil,
                autosaveDelay: Double = 2) {
        self.output = output
        self.soundFont = soundFont
        self.autosave = autosave
        self.audioName = audioName ?? (output.isAudible ? output.name : "no audio")
        self.modelName = modelName
        self.corpusName = corpusName
        self.notice = notice
        self.autosaveDelay = autosaveDelay
    }
}
