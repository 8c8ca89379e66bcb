/// One event of a monophonic line: a note (with a pitch) or a rest (without one).
public struct Note: Hashable, Sendable, Codable {
    /// The sounding pitch; `nil` for a rest.
    public var pitch: Pitch?
    /// Start, in quarter notes from the melody's first event.
    public var onset: QuarterLength
    /// Length in quarter notes (ties already merged).
    public var duration: QuarterLength
    /// MIDI velocity 1…127 (ignored for rests).
    public var velocity: Int
    /// The lengths of the written notes a tie joined into this one, in order; empty for a note written
    /// whole. The encoding checks these, not the merged `duration`, against its acceptable durations.
    public var tiedDurations: [QuarterLength]

    public init(pitch: Pitch?, onset: QuarterLength, duration: QuarterLength, velocity: Int = 90,
                tiedDurations: [QuarterLength] = []) {
        self.pitch = pitch
        self.onset = onset
        self.duration = duration
        self.velocity = velocity
        self.tiedDurations = tiedDurations
    }

    /// The lengths of the notes as written: the tied parts when they still add up to `duration` (a note
    /// cut short since is one written note), else the note's own duration.
    public var writtenDurations: [QuarterLength] {
        guard !tiedDurations.isEmpty, tiedDurations.reduce(QuarterLength.zero, +) == duration else { return [duration] }
        return tiedDurations
    }

    /// A note of MIDI number `midi`.
    public static func note(_ midi: Int, at onset: QuarterLength, for duration: QuarterLength) -> Note {
        Note(pitch: Pitch(midi: midi), onset: onset, duration: duration)
    }
    /// A rest.
    public static func rest(at onset: QuarterLength, for duration: QuarterLength) -> Note {
        Note(pitch: nil, onset: onset, duration: duration)
    }

    public var isRest: Bool { pitch == nil }
    /// Where the event ends, in quarter notes.
    public var end: QuarterLength { onset + duration }
}

/// A key: a tonic pitch class and a mode.
public struct Key: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        case major, minor, dorian, phrygian, lydian, mixolydian, locrian
        /// Semitones above the tonic of each scale degree.
        public var scale: [Int] {
            switch self {
            case .major: [0, 2, 4, 5, 7, 9, 11]
            case .minor: [0, 2, 3, 5, 7, 8, 10]
            case .dorian: [0, 2, 3, 5, 7, 9, 10]
            case .phrygian: [0, 1, 3, 5, 7, 8, 10]
            case .lydian: [0, 2, 4, 6, 7, 9, 11]
            case .mixolydian: [0, 2, 4, 5, 7, 9, 10]
            case .locrian: [0, 1, 3, 5, 6, 8, 10]
            }
        }
    }
    /// Pitch class of the tonic, 0 = C … 11 = B.
    public var tonic: Int
    public var mode: Mode

    public init(tonic: Int, mode: Mode) {
        self.tonic = ((tonic % 12) + 12) % 12
        self.mode = mode
    }

    /// The pitch classes of the key's scale.
    public var pitchClasses: Set<Int> { Set(mode.scale.map { ($0 + tonic) % 12 }) }

    /// "Bb major", "F# minor", "D dorian": the tonic as the key's conventional signature spells it.
    public var description: String { "\(tonicName) \(mode.rawValue)" }
}

/// A time signature such as 6/8.
public struct Meter: Hashable, Sendable, Codable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The length of one bar in quarter notes.
    public var barLength: QuarterLength { QuarterLength(numerator * 4, denominator) }

    public var description: String { "\(numerator)/\(denominator)" }
}

/// Where a melody came from: a file and a place inside it (a line, a tune number, a track).
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based line of the melody's start in a text format, when known.
    public var line: Int?
    /// A format-specific place: an ABC tune's `X:` number, a MIDI track, a kern spine.
    public var detail: String?

    public init(file: String, line: Int? = nil, detail: String? = nil) {
        self.file = file
        self.line = line
        self.detail = detail
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let detail { text += " (\(detail))" }
        return text
    }
}

/// A monophonic melody with its metadata. Notes are in time order, do not overlap, and start at
/// onset 0 or later; rests are explicit notes without a pitch.
public struct Melody: Hashable, Sendable, Codable {
    public var title: String?
    public var key: Key?
    public var meter: Meter?
    /// Tempo in quarter notes per minute.
    public var tempo: Double?
    public var notes: [Note]
    public var source: SourceLocation?
    /// The length in quarter notes of an incomplete first bar (an anacrusis, or pickup) when the file
    /// shows one; nil when the first bar is complete or unknown. Writers draw bar lines from it.
    public var pickup: QuarterLength?
    /// The chord symbols of a lead sheet, in time order and not overlapping; empty when there are none.
    public var chords: [ChordSymbol]
    /// Chord symbols the reader met but could not read (kept for the import report; not written out).
    public var unreadableChords: [UnreadableChordSymbol]

    public init(title: String? = nil, key: Key? = nil, meter: Meter? = nil, tempo: Double? = nil,
                notes: [Note] = [], source: SourceLocation? = nil, pickup: QuarterLength? = nil,
                chords: [ChordSymbol] = [], unreadableChords: [UnreadableChordSymbol] = []) {
        self.title = title
        self.key = key
        self.meter = meter
        self.tempo = tempo
        self.notes = notes
        self.source = source
        self.pickup = pickup
        self.chords = chords
        self.unreadableChords = unreadableChords
    }

    enum CodingKeys: String, CodingKey {
        case title, key, meter, tempo, notes, source, pickup, chords
    }

    /// Reads a melody encoded before chords existed too (no `chords`: none).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        key = try container.decodeIfPresent(Key.self, forKey: .key)
        meter = try container.decodeIfPresent(Meter.self, forKey: .meter)
        tempo = try container.decodeIfPresent(Double.self, forKey: .tempo)
        notes = try container.decode([Note].self, forKey: .notes)
        source = try container.decodeIfPresent(SourceLocation.self, forKey: .source)
        pickup = try container.decodeIfPresent(QuarterLength.self, forKey: .pickup)
        chords = try container.decodeIfPresent([ChordSymbol].self, forKey: .chords) ?? []
        unreadableChords = []
    }

    /// The end of the last event, in quarter notes.
    public var length: QuarterLength { notes.last?.end ?? .zero }

    /// Builds a melody from consecutive (MIDI number or nil, duration) pairs starting at 0.
    public static func sequence(_ events: [(Int?, QuarterLength)], tempo: Double? = nil) -> Melody {
        var onset = QuarterLength.zero
        var notes: [Note] = []
        for (midi, duration) in events {
            notes.append(Note(pitch: midi.map(Pitch.init(midi:)), onset: onset, duration: duration))
            onset += duration
        }
        return Melody(tempo: tempo, notes: notes)
    }
}
