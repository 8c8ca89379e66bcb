import LiltMusic

/// A note-on or note-off; the channel it is on goes beside it.
public enum NoteEvent: Hashable, Sendable {
    case noteOn(key: Int, velocity: Int)
    case noteOff(key: Int)

    public var key: Int {
        switch self {
        case .noteOn(let key, _), .noteOff(let key): key
        }
    }
    public var isNoteOn: Bool { if case .noteOn = self { true } else { false } }
}

/// A note event at a time in seconds from the start of a melody.
public struct TimedNoteEvent: Hashable, Sendable {
    public var seconds: Double
    public var event: NoteEvent
}

extension Melody {
    /// The tempo to play at: the melody's own, else 120 quarter notes per minute.
    public var playbackTempo: Double { tempo.flatMap { $0 > 0 ? $0 : nil } ?? 120 }

    /// The note-on and note-off events of every pitched note at `tempo` (quarter notes per minute), in time
    /// order; at equal times note-offs come first, so a repeated pitch sounds again.
    public func noteEvents(tempo: Double) -> [TimedNoteEvent] {
        Self.noteEvents(of: notes, tempo: tempo)
    }

    /// The note-on and note-off events of the chord symbols as `ChordVoicing` voices them (a bass and
    /// close-position chords below the melody) at `tempo`, in time order, note-offs first at equal times.
    public func chordNoteEvents(tempo: Double) -> [TimedNoteEvent] {
        Self.noteEvents(of: chordVoices, tempo: tempo)
    }

    /// The chord symbols' voices as notes, as `ChordVoicing` voices them under the melody.
    public var chordVoices: [Note] {
        ChordVoicing.voices(chords, voicings: ChordVoicing.voicings(chords, under: notes))
    }

    private static func noteEvents(of notes: [Note], tempo: Double) -> [TimedNoteEvent] {
        let secondsPerQuarter = 60 / tempo
        var events: [TimedNoteEvent] = []
        events.reserveCapacity(notes.count * 2)
        for note in notes {
            guard let pitch = note.pitch, note.duration > .zero, (0...127).contains(pitch.midi) else { continue }
            events.append(TimedNoteEvent(seconds: note.onset.doubleValue * secondsPerQuarter,
                                         event: .noteOn(key: pitch.midi, velocity: note.velocity)))
            events.append(TimedNoteEvent(seconds: note.end.doubleValue * secondsPerQuarter,
                                         event: .noteOff(key: pitch.midi)))
        }
        return events.sorted { a, b in
            if a.seconds != b.seconds { return a.seconds < b.seconds }
            return !a.event.isNoteOn && b.event.isNoteOn
        }
    }
}

extension ChordVoicing {
    /// Each chord's voicing (from `voicings(_:under:after:)`) as notes that last the chord, at `velocity`.
    public static func voices(_ chords: [ChordSymbol], voicings: [[Int]]) -> [Note] {
        zip(chords, voicings).flatMap { chord, pitches in
            pitches.map { Note(pitch: Pitch(midi: $0), onset: chord.onset, duration: chord.duration, velocity: velocity) }
        }
    }
}
