import ArgumentParser
import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

/// `lilt render FILE -o OUT.wav`: renders a melody to a 16-bit 44.1 kHz stereo WAV file.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a melody to a WAV file (16-bit, 44.1 kHz, stereo), far faster than real time.")

    @Argument(help: "The melody file (.krn, .abc, .mid, or a .json melody dump).")
    var file: String

    @Option(name: .shortAndLong, help: "The WAV file to write.")
    var output: String

    @Option(help: "Which melody in the file, counting from 1.")
    var index = 1

    @Option(help: "Tempo in quarter notes per minute (default: the melody's own, else 120).")
    var tempo: Double?

    @Option(help: "General MIDI instrument: a number 1–128 or a name.")
    var program = "1"

    @Option(help: "Seconds rendered after the last note for its release.")
    var tail = 1.0

    @Option(help: "A SoundFont (.sf2/.sf3) to use instead of the ones Lilt looks for.")
    var soundfont: String?

    func run() throws {
        AudioLog.use(DataLocations().audioLog)
        let melody = try MelodyInput.melody(in: file, index: index)
        let program = try GMProgram.parse(self.program)
        let font = try SoundFontLocator(explicitPath: soundfont).locate()
        let renderer = try OfflineRenderer(soundFont: font, settings: SynthSettings(program: program),
                                           releaseTail: max(0, tail))
        let clock = ContinuousClock()
        let start = clock.now
        let audio = try renderer.render(melody, tempo: tempo)
        let elapsed = clock.now - start
        try WAVWriter.write(audio, to: URL(fileURLWithPath: output))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "wrote %@: %.1f s of audio (%@), rendered in %.3f s (%.0f× real time)",
                     output, audio.duration, program.name, seconds, audio.duration / max(seconds, 1e-9)))
    }
}
