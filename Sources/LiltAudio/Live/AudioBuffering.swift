/// How much audio a live driver keeps queued between the synth and the speaker: `periods` blocks of
/// `periodSize` frames (FluidSynth's `audio.periods` and `audio.period-size`).
///
/// A larger buffer survives a busy machine without an underrun (the gap of silence that makes a melody
/// stumble), a smaller one answers a key sooner. Measured through PulseAudio on a 2-core machine while
/// `lilt train` ran on both cores: 64 × 16 frames (FluidSynth's default) stretched intervals of 1 s by up
/// to 44 ms, 256 × 4 by up to 14 ms, 1024 × 4 never by more than FluidSynth's 64-frame block (1.45 ms).
/// So playback queues 1024 × 4 (93 ms, compensated on screen), and typed notes go through a second synth
/// with 256 × 4 (23 ms), where a rare glitch costs nothing but a click.
public struct AudioBuffering: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Frames per period.
    public var periodSize: Int
    public var periods: Int

    public init(periodSize: Int, periods: Int) {
        self.periodSize = max(64, periodSize)
        self.periods = max(2, periods)
    }

    /// The buffer closest to `milliseconds` at `sampleRate` with `periods` periods (period size rounded to
    /// a multiple of FluidSynth's 64-frame block).
    public init(milliseconds: Double, sampleRate: Double = 44_100, periods: Int = 4) {
        let frames = milliseconds / 1000 * sampleRate / Double(max(2, periods))
        self.init(periodSize: Int((frames / 64).rounded()) * 64, periods: periods)
    }

    /// For live playback: keeps time on a busy machine.
    /// The buffer a `--latency MS` option asks for (5–2000 ms).
    public init(latencyOption milliseconds: Double, sampleRate: Double) throws(AudioError) {
        guard milliseconds >= 5, milliseconds <= 2000 else {
            throw AudioError.invalidArgument("--latency must be 5–2000 ms (got \(milliseconds))")
        }
        self.init(milliseconds: milliseconds, sampleRate: sampleRate)
    }

    public static let playback = AudioBuffering(periodSize: 1024, periods: 4)
    /// For notes played as they are typed: sounds within about 25 ms.
    public static let audition = AudioBuffering(periodSize: 256, periods: 4)

    public var frames: Int { periodSize * periods }

    /// The buffer's length in milliseconds at `sampleRate`.
    public func milliseconds(sampleRate: Double) -> Double { Double(frames) / sampleRate * 1000 }

    public var description: String { "\(periods) × \(periodSize) frames" }
}
