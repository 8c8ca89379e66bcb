import Foundation
import LiltMusic

/// Renders melodies into memory far faster than real time, with no audio device.
///
/// Notes start and stop at exact sample times: the synth is rendered with `fluid_synth_write_float` up to
/// each event's frame, in large blocks between events (FluidSynth applies an event from its next internal
/// 64-frame block, so onsets land within 1.5 ms of their time).
public final class OfflineRenderer {
    /// The synth it renders with; it must not also be playing through an audio driver.
    public let synth: Synth
    /// Seconds rendered after the last note-off, for the instrument's release and the reverb.
    public var releaseTail: Double

    /// Frames rendered per FluidSynth call at most (between events).
    static let maxBlock = 1 << 15

    public init(synth: Synth, releaseTail: Double = 1.0) {
        self.synth = synth
        self.releaseTail = releaseTail
    }

    /// Creates its own synth with `soundFont` and `settings`.
    public convenience init(soundFont: URL, settings: SynthSettings = SynthSettings(),
                            releaseTail: Double = 1.0) throws(AudioError) {
        self.init(synth: try Synth(soundFont: soundFont, settings: settings), releaseTail: releaseTail)
    }

    /// Renders `melody` at `tempo` quarter notes per minute (default: the melody's own, else 120).
    /// The audio starts at the melody's onset 0 and lasts until its end plus `releaseTail`.
    public func render(_ melody: Melody, tempo: Double? = nil) throws(AudioError) -> RenderedAudio {
        let tempo = tempo ?? melody.playbackTempo
        guard tempo > 0, tempo.isFinite else { throw .invalidArgument("tempo must be above 0 (got \(tempo))") }
        let rate = synth.sampleRate
        let end = melody.length.doubleValue * 60 / tempo
        let totalFrames = Int(((end + max(releaseTail, 0)) * rate).rounded(.up))
        let events = melody.noteEvents(tempo: tempo)

        synth.allSoundsOff()
        var samples = [Float](repeating: 0, count: 2 * totalFrames)
        var failure: AudioError?
        samples.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var cursor = 0
            func renderUntil(_ frame: Int) throws(AudioError) {
                while cursor < frame {
                    let count = min(frame - cursor, Self.maxBlock)
                    try synth.render(frames: count, into: base, atFrame: cursor)
                    cursor += count
                }
            }
            do throws(AudioError) {
                for timed in events {
                    try renderUntil(min(Int((timed.seconds * rate).rounded()), totalFrames))
                    switch timed.event {
                    case .noteOn(let key, let velocity): synth.noteOn(key, velocity: velocity)
                    case .noteOff(let key): synth.noteOff(key)
                    }
                }
                try renderUntil(totalFrames)
            } catch {
                failure = error
            }
        }
        synth.allSoundsOff()
        if let failure { throw failure }
        return RenderedAudio(sampleRate: rate, samples: samples)
    }
}
