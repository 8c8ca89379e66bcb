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

    @Option(help: "Milliseconds of sound queued ahead of the speaker (default 93: keeps time on a busy machine).")
    var latency: Double?

    @Option(help: .hidden)
    var audioFile: String?

    func run() throws {
        let locations = DataLocations()
        AudioLog.use(locations.audioLog)
        let (melody, program, font) = try melodyOptions.resolve()
        let synth = try Synth(soundFont: font, settings: SynthSettings(program: program))
        let request = audioFile.map { AudioDriverRequest.rawFile(URL(fileURLWithPath: $0)) }
            ?? AudioDriverRequest(option: audioDriver)
        let buffering = try latency.map { milliseconds throws(AudioError) in
            try AudioBuffering(latencyOption: milliseconds, sampleRate: synth.sampleRate)
        } ?? .playback
        let output = try FluidSynthOutput(synth: synth, request: request, buffering: buffering)
        if let notice = output.notice { printError("note: " + notice) }
        // While playing, anything the audio libraries print themselves goes to the log, not over the progress line.
        AudioLog.captureStandardError()
        defer { AudioLog.restoreStandardError() }

        let tempo = melodyOptions.tempo ?? melody.playbackTempo
        var played = melody
        let chordInstrument = try melodyOptions.chordInstrument()
        if chordInstrument == nil { played.chords = [] }
        let player = LivePlayer(output: output, melody: played, tempo: tempo)
        if let chordInstrument { try player.setChordProgram(chordInstrument) }
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

        let title = melody.title ?? URL(fileURLWithPath: melodyOptions.file).lastPathComponent
        let meter = melody.meter ?? Meter(4, 4)
        let progress = ProgressLine()
        player.play()
        // Not on a terminal: a line at the start and one at the end, nothing in between.
        if !progress.isTerminal {
            print("playing \(title) at \(Int(tempo.rounded())) quarter notes per minute (\(output.name))")
        }
        while !interrupted.load(ordering: .sequentiallyConsistent) {
            let status = player.status
            progress.update(Self.statusText(status, title: title, meter: meter, output: output.name))
            if status.state == .finished { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let wasInterrupted = interrupted.load(ordering: .sequentiallyConsistent)
        if !wasInterrupted { Thread.sleep(forTimeInterval: 0.6) }   // let the last note ring out
        player.shutdown()
        output.close()
        // On a terminal this also erases a "^C" the terminal echoed after the progress line.
        progress.printLine("\(wasInterrupted ? "stopped" : "done"): \(title)")
        if wasInterrupted { throw ExitCode(130) }
    }

    /// The progress line while playing: title, time played and in all, bar, loop, output.
    static func statusText(_ status: LivePlayer.Status, title: String, meter: Meter, output: String) -> String {
        let bar = meter.barLength.doubleValue
        let secondsPerQuarter = 60 / status.tempo
        return "\u{25B6} \(title)  \(clock(status.position * secondsPerQuarter)) / "
            + "\(clock(status.length * secondsPerQuarter))  bar \(Int(status.position / bar) + 1)/"
            + "\(max(1, Int((status.length / bar).rounded(.up))))"
            + (status.loop != nil ? "  loop" : "") + "  [\(output)]  Ctrl-C stops"
    }

    /// Minutes and seconds, "1:05".
    private static func clock(_ seconds: Double) -> String {
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

    @Option(help: "The General MIDI program the chord symbols are played with (1-128 or a name; 'none' leaves them out).")
    var chordProgram = "25"

    /// The chords' instrument (nil: `none`, the chords are left out).
    func chordInstrument() throws -> GMProgram? {
        guard chordProgram.lowercased() != "none" else { return nil }
        do { return try GMProgram.parse(chordProgram) } catch { throw CommandError("--chord-program: \(error)") }
    }

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
