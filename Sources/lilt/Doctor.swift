import ArgumentParser
import Foundation
import LiltAudio
import LiltCompose
import LiltNN
import LiltTerminal

/// `lilt doctor`: what Lilt found on this machine, each missing piece with its fix.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the terminal, OpenBLAS, FluidSynth, the SoundFont and the audio drivers.")

    @Option(help: "A SoundFont (.sf2/.sf3) to use instead of the ones Lilt looks for.")
    var soundfont: String?

    @Option(help: "Check only this audio driver (pulseaudio, alsa, jack, …) instead of the usual ones.")
    var audioDriver: String?

    @Flag(help: "Show a test pattern of colours and glyphs in the terminal, then exit on a key.")
    var screen = false

    func run() throws {
        if screen {
            let terminal = try CursesTerminal()
            let signal = TestCard.run(on: terminal)
            terminal.restore()
            if let signal { throw ExitCode(128 + signal) }
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let locations = DataLocations(environment: environment)
        var problems = 0

        let terminal = TerminalEnvironment(environment: environment)
        line("terminal", terminal.term.map { "TERM=\($0)" + (terminal.isInteractive ? "" : " (not a terminal now)") }
             ?? "TERM is not set", fix: terminal.term == nil ? "run Lilt inside a terminal (TERM names its type)" : nil)
        line("locale", terminal.localeName + (terminal.isUTF8 ? " (UTF-8)" : " (not UTF-8: ASCII drawing)"),
             fix: terminal.isUTF8 ? nil : "for block and braille drawing use a UTF-8 locale, e.g. export LANG=C.UTF-8")

        line("OpenBLAS", "\(BLASInfo.coreName) kernels, \(BLASInfo.threads) thread(s) — \(BLASInfo.configuration)")
        if let pinned = environment["OPENBLAS_CORETYPE"] {
            line("", "OPENBLAS_CORETYPE=\(pinned) pins the kernel family")
        }
        let kernels = KernelInstructionSet.selected
        line("LSTM cells", "\(kernels.rawValue) kernels (this CPU runs: "
             + KernelInstructionSet.supported.map(\.rawValue).joined(separator: ", ") + ")"
             + (environment["LILT_KERNELS"].map { " — LILT_KERNELS=\($0)" } ?? ""))
        line("FluidSynth", FluidSynthInfo.version)

        let locator = SoundFontLocator(explicitPath: soundfont, environment: environment)
        do {
            let font = try locator.locate()
            line("SoundFont", font.path)
        } catch {
            problems += 1
            print(error.description.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n"))
            line("SoundFont", "MISSING", fix: nil)
        }

        let compiledIn = AudioDriverProbe.availableDrivers()
        if let audioDriver, !compiledIn.contains(audioDriver) {
            line("audio", "'\(audioDriver)' is not one of this FluidSynth's drivers (\(compiledIn.joined(separator: ", ")))")
        }
        let results = AudioDriverProbe.probe(audioDriver.map { [$0] }, log: locations.audioLog)
        let working = results.filter(\.opens).map(\.driver)
        if working.isEmpty {
            let tried = results.map(\.driver).joined(separator: ", ")
            line("audio", "no sound device (tried \(tried.isEmpty ? "none compiled in" : tried)); "
                 + "Lilt keeps time with its silent output and renders WAV files as usual",
                 fix: FluidSynthOutput.soundAdvice)
        } else {
            line("audio", "opens: " + working.joined(separator: ", ") + " (live playback uses \(working[0]))")
            if working[0] == "jack", let jack = MIDIPorts.jackBuffer() {
                let period = Double(jack.frames) / jack.sampleRate * 1000
                line("buffers", String(format: "JACK's: %d frames a period at %.0f Hz, heard %.0f ms after it is written "
                                       + "(the server sets it: jackd -p FRAMES)", jack.frames, jack.sampleRate, 2 * period))
            } else {
                let rate = 44_100.0
                line("buffers", "playback \(AudioBuffering.playback) (\(Int(AudioBuffering.playback.milliseconds(sampleRate: rate).rounded())) ms, "
                     + "shown on the playhead; --latency MS to change), typed notes \(AudioBuffering.audition) "
                     + "(\(Int(AudioBuffering.audition.milliseconds(sampleRate: rate).rounded())) ms)")
            }
        }
        let midi = MIDIPorts.list()
        if midi.isEmpty {
            let system = MIDIPorts.jackIsRunning || FileManager.default.fileExists(atPath: "/dev/snd/seq")
            line("MIDI in", system ? "no MIDI sources connected to this computer now"
                                   : "no MIDI system (no JACK server, no ALSA sequencer): the computer keyboard plays")
        } else {
            line("MIDI in", midi.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: ", ")
                 + " (lilt studio --midi-in N, or :midi in the studio)")
        }
        if let last = LiveAudioReport.last(besideLog: locations.audioLog) {
            let when = DateFormatter.localizedString(from: last.ended, dateStyle: .short, timeStyle: .short)
            line("last play", "\(when): \(last.summary)",
                 fix: last.underruns > 0 ? "the machine was too busy for this buffer: try --latency \(Int(last.latency * 2))" : nil)
        }
        line("data", locations.data.path)
        line("cache", locations.cache.path + " (audio messages in \(locations.audioLog.lastPathComponent))")

        if problems > 0 {
            throw ExitCode(1)
        }
    }

    private func line(_ label: String, _ value: String, fix: String? = nil) {
        let padded = label.padding(toLength: 11, withPad: " ", startingAt: 0)
        print("\(padded) \(value)")
        if let fix { print("            fix: \(fix)") }
    }
}
