import ArgumentParser
import Dispatch
import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import Synchronization

/// `lilt play FILE`: plays a melody live, with a progress line; Ctrl-C silences it at once.
struct Play: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play a melody through the sound device (or silently, keeping time, when there is none).",
        discussion: """
            PROGRAM is a General MIDI number 1–128 or a name ("violin", "flute", "Acoustic Grand Piano").
            AUDIO-DRIVER is pulseaudio, alsa, jack, … or none; by default the first that opens is used.
            FluidSynth's messages go to the audio log (see `lilt doctor`), never to the terminal.
            """)

    @OptionGroup var melodyOptions: MelodySoundOptions

    @Flag(help: "Loop the whole melody until Ctrl-C.")
    var loop = false

    @Option(help: "The audio driver to use: pulseaudio, alsa, jack, none, … (default: automatic).")
    var audioDriver: String?

    @Option(help: .hidden)
    var audioFile: String?

    func run() throws {
        let locations = DataLocations()
        AudioLog.use(locations.audioLog)
        let (melody, program, font) = try melodyOptions.resolve()
        let synth = try Synth(soundFont: font, settings: SynthSettings(program: program))
        let request = audioFile.map { AudioDriverRequest.rawFile(URL(fileURLWithPath: $0)) }
            ?? AudioDriverRequest(option: audioDriver)
        let output = try FluidSynthOutput(synth: synth, request: request)
        if let notice = output.notice { printError("note: " + notice) }
        // While playing, anything the audio libraries print themselves goes to the log, not over the progress line.
        AudioLog.captureStandardError()
        defer { AudioLog.restoreStandardError() }

        let tempo = melodyOptions.tempo ?? melody.playbackTempo
        let player = LivePlayer(output: output, melody: melody, tempo: tempo)
        if loop { try player.setLoop(0..<max(melody.length.doubleValue, 0.25)) }

        // Ctrl-C: silence first (from the signal queue, at once), then end the player and the driver.
        let interrupted = Atomic(false)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        for source in signals {
            source.setEventHandler {
                player.panic()
                interrupted.store(true, ordering: .sequentiallyConsistent)
            }
            source.resume()
        }

        let progress = ProgressLine(title: melody.title ?? URL(fileURLWithPath: melodyOptions.file).lastPathComponent,
                                    meter: melody.meter ?? Meter(4, 4), output: output.name, tempo: tempo)
        player.play()
        progress.start()
        while !interrupted.load(ordering: .sequentiallyConsistent) {
            let status = player.status
            progress.update(status)
            if status.state == .finished { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let wasInterrupted = interrupted.load(ordering: .sequentiallyConsistent)
        if !wasInterrupted { Thread.sleep(forTimeInterval: 0.6) }   // let the last note ring out
        player.shutdown()
        output.close()
        progress.finish(wasInterrupted ? "stopped" : "done")
        if wasInterrupted { throw ExitCode(130) }
    }
}

/// One status line: rewritten in place on a terminal, a line at the start and end when piped.
final class ProgressLine {
    let title: String
    let meter: Meter
    let output: String
    let tempo: Double
    let isTerminal = isatty(1) == 1

    init(title: String, meter: Meter, output: String, tempo: Double) {
        self.title = title
        self.meter = meter
        self.output = output
        self.tempo = tempo
    }

    func start() {
        if !isTerminal { print("playing \(title) at \(Int(tempo.rounded())) quarter notes per minute (\(output))") }
    }

    func update(_ status: LivePlayer.Status) {
        guard isTerminal else { return }
        let bar = meter.barLength.doubleValue
        let secondsPerQuarter = 60 / status.tempo
        let text = "\u{25B6} \(title)  \(clock(status.position * secondsPerQuarter)) / "
            + "\(clock(status.length * secondsPerQuarter))  bar \(Int(status.position / bar) + 1)/"
            + "\(max(1, Int((status.length / bar).rounded(.up))))"
            + (status.loop != nil ? "  loop" : "") + "  [\(output)]  Ctrl-C stops"
        // Kept within the terminal's width: a wrapped line could not be rewritten in place.
        var size = winsize()
        let columns = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 1 ? Int(size.ws_col) - 1 : 79
        FileHandle.standardOutput.write(Data(("\r" + String(text.prefix(columns)) + "\u{1B}[K").utf8))
    }

    func finish(_ word: String) {
        if isTerminal {
            // Back to the line's start and erase it all, including a "^C" the terminal echoed after it.
            FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
        }
        print("\(word): \(title)")
    }

    private func clock(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds))
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// What `play` and `render` share: which melody, at what tempo, on which instrument and SoundFont.
struct MelodySoundOptions: ParsableArguments {
    @Argument(help: "The melody file (.krn, .abc, .mid, or a .json melody dump).")
    var file: String

    @Option(help: "Which melody in the file, counting from 1.")
    var index = 1

    @Option(help: "Tempo in quarter notes per minute (default: the melody's own, else 120).")
    var tempo: Double?

    @Option(help: "General MIDI instrument: a number 1–128 or a name.")
    var program = "1"

    @Option(help: "A SoundFont (.sf2/.sf3) to use instead of the ones Lilt looks for.")
    var soundfont: String?

    /// The melody, the instrument and the SoundFont file, or the error that names what is wrong.
    func resolve() throws -> (Melody, GMProgram, URL) {
        (try MelodyInput.melody(in: file, index: index), try GMProgram.parse(program),
         try SoundFontLocator(explicitPath: soundfont).locate())
    }
}

/// Reads melodies from a file for `play`, `render` and `bench`.
enum MelodyInput {
    /// Every melody in the file at `path` (.krn, .abc, .mid or a .json melody dump).
    static func read(_ path: String) throws -> [Melody] {
        try MusicFile.read(URL(fileURLWithPath: path))
    }

    /// Melody number `index` (from 1) of the file at `path`.
    static func melody(in path: String, index: Int) throws -> Melody {
        let melodies = try read(path)
        guard (1...max(melodies.count, 1)).contains(index), !melodies.isEmpty else {
            throw CommandError("\(path) holds \(melodies.count) melodies; --index \(index) is not one of them")
        }
        return melodies[index - 1]
    }
}
