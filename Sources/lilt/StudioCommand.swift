import ArgumentParser
import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltStudio
import LiltTerminal

/// `lilt studio` (and `lilt` alone): the terminal workstation.
struct StudioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Open the studio: piano roll, playback and composing in the terminal (the default command).",
        discussion: """
            FILE is a session (.lilt) to open or create, or a melody (.krn, .abc, .mid) to start from.
            Without FILE the studio starts empty; an unsaved session from a run that ended without
            saving is offered back. Press ? in the studio for the keys.
            """)

    @Argument(help: "A session (.lilt) or a melody file (.krn, .abc, .mid).")
    var file: String?

    @Option(help: "The model to compose with (a .safetensors file).")
    var model: String?

    @Option(help: "The corpus the model was trained on, by name.")
    var corpus: String?

    @Option(help: "A SoundFont (.sf2/.sf3) to use instead of the ones Lilt looks for.")
    var soundfont: String?

    @Option(help: "The audio driver: pulseaudio, alsa, jack, none, … (default: automatic).")
    var audioDriver: String?

    @Option(help: "Milliseconds of sound queued ahead of the speaker in playback (default 93; typed notes use 23).")
    var latency: Double?

    @Option(help: "A MIDI keyboard to play in from: its number or name in `lilt doctor`'s list, or 'all'.")
    var midiIn: String?

    func run() throws {
        let locations = DataLocations()
        AudioLog.use(locations.audioLog)

        // Open the file first, so a bad one is reported before the screen changes.
        var session = ComposingSession()
        var sessionFile: URL?
        var notices: [String] = []
        if let file {
            // A file that cannot be read is reported in the studio, which opens empty: work can go on.
            let url = URL(fileURLWithPath: (file as NSString).expandingTildeInPath)
            do {
                if url.pathExtension == SessionFile.pathExtension, !FileManager.default.fileExists(atPath: url.path) {
                    notices.append("new session: :w saves it as \(url.lastPathComponent)")
                    sessionFile = url
                } else {
                    (session, sessionFile) = try SessionFile.open(url)
                }
            } catch {
                notices.append("\(error)")
            }
        }
        var modelURL: URL?
        if let model {
            let url = MusicModel.resolve(URL(fileURLWithPath: (model as NSString).expandingTildeInPath))
            if FileManager.default.fileExists(atPath: url.path) {
                modelURL = url
            } else {
                notices.append("model \(model) not found; composing by hand works as usual")
            }
        } else if FileManager.default.fileExists(atPath: DefaultModel.file(locations).path) {
            modelURL = DefaultModel.file(locations)
        } else {
            let corpusName = corpus ?? DefaultModel.corpusSource(corporaFolder: TrainCommand.corporaFolder()).name
            notices.append("no model yet: press t to train the default model on \(corpusName) (about 2 minutes, shown live)")
        }
        session.model = model ?? session.model
        session.corpus = corpus ?? session.corpus

        // Sound: probed before curses starts, since ALSA writes its complaints to the terminal.
        let audio = openAudio(notices: &notices)
        defer { audio.output.close() }

        let terminal = try CursesTerminal()
        // Libraries that write to standard error themselves (libasound) must not reach the screen.
        AudioLog.captureStandardError()
        var environment = StudioEnvironment(
            output: audio.output, soundFont: audio.soundFont, autosave: Autosave(locations: locations),
            audioName: audio.name,
            corpusName: corpus, notice: notices.isEmpty ? nil : notices.joined(separator: "; "), modelURL: modelURL)
        environment.midiIn = midiIn
        environment.training = TrainingSetup(locations: locations, corporaFolder: TrainCommand.corporaFolder(), corpus: corpus)
        let code: Int32
        do {
            let studio = StudioRuntime(terminal: terminal, environment: environment, session: session, file: sessionFile)
            code = studio.run()
        }
        terminal.restore()
        AudioLog.restoreStandardError()
        if code != 0 { throw ExitCode(code) }
    }

    private func openAudio(notices: inout [String]) -> (output: any NoteOutput, soundFont: URL?, name: String) {
        let font = try? SoundFontLocator(explicitPath: soundfont).locate()
        let request = AudioDriverRequest(option: audioDriver)
        if case .named(let name) = request, ["none", "silent"].contains(name.lowercased()) {
            return (SilentOutput(), font, "no audio")
        }
        guard let font else {
            notices.append("no SoundFont found, so no sound (lilt doctor says where to put one)")
            return (SilentOutput(), nil, "no audio")
        }
        do {
            let synth = try Synth(soundFont: font)
            // Typed notes sound through a second synth behind a short buffer (the SoundFont's samples are shared).
            let audition = try? Synth(soundFont: font)
            var buffering = AudioBuffering.playback
            if let latency {
                buffering = try AudioBuffering(latencyOption: latency, sampleRate: synth.sampleRate)
            }
            let output = try FluidSynthOutput(synth: synth, request: request, buffering: buffering, audition: audition)
            if let notice = output.notice { notices.append(notice) }
            return (output, font, output.isAudible ? output.driverName : "no audio")
        } catch {
            notices.append("no sound: \(error)")
            return (SilentOutput(), font, "no audio")
        }
    }
}
