import ArgumentParser
import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

/// `lilt render FILE -o OUT.wav`: renders a melody to a 16-bit 44.1 kHz stereo WAV file.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a melody to a WAV file (16-bit, 44.1 kHz, stereo), far faster than real time.")

    @OptionGroup var melodyOptions: MelodySoundOptions

    @Option(name: .shortAndLong, help: "The WAV file to write.")
    var output: String

    @Option(help: "Seconds rendered after the last note for its release.")
    var tail = 1.0

    @Option(help: "Decibels to change the synth's level by, instead of normalizing (0: as FluidSynth renders it).")
    var gain: Double?

    @Flag(inversion: .prefixedNo, help: "Scale the render so that its peak is at −1 dBFS.")
    var normalize = true

    func run() throws {
        AudioLog.use(DataLocations().audioLog)
        let (melody, program, font) = try melodyOptions.resolve()
        let chordInstrument = try melodyOptions.chordInstrument()
        let renderer = try OfflineRenderer(soundFont: font, settings: SynthSettings(program: program),
                                           releaseTail: max(0, tail))
        let clock = ContinuousClock()
        let start = clock.now
        let audio = try renderer.render(melody, tempo: melodyOptions.tempo, chordProgram: chordInstrument)
        let elapsed = clock.now - start
        let leveled = audio.leveled(RenderLevel(gain: gain, normalize: normalize))
        try WAVWriter.write(leveled.audio, to: URL(fileURLWithPath: output))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "wrote %@: %.1f s of audio (%@), peak %.1f dBFS (gain %+.1f dB), rendered in %.3f s (%.0f× real time)",
                     output, audio.duration, program.name, leveled.peakDecibels, leveled.gain, seconds,
                     audio.duration / max(seconds, 1e-9)))
        if leveled.clipped > 0 {
            printError(String(format: "warning: %d samples went past full scale and were clipped; lower --gain by %.1f dB",
                              leveled.clipped, leveled.peakDecibels))
        }
    }
}
