/// A note name without an octave: a letter (0 = C … 6 = B) and an alteration in semitones (−2…2).
public struct NoteName: Hashable, Sendable, Codable, CustomStringConvertible {
    public var letter: Int
    public var alteration: Int

    public init(letter: Int, alteration: Int = 0) {
        self.letter = ((letter % 7) + 7) % 7
        self.alteration = max(-2, min(2, alteration))
    }

    /// The name of pitch class `pitchClass` as a key of `fifths` sharps (flats when negative) spells it.
    public init(pitchClass: Int, fifths: Int) {
        let spelled = SpelledPitch(midi: 60 + ((pitchClass % 12) + 12) % 12, fifths: fifths)
        self.init(letter: spelled.letter, alteration: spelled.alteration)
    }

    /// 0 = C … 11 = B.
    public var pitchClass: Int { ((letterPitchClasses[letter] + alteration) % 12 + 12) % 12 }

    /// "C", "F#", "Bb", "Ebb".
    public var description: String {
        String(SpelledPitch.letterNames[letter])
            + (alteration > 0 ? String(repeating: "#", count: alteration) : String(repeating: "b", count: -alteration))
    }
}

/// A chord symbol on a melody's time line: a root, a quality, an optional bass (a slash chord) and where
/// it sounds, in quarter notes from the melody's first event.
public struct ChordSymbol: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What kind of chord stands on the root. The raw value is the name written in a JSON dump.
    public enum Quality: String, Hashable, Sendable, Codable, CaseIterable {
        case major, minor
        case dominant7 = "7", major7 = "maj7", minor7 = "m7"
        case diminished = "dim", diminished7 = "dim7", halfDiminished7 = "m7b5"
        case augmented = "aug", augmented7 = "aug7"
        case suspended2 = "sus2", suspended4 = "sus4", dominant7Suspended4 = "7sus4"
        case major6 = "6", minor6 = "m6"
        case dominant9 = "9", major9 = "maj9", minor9 = "m9", dominant7Flat9 = "7b9"

        /// Semitones above the root of the chord's notes, root first.
        public var intervals: [Int] {
            switch self {
            case .major: [0, 4, 7]
            case .minor: [0, 3, 7]
            case .dominant7: [0, 4, 7, 10]
            case .major7: [0, 4, 7, 11]
            case .minor7: [0, 3, 7, 10]
            case .diminished: [0, 3, 6]
            case .diminished7: [0, 3, 6, 9]
            case .halfDiminished7: [0, 3, 6, 10]
            case .augmented: [0, 4, 8]
            case .augmented7: [0, 4, 8, 10]
            case .suspended2: [0, 2, 7]
            case .suspended4: [0, 5, 7]
            case .dominant7Suspended4: [0, 5, 7, 10]
            case .major6: [0, 4, 7, 9]
            case .minor6: [0, 3, 7, 9]
            case .dominant9: [0, 4, 7, 10, 14]
            case .major9: [0, 4, 7, 11, 14]
            case .minor9: [0, 3, 7, 10, 14]
            case .dominant7Flat9: [0, 4, 7, 10, 13]
            }
        }

        /// The suffix written after the root in a lead sheet: "" for major, "m", "7", "maj7", "dim" …
        public var suffix: String {
            switch self {
            case .major: ""
            case .minor: "m"
            default: rawValue
            }
        }

        /// The quality a suffix names, in the usual lead-sheet spellings (`m`, `min`, `-`, `maj7`, `M7`,
        /// `Δ`, `°`, `ø`, `+`, `sus` …) and the Nottingham collection's (`d` diminished, `a` augmented).
        public init?(suffix: String) {
            guard let quality = Self.suffixes[suffix] else { return nil }
            self = quality
        }

        static let suffixes: [String: Quality] = {
            var table: [String: Quality] = [:]
            for quality in Quality.allCases { table[quality.suffix] = quality }
            let aliases: [(Quality, [String])] = [
                (.major, ["M", "maj", "Maj", "ma"]),
                (.minor, ["min", "mi", "-"]),
                (.dominant7, ["dom7"]),
                (.major7, ["M7", "Maj7", "ma7", "Δ", "Δ7", "j7"]),
                (.minor7, ["min7", "mi7", "-7"]),
                (.diminished, ["d", "o", "°", "dim5"]),
                (.diminished7, ["d7", "o7", "°7"]),
                (.halfDiminished7, ["m7♭5", "m7-5", "min7b5", "-7b5", "ø", "ø7", "h", "h7"]),
                (.augmented, ["a", "+", "#5", "+5"]),
                (.augmented7, ["a7", "+7", "7+", "7#5", "7+5"]),
                (.suspended4, ["sus"]),
                (.dominant7Suspended4, ["7sus"]),
                (.minor6, ["min6", "-6"]),
                (.major9, ["M9", "Maj9"]),
                (.minor9, ["min9", "-9"]),
                (.dominant7Flat9, ["7♭9", "7-9"]),
            ]
            for (quality, names) in aliases { for name in names { table[name] = quality } }
            return table
        }()
    }

    public var root: NoteName
    public var quality: Quality
    /// The bass of a slash chord (`D7/F#`); nil when the root is the bass.
    public var bass: NoteName?
    /// Start, in quarter notes from the melody's first event.
    public var onset: QuarterLength
    /// How long the chord lasts, in quarter notes.
    public var duration: QuarterLength

    public init(root: NoteName, quality: Quality, bass: NoteName? = nil, onset: QuarterLength = .zero,
                duration: QuarterLength = .zero) {
        self.root = root
        self.quality = quality
        self.bass = bass.flatMap { $0.pitchClass == root.pitchClass ? nil : $0 }
        self.onset = onset
        self.duration = duration
    }

    /// The chord a symbol names, placed at `onset` for `duration`; nil when the text is not a chord symbol.
    /// Reads `Am7`, `F#m`, `Bb`, `D7/F#`, `C°7`, `(E7)` and the Nottingham collection's `G/b` (a lowercase
    /// bass, `+` for a sharp: `D/f+`), `Cd` (diminished) and `Ca` (augmented).
    public init?(_ text: String, onset: QuarterLength = .zero, duration: QuarterLength = .zero) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.hasPrefix("("), body.hasSuffix(")") { body = body.dropFirst().dropLast() }
        let parts = body.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var head = parts[0]
        guard let root = Self.noteName(&head, lowercase: false), let quality = Quality(suffix: String(head)) else {
            return nil
        }
        var bass: NoteName?
        if parts.count == 2 {
            var tail = parts[1]
            guard let name = Self.noteName(&tail, lowercase: true), tail.isEmpty || tail == "+" || tail == "-" else {
                return nil
            }
            // The Nottingham collection writes a sharp bass as `f+`.
            bass = tail == "+" ? NoteName(letter: name.letter, alteration: name.alteration + 1)
                : tail == "-" ? NoteName(letter: name.letter, alteration: name.alteration - 1) : name
        }
        self.init(root: root, quality: quality, bass: bass, onset: onset, duration: duration)
    }

    /// Reads a note name from the start of `text` (a letter, then `#`, `b`, `♯`, `♭` repeated up to
    /// twice) and drops it; `lowercase` lets the letter be lowercase too.
    static func noteName(_ text: inout Substring, lowercase: Bool) -> NoteName? {
        guard let first = text.first, let ascii = first.asciiValue,
              let letter = letterIndex(ascii), first.isUppercase || lowercase else { return nil }
        text = text.dropFirst()
        var alteration = 0
        while let next = text.first, abs(alteration) < 2 {
            if next == "#" || next == "♯" { alteration += 1 }
            else if next == "b" || next == "♭" { alteration -= 1 }
            else { break }
            text = text.dropFirst()
        }
        return NoteName(letter: letter, alteration: alteration)
    }

    /// "A7", "F#m", "D7/F#": root, suffix and bass as written in a lead sheet.
    public var symbol: String { root.description + quality.suffix + (bass.map { "/" + $0.description } ?? "") }
    public var description: String { symbol }

    /// The pitch class of the root, 0 = C … 11 = B.
    public var rootPitchClass: Int { root.pitchClass }
    /// The pitch class of the lowest note: the bass of a slash chord, else the root.
    public var bassPitchClass: Int { (bass ?? root).pitchClass }
    /// The chord's pitch classes (the bass's too).
    public var pitchClasses: Set<Int> {
        var set = Set(quality.intervals.map { (root.pitchClass + $0) % 12 })
        set.insert(bassPitchClass)
        return set
    }
    /// Where the chord ends, in quarter notes.
    public var end: QuarterLength { onset + duration }

    /// The same chord `semitones` higher, its names spelled as a key of `fifths` would.
    public func transposed(by semitones: Int, fifths: Int) -> ChordSymbol {
        guard semitones != 0 else { return self }
        return ChordSymbol(root: NoteName(pitchClass: root.pitchClass + semitones, fifths: fifths), quality: quality,
                           bass: bass.map { NoteName(pitchClass: $0.pitchClass + semitones, fifths: fifths) },
                           onset: onset, duration: duration)
    }

    /// The part of the chord that sounds inside `range`, or nil when none does.
    public func clipped(to range: Range<QuarterLength>) -> ChordSymbol? {
        let start = max(onset, range.lowerBound), stop = min(end, range.upperBound)
        guard start < stop else { return nil }
        var part = self
        part.onset = start
        part.duration = stop - start
        return part
    }
}

/// A chord symbol a reader met but could not read, kept so that an import can report it.
public struct UnreadableChordSymbol: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The text between the quotes, as written.
    public var text: String
    /// The 1-based line of a text format, when known.
    public var line: Int?

    public init(text: String, line: Int? = nil) {
        self.text = text
        self.line = line
    }

    public var description: String { (line.map { "line \($0): " } ?? "") + "\"\(text)\"" }
}

extension [ChordSymbol] {
    /// Each chord lasting until the next one starts, the last until `end`; chords of no length left out.
    func lastingUntilNext(end: QuarterLength) -> [ChordSymbol] {
        var result: [ChordSymbol] = []
        for (index, chord) in enumerated() {
            let next = index + 1 < count ? self[index + 1].onset : end
            guard next > chord.onset else { continue }
            var lasting = chord
            lasting.duration = next - chord.onset
            result.append(lasting)
        }
        return result
    }
}
