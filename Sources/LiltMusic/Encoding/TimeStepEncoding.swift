/// One step of the time-step encoding: a note starting, a rest starting, the previous event held, or the
/// end of a song. Its text form is what checkpoints store: `"60"`, `"r"`, `"_"`, `"/"`. A lead sheet
/// (`EncodingParameters.chords`) also has chord tokens, which take no time: `.chord` (`"@G7"`) before the
/// step where a chord starts, `.noChord` (`"@N"`) before the step where a gap without a chord starts.
public enum TimeStepToken: Hashable, Sendable, Comparable, CustomStringConvertible {
    case note(Int)
    case rest
    case hold
    case end
    case chord(ChordToken)
    case noChord

    /// Whether the token is a step of the grid (not a chord token).
    public var isStep: Bool {
        switch self {
        case .chord, .noChord: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .note(let midi): String(midi)
        case .rest: "r"
        case .hold: "_"
        case .end: "/"
        case .chord(let chord): chord.description
        case .noChord: "@N"
        }
    }

    /// Reads the text form; nil for anything else.
    public init?(_ text: String) {
        switch text {
        case "r": self = .rest
        case "_": self = .hold
        case "/": self = .end
        case "@N": self = .noChord
        case let text where text.hasPrefix("@"):
            guard let chord = ChordToken(symbolText: String(text.dropFirst())) else { return nil }
            self = .chord(chord)
        default:
            guard let midi = Int(text), (0...127).contains(midi) else { return nil }
            self = .note(midi)
        }
    }

    /// The vocabulary order: `/`, `_`, `r`, notes from low to high, then `@N` and the chords (by root,
    /// quality, bass).
    var rank: Int {
        switch self {
        case .end: -3
        case .hold: -2
        case .rest: -1
        case .note(let midi): midi
        case .noChord: 128
        case .chord(let chord): 129 + chord.rank
        }
    }

    public static func < (a: TimeStepToken, b: TimeStepToken) -> Bool { a.rank < b.rank }
}

/// How melodies become time-step tokens.
public struct EncodingParameters: Hashable, Sendable {
    /// The length of one step in quarter notes (a sixteenth note: 1/4).
    public var step: QuarterLength
    /// The note and rest lengths a song may use (quarter notes), or nil for any multiple of `step`. Each
    /// written note is checked before ties join it to the next: a quarter tied to a sixteenth (5/4) passes,
    /// since both parts are in the classic set, while a note written 5/4 long (ABC `C5` with `L:1/16`, a
    /// MIDI note) does not. The merged note must still fit the grid.
    public var acceptableDurations: [QuarterLength]?
    /// Whether songs are transposed to C major / A minor (modes to their white-key form) first.
    public var transposes: Bool
    /// Whether the chord symbols are encoded too (a lead sheet): a chord token before the step where each
    /// chord starts, `@N` where a gap without a chord starts. Chords are transposed with the melody.
    public var chords: Bool
    /// Whether a melody off the grid is moved onto it instead of being left out (`TimeStepEncoder.quantized`):
    /// triplets and other tuplets land on the nearest steps. The acceptable durations then do not apply.
    public var quantizes: Bool

    /// The classic set: 1/4, 1/2, 3/4, 1, 3/2, 2, 3, 4 quarter notes.
    public static let classicDurations: [QuarterLength] = [
        QuarterLength(1, 4), QuarterLength(1, 2), QuarterLength(3, 4), 1, QuarterLength(3, 2), 2, 3, 4,
    ]

    public init(step: QuarterLength = QuarterLength(1, 4), acceptableDurations: [QuarterLength]? = classicDurations,
                transposes: Bool = true, chords: Bool = false, quantizes: Bool = false) {
        self.step = step
        self.acceptableDurations = acceptableDurations
        self.transposes = transposes
        self.chords = chords
        self.quantizes = quantizes
    }

    /// The JSON stored in checkpoints as `lilt.encoding`: kind `timestep`, or `leadsheet` with chords.
    public var checkpointJSON: String {
        "{\"kind\":\"\(chords ? "leadsheet" : "timestep")\",\"stepQuarterLength\":\(step.doubleValue)}"
    }
}

extension EncodingParameters: Codable {
    enum CodingKeys: String, CodingKey { case step, acceptableDurations, transposes, chords, quantizes }

    /// `chords` and `quantizes` are written only when true, so a melody encoding's JSON is what it was
    /// before them; they read as false when missing.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encodeIfPresent(acceptableDurations, forKey: .acceptableDurations)
        try container.encode(transposes, forKey: .transposes)
        if chords { try container.encode(true, forKey: .chords) }
        if quantizes { try container.encode(true, forKey: .quantizes) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(QuarterLength.self, forKey: .step)
        acceptableDurations = try container.decodeIfPresent([QuarterLength].self, forKey: .acceptableDurations)
        transposes = try container.decode(Bool.self, forKey: .transposes)
        chords = try container.decodeIfPresent(Bool.self, forKey: .chords) ?? false
        quantizes = try container.decodeIfPresent(Bool.self, forKey: .quantizes) ?? false
    }
}

/// Why a melody was not encoded.
public enum EncodingSkipReason: String, Error, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case noNotes = "no notes"
    case durationNotAcceptable = "a duration outside the acceptable set"
    case offGrid = "a note off the step grid"
    case pitchOutOfRange = "a pitch outside MIDI 0…127 after transposition"
    case tooLong = "longer than 100,000 steps"
    case noChords = "no chord symbols in a lead-sheet corpus"

    public var description: String { rawValue }
}

/// The time-step encoding: one token per grid step; `"60"` a note starts, `"r"` a rest starts, `"_"` the
/// previous event goes on, `"/"` ends the song.
public struct TimeStepEncoder: Sendable {
    public var parameters: EncodingParameters

    public init(parameters: EncodingParameters = EncodingParameters()) {
        self.parameters = parameters
    }

    /// The melody as it will be encoded: transposed when the parameters say so (key from the file, else
    /// estimated), with the shift applied in semitones.
    public func prepare(_ melody: Melody) -> (melody: Melody, shift: Int) {
        let melody = parameters.quantizes ? quantized(melody) : melody
        guard parameters.transposes, let key = melody.keyOrEstimate else { return (melody, 0) }
        let shift = key.semitonesToNaturalSignature
        var moved = melody.transposed(by: shift)
        if moved.key == nil { moved.key = Key(tonic: key.tonic + shift, mode: key.mode) }
        return (moved, shift)
    }

    /// `melody` on the step grid, as a sequencer quantizes a take: each note's onset and end rounded to
    /// the nearest step; a note that would start where the one before it starts is dropped (the one before
    /// keeps its time), one that would vanish lasts a step. A triplet of eighths becomes a sixteenth, an
    /// eighth and a sixteenth. Chord onsets and ends are rounded the same way. A melody on the grid is
    /// returned as it is.
    public func quantized(_ melody: Melody) -> Melody {
        let step = parameters.step
        func nearest(_ position: QuarterLength) -> QuarterLength {
            let steps = position / step
            return step * QuarterLength(Int((Double(steps.numerator) / Double(steps.denominator)).rounded()))
        }
        let onGrid = melody.notes.allSatisfy { $0.onset.isMultiple(of: step) && $0.duration.isMultiple(of: step) }
            && melody.chords.allSatisfy { $0.onset.isMultiple(of: step) && $0.duration.isMultiple(of: step) }
        guard !onGrid else { return melody }
        var result = melody
        var notes: [Note] = []
        for note in melody.notes where note.duration > .zero {
            let onset = nearest(note.onset)
            if let last = notes.last, onset <= last.onset { continue }
            if let last = notes.last, last.end > onset { notes[notes.count - 1].duration = onset - last.onset }
            notes.append(Note(pitch: note.pitch, onset: onset, duration: max(step, nearest(note.end) - onset),
                              velocity: note.velocity))
        }
        result.notes = notes
        result.chords = melody.chords.compactMap { chord in
            var moved = chord
            moved.onset = nearest(chord.onset)
            moved.duration = nearest(chord.end) - moved.onset
            return moved.duration > .zero ? moved : nil
        }
        return result
    }

    /// Why the (prepared) melody cannot be encoded, or nil when it can. The acceptable durations apply to
    /// the written notes (`Note.writtenDurations`), the grid to the notes as they sound.
    public func check(_ melody: Melody) -> EncodingSkipReason? {
        if !melody.notes.contains(where: { !$0.isRest }) { return .noNotes }
        let acceptable = parameters.quantizes ? nil : parameters.acceptableDurations.map(Set.init)
        for note in melody.notes {
            if let acceptable, !note.writtenDurations.allSatisfy(acceptable.contains) { return .durationNotAcceptable }
            if !note.duration.isMultiple(of: parameters.step) || !note.onset.isMultiple(of: parameters.step)
                || note.duration <= .zero {
                return .offGrid
            }
            if let midi = note.pitch?.midi, !(0...127).contains(midi) { return .pitchOutOfRange }
        }
        if (melody.length / parameters.step).numerator > 100_000 { return .tooLong }
        return nil
    }

    /// The tokens of an already prepared and checked melody, ending with `.end`. Gaps between events
    /// become rests; overlapping events are cut at the next onset.
    public func tokens(of melody: Melody) -> [TimeStepToken] {
        var tokens: [TimeStepToken] = []
        var position = 0
        for note in melody.notes {
            let onset = stepCount(note.onset)
            let end = stepCount(note.end)
            if onset > position {
                tokens.append(.rest)
                tokens.append(contentsOf: repeatElement(.hold, count: onset - position - 1))
            } else if onset < position {
                continue
            }
            guard end > onset else { continue }
            tokens.append(note.pitch.map { .note($0.midi) } ?? .rest)
            tokens.append(contentsOf: repeatElement(.hold, count: end - onset - 1))
            position = end
        }
        tokens.append(.end)
        return parameters.chords ? interleavingChords(of: melody, into: tokens) : tokens
    }

    /// The step tokens with the melody's chords put in: `.chord` before the step where a chord starts (a
    /// chord off the grid starts at the step it falls in; of several in one step the last wins), `.noChord`
    /// before the step where a gap starts. Chords from the song's end on are left out.
    func interleavingChords(of melody: Melody, into steps: [TimeStepToken]) -> [TimeStepToken] {
        let stepTotal = steps.count - 1
        var changes: [Int: TimeStepToken] = [:]
        var sounding: Int? = nil // the step where the chord sounding last ends
        for chord in melody.chords.sorted(by: { $0.onset < $1.onset }) {
            let start = max(0, stepCount(chord.onset)), end = stepCount(chord.end)
            if let last = sounding, last < start { changes[last] = .noChord }
            changes[start] = .chord(ChordToken(chord))
            sounding = max(end, start + 1)
        }
        if let last = sounding, last < stepTotal { changes[last] = .noChord }
        var result: [TimeStepToken] = []
        result.reserveCapacity(steps.count + changes.count)
        for (position, token) in steps.enumerated() {
            if position < stepTotal, let change = changes[position] { result.append(change) }
            result.append(token)
        }
        return result
    }

    /// Prepares, checks and encodes a melody.
    public func encode(_ melody: Melody) -> Result<[TimeStepToken], EncodingSkipReason> {
        let prepared = prepare(melody).melody
        if let reason = check(prepared) { return .failure(reason) }
        return .success(tokens(of: prepared))
    }

    /// Decodes tokens into a melody; decoding stops at the first `.end`. A hold with nothing before it
    /// starts a rest. A chord token starts a chord at the next step, lasting until the next chord token or
    /// the end (chords spelled as in C major / A minor).
    public func decode(_ tokens: [TimeStepToken]) -> Melody {
        var notes: [Note] = []
        var chords: [ChordSymbol] = []
        var current: (chord: ChordToken, start: Int)? = nil
        var position = 0
        func closeChord() {
            if let open = current, position > open.start {
                chords.append(open.chord.symbol(onset: parameters.step * QuarterLength(open.start),
                                                duration: parameters.step * QuarterLength(position - open.start)))
            }
            current = nil
        }
        func finished() -> Melody {
            closeChord()
            var melody = Melody(notes: notes)
            melody.chords = chords
            return melody
        }
        for token in tokens {
            let onset = parameters.step * QuarterLength(position)
            switch token {
            case .chord(let chord):
                closeChord()
                current = (chord, position)
                continue
            case .noChord:
                closeChord()
                continue
            case .end:
                return finished()
            case .hold:
                if notes.isEmpty {
                    notes.append(.rest(at: onset, for: parameters.step))
                } else {
                    notes[notes.count - 1].duration += parameters.step
                }
            case .rest:
                notes.append(.rest(at: onset, for: parameters.step))
            case .note(let midi):
                notes.append(.note(midi, at: onset, for: parameters.step))
            }
            position += 1
        }
        return finished()
    }

    /// Decodes token indices of `vocabulary` (as a model produces them); indices out of range are skipped.
    public func decode(indices: [Int], vocabulary: Vocabulary) -> Melody {
        decode(indices.compactMap { $0 >= 0 && $0 < vocabulary.count ? vocabulary.tokens[$0] : nil })
    }

    private func stepCount(_ value: QuarterLength) -> Int {
        let ratio = value / parameters.step
        return ratio.numerator / ratio.denominator
    }
}
