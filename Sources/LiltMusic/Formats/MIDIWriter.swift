/// Writes a melody as a type 1 Standard MIDI File: track 0 holds the title, tempo, time and key
/// signature; track 1 the program change and the notes (channel 1, with their velocities); when the melody
/// has chord symbols, track 2 plays them on channel 2 with their own program (`ChordVoicing`: a bass and
/// close-position chords below the melody).
public enum MIDIWriter {
    /// Ticks per quarter note (divisible by 3, 4, 5, 8, 16 and 32).
    public static let ticksPerQuarter = 480

    /// The bytes of the file; `program` and `chordProgram` are MIDI program numbers 0…127 (the chords'
    /// default is General MIDI 25, Acoustic Guitar (nylon)).
    public static func write(_ melody: Melody, program: Int = 0, chordProgram: Int = GMProgram.defaultChords.number) -> [UInt8] {
        let melody = melody.withUsableMeter
        var conductor: [UInt8] = []
        if let title = melody.title { meta(&conductor, delta: 0, type: 0x03, Array(title.utf8)) }
        let us = Int((60_000_000 / max(1, min(melody.tempo ?? 120, 1_000))).rounded())
        meta(&conductor, delta: 0, type: 0x51, [UInt8(us >> 16 & 0xFF), UInt8(us >> 8 & 0xFF), UInt8(us & 0xFF)])
        if let meter = melody.meter, meter.denominator > 0, meter.denominator & (meter.denominator - 1) == 0,
           meter.numerator > 0, meter.numerator < 256 {
            let power = meter.denominator.trailingZeroBitCount
            meta(&conductor, delta: 0, type: 0x58, [UInt8(meter.numerator), UInt8(power), 24, 8])
        }
        if let key = melody.key {
            meta(&conductor, delta: 0, type: 0x59, [UInt8(bitPattern: Int8(key.fifths)), key.mode == .minor ? 1 : 0])
        }
        meta(&conductor, delta: 0, type: 0x2F, [])

        // (tick, isOn, pitch, velocity) of the melody.
        var events: [(tick: Int, on: Bool, pitch: Int, velocity: Int)] = []
        for note in melody.notes {
            guard let pitch = note.pitch, (0...127).contains(pitch.midi) else { continue }
            let start = ticks(note.onset), end = max(ticks(note.end), start + 1)
            events.append((start, true, pitch.midi, max(1, min(127, note.velocity))))
            events.append((end, false, pitch.midi, 0))
        }
        var tracks = [conductor, track(name: "Melody", channel: 0, program: program, events: events,
                                       end: ticks(melody.length))]
        if !melody.chords.isEmpty {
            var chordEvents: [(tick: Int, on: Bool, pitch: Int, velocity: Int)] = []
            for (chord, pitches) in zip(melody.chords, ChordVoicing.voicings(melody.chords, under: melody.notes)) {
                let start = ticks(chord.onset), end = max(ticks(chord.end), start + 1)
                for pitch in pitches {
                    chordEvents.append((start, true, pitch, ChordVoicing.velocity))
                    chordEvents.append((end, false, pitch, 0))
                }
            }
            let end = max(ticks(melody.length), ticks(melody.chords.last?.end ?? .zero))
            tracks.append(track(name: "Chords", channel: chordChannel, program: chordProgram, events: chordEvents, end: end))
        }

        var file: [UInt8] = Array("MThd".utf8) + be32(6)
            + [0, 1, 0, UInt8(tracks.count), UInt8(ticksPerQuarter >> 8), UInt8(ticksPerQuarter & 0xFF)]
        for track in tracks {
            file += Array("MTrk".utf8) + be32(track.count) + track
        }
        return file
    }

    /// The channel (0-based) the chords are played on.
    public static let chordChannel = ChordVoicing.channel

    /// A track of `events` on `channel` with its name and program change; note-offs sort before note-ons
    /// at the same tick, and the track ends at `end` or its last event.
    static func track(name: String, channel: Int, program: Int,
                      events: [(tick: Int, on: Bool, pitch: Int, velocity: Int)], end: Int) -> [UInt8] {
        var out: [UInt8] = []
        meta(&out, delta: 0, type: 0x03, Array(name.utf8))
        out += [0x00, 0xC0 | UInt8(channel), UInt8(max(0, min(127, program)))]
        let events = events.sorted { $0.tick < $1.tick || ($0.tick == $1.tick && !$0.on && $1.on) }
        var now = 0
        for event in events {
            vlq(&out, event.tick - now)
            now = event.tick
            out += [(event.on ? 0x90 : 0x80) | UInt8(channel), UInt8(event.pitch), UInt8(event.on ? event.velocity : 64)]
        }
        meta(&out, delta: max(0, end - now), type: 0x2F, [])
        return out
    }

    static func meta(_ track: inout [UInt8], delta: Int, type: UInt8, _ body: [UInt8]) {
        vlq(&track, delta)
        track += [0xFF, type]
        vlq(&track, body.count)
        track += body
    }

    static func ticks(_ value: QuarterLength) -> Int {
        Int((value.doubleValue * Double(ticksPerQuarter)).rounded())
    }

    static func be32(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func vlq(_ out: inout [UInt8], _ value: Int) {
        var value = max(0, min(value, 0x0FFF_FFFF))
        var stack: [UInt8] = [UInt8(value & 0x7F)]
        value >>= 7
        while value > 0 {
            stack.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out += stack.reversed()
    }
}
