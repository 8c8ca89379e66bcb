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

    /// The MIDI channel (0-based) chords are played on.
    public static let chordChannel = ChordVoicing.channel

    /// Renders `melody` at `tempo` quarter notes per minute (default: the melody's own, else 120), its
    /// chord symbols too (on channel 2 with `chordProgram`; nil leaves them out). The audio starts at the
    /// melody's onset 0 and lasts until its end (or its last chord's) plus `releaseTail`.
    public func render(_ melody: Melody, tempo: Double? = nil,
                       chordProgram: GMProgram? = .defaultChords) throws(AudioError) -> RenderedAudio {
        let tempo = tempo ?? melody.playbackTempo
        guard tempo > 0, tempo.isFinite else { throw .invalidArgument("tempo must be above 0 (got \(tempo))") }
        let rate = synth.sampleRate
        let chordEnd = chordProgram == nil ? .zero : (melody.chords.last?.end ?? .zero)
        let end = max(melody.length, chordEnd).doubleValue * 60 / tempo
        let totalFrames = Int(((end + max(releaseTail, 0)) * rate).rounded(.up))
        // (event, channel), in time order with note-offs first at equal times.
        var events = melody.noteEvents(tempo: tempo).map { ($0, 0) }
        if let chordProgram, !melody.chords.isEmpty {
            try synth.select(chordProgram, channel: Self.chordChannel)
            events += melody.chordNoteEvents(tempo: tempo).map { ($0, Self.chordChannel) }
            events.sort { a, b in
                if a.0.seconds != b.0.seconds { return a.0.seconds < b.0.seconds }
                return !a.0.event.isNoteOn && b.0.event.isNoteOn
            }
        }

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
                for (timed, channel) in events {
                    try renderUntil(min(Int((timed.seconds * rate).rounded()), totalFrames))
                    switch timed.event {
                    case .noteOn(let key, let velocity): synth.noteOn(key, velocity: velocity, channel: channel)
                    case .noteOff(let key): synth.noteOff(key, channel: channel)
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
