import Foundation
import LiltMusic

/// Where a note of a composing session came from; the studio colours each kind differently.
public enum NoteOrigin: String, Codable, Sendable, CaseIterable {
    /// Part of the seed (an opened file or a melody given to the model).
    case seed
    /// Written by the model.
    case generated
    /// Entered or changed by hand.
    case edited
}

/// One pitched note of a session: onset and duration in quarter notes, where it came from, and for a
/// generated note the probability the model gave it (0…1).
public struct SessionNote: Hashable, Sendable, Codable {
    /// MIDI note number.
    public var pitch: Int
    /// Onset in quarter notes from the start.
    public var onset: QuarterLength
    /// Duration in quarter notes.
    public var duration: QuarterLength
    public var origin: NoteOrigin
    /// The probability the model gave this note when it wrote it (generated notes only).
    public var probability: Double?

    public init(pitch: Int, onset: QuarterLength, duration: QuarterLength, origin: NoteOrigin,
                probability: Double? = nil) {
        self.pitch = pitch
        self.onset = onset
        self.duration = duration
        self.origin = origin
        self.probability = probability
    }

    /// The end, in quarter notes.
    public var end: QuarterLength { onset + duration }
}

/// The controls a session generates and plays with.
public struct SessionControls: Hashable, Sendable, Codable {
    /// Sampling temperature (1 = the model's own distribution).
    public var temperature: Double
    /// Added to the rest token's logit: negative for fewer rests, positive for more.
    public var restBias: Double
    /// Added to the hold token's logit: negative for shorter notes, positive for longer.
    public var holdBias: Double
    /// Quarter notes per minute.
    public var tempo: Double
    /// The instrument (stored in the file as its General MIDI number, 1–128).
    public var program: GMProgram
    /// How many bars a generation writes.
    public var bars: Int
    /// How many variations `g` writes at once.
    public var variations: Int
    /// The random seed of the next take.
    public var randomSeed: UInt64
    /// The playback level in decibels relative to Lilt's own (0); sessions saved before it had one play at 0.
    public var volume: Double
    /// The chords' instrument (their own channel); sessions saved before it play them with the default.
    public var chordProgram: GMProgram

    public init(temperature: Double = 1.0, restBias: Double = 0, holdBias: Double = 0, tempo: Double = 120,
                program: GMProgram = .acousticGrandPiano, bars: Int = 8, variations: Int = 4, randomSeed: UInt64 = 1,
                volume: Double = 0, chordProgram: GMProgram = .defaultChords) {
        self.temperature = temperature
        self.restBias = restBias
        self.holdBias = holdBias
        self.tempo = tempo
        self.program = program
        self.bars = bars
        self.variations = variations
        self.randomSeed = randomSeed
        self.volume = volume
        self.chordProgram = chordProgram
    }

    private enum CodingKeys: String, CodingKey {
        case temperature, restBias, holdBias, tempo, program, bars, variations, randomSeed, volume, chordProgram
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        temperature = try container.decode(Double.self, forKey: .temperature)
        restBias = try container.decode(Double.self, forKey: .restBias)
        holdBias = try container.decode(Double.self, forKey: .holdBias)
        tempo = try container.decode(Double.self, forKey: .tempo)
        program = try container.decode(GMProgram.self, forKey: .program)
        bars = try container.decode(Int.self, forKey: .bars)
        variations = try container.decode(Int.self, forKey: .variations)
        randomSeed = try container.decode(UInt64.self, forKey: .randomSeed)
        volume = try container.decodeIfPresent(Double.self, forKey: .volume) ?? 0
        chordProgram = try container.decodeIfPresent(GMProgram.self, forKey: .chordProgram) ?? .defaultChords
    }

    /// Volume and the chords' instrument are written only when set, so that a session saved before they
    /// existed saves to the same bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(temperature, forKey: .temperature)
        try container.encode(restBias, forKey: .restBias)
        try container.encode(holdBias, forKey: .holdBias)
        try container.encode(tempo, forKey: .tempo)
        try container.encode(program, forKey: .program)
        try container.encode(bars, forKey: .bars)
        try container.encode(variations, forKey: .variations)
        try container.encode(randomSeed, forKey: .randomSeed)
        if volume != 0 { try container.encode(volume, forKey: .volume) }
        if chordProgram != .defaultChords { try container.encode(chordProgram, forKey: .chordProgram) }
    }
}

/// A generated melody kept in a session: its notes and where it came from.
public struct SessionTake: Hashable, Sendable, Codable {
    public var name: String
    public var notes: [SessionNote]
    /// The take's provenance (model file and hash, seed, every control, random seed) as the compact JSON
    /// of `TakeProvenance`, kept as text so every number (64-bit random seeds included) survives exactly.
    public var provenance: String

    public init(name: String, notes: [SessionNote], provenance: String) {
        self.name = name
        self.notes = notes
        self.provenance = provenance
    }
}

/// A chord as a session file holds it: the symbol as a lead sheet writes it, and where it sounds.
struct SessionChord: Codable {
    var symbol: String
    var onset: QuarterLength
    var duration: QuarterLength

    init(_ chord: ChordSymbol) {
        symbol = chord.symbol
        onset = chord.onset
        duration = chord.duration
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try container.decode(String.self, forKey: .symbol)
        onset = try container.decode(QuarterLength.self, forKey: .onset)
        duration = try container.decode(QuarterLength.self, forKey: .duration)
        guard ChordSymbol(symbol) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .symbol, in: container, debugDescription: "'\(symbol)' is not a chord symbol")
        }
    }

    var chord: ChordSymbol { ChordSymbol(symbol, onset: onset, duration: duration)! }
}

/// A composing session: the document the studio edits. Saved as JSON (`.lilt`); reopened exactly.
///
/// The melody is monophonic: notes are kept sorted by onset and never overlap; silence between notes is a
/// rest. Positions are quarter notes.
public struct ComposingSession: Hashable, Sendable, Codable {
    /// The file format version written in every session file.
    public static let formatVersion = 1

    public var format: Int
    public var title: String?
    public var meter: Meter
    public var key: Key?
    /// The melody, sorted by onset, never overlapping.
    public private(set) var notes: [SessionNote]
    /// The chord symbols over the melody, sorted by onset, never overlapping (a gap is no chord).
    public internal(set) var chords: [ChordSymbol]
    /// The edit cursor: a time in quarter notes and a pitch (MIDI number).
    public var cursor: QuarterLength
    public var cursorPitch: Int
    /// Bars (from 0) that regeneration leaves alone, sorted.
    public private(set) var lockedBars: [Int]
    /// Takes the model wrote, with provenance; `keptTake` is the one in the melody.
    public var takes: [SessionTake]
    public var keptTake: Int?
    public var controls: SessionControls
    /// The model and corpus this session was composed with, as the user named them.
    public var model: String?
    public var corpus: String?

    public init(title: String? = nil, meter: Meter = Meter(4, 4), key: Key? = nil, notes: [SessionNote] = [],
                controls: SessionControls = SessionControls()) {
        format = Self.formatVersion
        self.title = title
        self.meter = meter
        self.key = key
        self.notes = []
        chords = []
        cursor = .zero
        cursorPitch = 60
        lockedBars = []
        takes = []
        keptTake = nil
        self.controls = controls
        for note in notes { insert(note) }
    }

    private enum CodingKeys: String, CodingKey {
        case format, title, meter, key, notes, chords, cursor, cursorPitch, lockedBars, takes, keptTake, controls, model, corpus
    }

    /// Reads sessions saved before there were chords too (no `chords`: none).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        meter = try container.decode(Meter.self, forKey: .meter)
        key = try container.decodeIfPresent(Key.self, forKey: .key)
        notes = try container.decode([SessionNote].self, forKey: .notes)
        chords = try container.decodeIfPresent([SessionChord].self, forKey: .chords)?.map(\.chord) ?? []
        cursor = try container.decode(QuarterLength.self, forKey: .cursor)
        cursorPitch = try container.decode(Int.self, forKey: .cursorPitch)
        lockedBars = try container.decode([Int].self, forKey: .lockedBars)
        takes = try container.decode([SessionTake].self, forKey: .takes)
        keptTake = try container.decodeIfPresent(Int.self, forKey: .keptTake)
        controls = try container.decode(SessionControls.self, forKey: .controls)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        corpus = try container.decodeIfPresent(String.self, forKey: .corpus)
    }

    /// Chords are written only when there are some, so a session without them saves as it always did.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encode(meter, forKey: .meter)
        try container.encodeIfPresent(key, forKey: .key)
        try container.encode(notes, forKey: .notes)
        if !chords.isEmpty { try container.encode(chords.map(SessionChord.init), forKey: .chords) }
        try container.encode(cursor, forKey: .cursor)
        try container.encode(cursorPitch, forKey: .cursorPitch)
        try container.encode(lockedBars, forKey: .lockedBars)
        try container.encode(takes, forKey: .takes)
        try container.encodeIfPresent(keptTake, forKey: .keptTake)
        try container.encode(controls, forKey: .controls)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(corpus, forKey: .corpus)
    }

    // MARK: Reading the melody

    /// The length of one bar in quarter notes (a meter that cannot draw bars counts as 4/4).
    public var barLength: QuarterLength {
        let length = meter.barLength
        return length > .zero ? length : QuarterLength(4)
    }

    /// The end of the last note, in quarter notes.
    public var length: QuarterLength { notes.last?.end ?? .zero }

    /// The bar (from 0) that `position` falls in.
    public func bar(at position: QuarterLength) -> Int {
        let bars = position / barLength
        return Int((Double(bars.numerator) / Double(bars.denominator)).rounded(.down))
    }

    /// The index of the note sounding at `position`, if any.
    public func noteIndex(at position: QuarterLength) -> Int? {
        notes.firstIndex { $0.onset <= position && position < $0.end }
    }

    /// The notes with onsets in `range`.
    public func notes(in range: Range<QuarterLength>) -> [SessionNote] {
        notes.filter { range.contains($0.onset) }
    }

    /// The melody with rests filling the gaps, ready to play or export.
    public var melody: Melody {
        var result: [Note] = []
        var time = QuarterLength.zero
        for note in notes {
            if note.onset > time { result.append(.rest(at: time, for: note.onset - time)) }
            result.append(Note(pitch: Pitch(midi: note.pitch), onset: note.onset, duration: note.duration))
            time = note.end
        }
        return Melody(title: title, key: key, meter: meter, tempo: controls.tempo, notes: result, chords: chords)
    }

    /// A session holding `melody`'s pitched notes as the seed part, with its title, meter, key and tempo.
    public init(melody: Melody, origin: NoteOrigin = .seed) {
        var controls = SessionControls()
        if let tempo = melody.tempo, tempo > 0 { controls.tempo = tempo }
        let meter = melody.meter.flatMap { $0.barLength > .zero ? $0 : nil } ?? Meter(4, 4)
        self.init(title: melody.title, meter: meter, key: melody.key, controls: controls)
        for note in melody.notes {
            guard let pitch = note.pitch, note.duration > .zero else { continue }
            insert(SessionNote(pitch: pitch.midi, onset: note.onset, duration: note.duration, origin: origin))
        }
        for chord in melody.chords { setChord(chord) }
        if let first = notes.first { cursorPitch = first.pitch }
    }

    // MARK: Editing (the studio records each edit in an `EditHistory`)

    /// Puts `note` into the melody, cutting short or removing whatever it overlaps.
    public mutating func insert(_ note: SessionNote) {
        guard note.duration > .zero, note.onset >= .zero else { return }
        clear(note.onset..<note.end)
        let index = notes.firstIndex { $0.onset > note.onset } ?? notes.endIndex
        notes.insert(note, at: index)
    }

    /// Silences `range`: notes inside are removed, notes crossing its edges are cut at them.
    public mutating func clear(_ range: Range<QuarterLength>) {
        notes = Self.cutting(notes, range, onset: \.onset, duration: \.duration)
    }

    /// `items` (notes or chords) with `range` emptied: those inside removed, those crossing its edges
    /// cut at them; sorted by onset.
    static func cutting<Item>(_ items: [Item], _ range: Range<QuarterLength>, onset: WritableKeyPath<Item, QuarterLength>,
                              duration: WritableKeyPath<Item, QuarterLength>) -> [Item] {
        guard !range.isEmpty else { return items }
        var kept: [Item] = []
        for item in items {
            let start = item[keyPath: onset], end = start + item[keyPath: duration]
            if end <= range.lowerBound || start >= range.upperBound {
                kept.append(item)
                continue
            }
            if start < range.lowerBound {
                var head = item
                head[keyPath: duration] = range.lowerBound - start
                kept.append(head)
            }
            if end > range.upperBound {
                var tail = item
                tail[keyPath: onset] = range.upperBound
                tail[keyPath: duration] = end - range.upperBound
                kept.append(tail)
            }
        }
        return kept.sorted { $0[keyPath: onset] < $1[keyPath: onset] }
    }

    /// Removes the note at `index`.
    public mutating func remove(at index: Int) {
        guard notes.indices.contains(index) else { return }
        notes.remove(at: index)
    }

    /// Moves the notes starting in `range` by `semitones`, keeping them within MIDI's 0–127; they count as
    /// edited. With `chords`, the chords starting in `range` move too (spelled in the session's key).
    public mutating func transpose(_ range: Range<QuarterLength>, by semitones: Int, chords: Bool = false) {
        for index in notes.indices where range.contains(notes[index].onset) {
            notes[index].pitch = min(127, max(0, notes[index].pitch + semitones))
            notes[index].origin = .edited
            notes[index].probability = nil
        }
        guard chords else { return }
        let fifths = key?.fifths ?? melody.keyOrEstimate?.fifths ?? 0
        for index in self.chords.indices where range.contains(self.chords[index].onset) {
            self.chords[index] = self.chords[index].transposed(by: semitones, fifths: fifths)
        }
    }

    /// Replaces every note from `position` on with `continuation` (notes before it are the seed); notes in
    /// locked bars stay as they are and the continuation's notes falling in them are dropped.
    public mutating func replace(from position: QuarterLength, with continuation: [SessionNote]) {
        let locked = Set(lockedBars)
        let barLength = self.barLength
        func barOf(_ onset: QuarterLength) -> Int {
            let bars = onset / barLength
            return Int((Double(bars.numerator) / Double(bars.denominator)).rounded(.down))
        }
        notes.removeAll { $0.end > position && !locked.contains(barOf($0.onset)) }
        for note in continuation where note.onset >= position && !locked.contains(bar(at: note.onset)) {
            let overlapsLocked = notes.contains { $0.onset < note.end && note.onset < $0.end }
            if !overlapsLocked { insert(note) }
        }
    }

    /// Locks `bar` when unlocked and unlocks it when locked; returns whether it is locked now.
    @discardableResult
    public mutating func toggleLock(bar: Int) -> Bool {
        if let index = lockedBars.firstIndex(of: bar) {
            lockedBars.remove(at: index)
            return false
        }
        lockedBars.append(bar)
        lockedBars.sort()
        return true
    }

    public func isLocked(bar: Int) -> Bool { lockedBars.contains(bar) }
}
