extension Key.Mode {
    /// Semitones from the tonic of the major key with the same signature down to this mode's tonic
    /// (dorian is built on the 2nd degree: 2; minor on the 6th: 9).
    public var offsetFromRelativeMajor: Int {
        switch self {
        case .major: 0
        case .dorian: 2
        case .phrygian: 4
        case .lydian: 5
        case .mixolydian: 7
        case .minor: 9
        case .locrian: 11
        }
    }

    /// Fifths from the relative major's tonic to this mode's tonic on the line of fifths (dorian's D is
    /// two fifths above C, minor's A three, lydian's F one below).
    var fifthsAboveRelativeMajor: Int {
        switch self {
        case .major: 0
        case .dorian: 2
        case .phrygian: 4
        case .lydian: -1
        case .mixolydian: 1
        case .minor: 3
        case .locrian: 5
        }
    }

    /// Whether the mode has a major third above its tonic.
    public var isMajorLike: Bool { self == .major || self == .lydian || self == .mixolydian }

    /// Reads a mode name as ABC and kern write it ("m", "min", "Dor", "mixolydian", "ion", "aeo"…);
    /// only the first three letters count. An empty name is major.
    public init?(abbreviation: String) {
        let lower = abbreviation.lowercased()
        if lower.isEmpty { self = .major; return }
        if lower == "m" { self = .minor; return }
        switch lower.prefix(3) {
        case "maj", "ion": self = .major
        case "min", "aeo": self = .minor
        case "dor": self = .dorian
        case "phr": self = .phrygian
        case "lyd": self = .lydian
        case "mix": self = .mixolydian
        case "loc": self = .locrian
        default: return nil
        }
    }
}

extension Key {
    /// The pitch class of the major key that shares this key's signature.
    public var relativeMajorTonic: Int { ((tonic - mode.offsetFromRelativeMajor) % 12 + 12) % 12 }

    /// The conventional signature of the key, as a count of sharps (positive) or flats (negative), −6…5:
    /// the one with the fewest accidentals (D♭ major, not C♯; G♯ minor, not A♭; B♭ dorian, not A♯). The
    /// six-accidental signature is spelled with flats: G♭ major, E♭ minor, A♭ dorian. A key keeps no
    /// spelling of its own, so a file's F♯ major is shown and written as G♭ major.
    public var fifths: Int {
        for n in -6...5 where ((n * 7) % 12 + 12) % 12 == relativeMajorTonic { return n }
        return 0
    }

    /// The tonic as written in the key's conventional signature (`fifths`), with ASCII accidentals as
    /// the rest of Lilt writes them: "Bb", "F#", "Eb".
    public var tonicName: String {
        let spelled = SpelledPitch(midi: 60 + tonic, fifths: fifths)
        return String(SpelledPitch.letterNames[spelled.letter])
            + String(repeating: spelled.alteration > 0 ? "#" : "b", count: abs(spelled.alteration))
    }

    /// Reads a key as `description` writes it, "Bb major" or "F# minor"; any spelling of the tonic is
    /// read ("A# major" is B♭ major).
    public init?(name: String) {
        let parts = name.split(separator: " ")
        guard parts.count == 2, let first = parts[0].first, first.isUppercase, let ascii = first.asciiValue,
              let letter = letterIndex(ascii), let mode = Mode(rawValue: String(parts[1])) else { return nil }
        var alteration = 0
        for sign in parts[0].dropFirst() {
            switch sign {
            case "#": alteration += 1
            case "b": alteration -= 1
            default: return nil
            }
        }
        self.init(tonic: letterPitchClasses[letter] + alteration, mode: mode)
    }

    /// The key with `fifths` sharps (positive) or flats (negative) in the given mode.
    public init(fifths: Int, mode: Mode = .major) {
        let major = ((fifths * 7) % 12 + 12) % 12
        self.init(tonic: major + mode.offsetFromRelativeMajor, mode: mode)
    }

    /// The signature of the key whose tonic is written as `letter` (0 = C … 6 = B) altered by `alteration`
    /// semitones, in sharps (positive) or flats (negative): from the spelling, so F♯ major has six sharps
    /// and G♭ major six flats, C♯ major seven sharps, C♭ major seven flats, D♯ minor six sharps. Past
    /// seven the signature holds double sharps or flats (G♯ major: eight, F double sharp).
    static func signatureFifths(tonicLetter letter: Int, alteration: Int, mode: Mode) -> Int {
        SpelledPitch.lineOfFifths[letter] + 7 * alteration - mode.fifthsAboveRelativeMajor
    }

    /// The alterations in semitones (per letter C D E F G A B) of a signature of `fifths`. Sharps come in
    /// the order F C G D A E B, flats in the reverse order; a letter is altered once more every seven
    /// fifths, so ±7 alters every letter and ±8 doubles F♯ or B♭.
    public static func signatureAlterations(fifths: Int) -> [Int] {
        // F (−1 on the line of fifths) is the first sharp, at one fifth; B (5) the first flat, at −1.
        SpelledPitch.lineOfFifths.map { place in
            let numerator = fifths - place + 5
            return numerator >= 0 ? numerator / 7 : -((-numerator + 6) / 7)
        }
    }
}

/// The letters C D E F G A B as pitch classes.
let letterPitchClasses = [0, 2, 4, 5, 7, 9, 11]

/// Maps a note letter (either case) to its index 0…6 in C D E F G A B.
@inline(__always)
func letterIndex(_ byte: UInt8) -> Int? {
    switch byte | 0x20 {
    case UInt8(ascii: "c"): 0
    case UInt8(ascii: "d"): 1
    case UInt8(ascii: "e"): 2
    case UInt8(ascii: "f"): 3
    case UInt8(ascii: "g"): 4
    case UInt8(ascii: "a"): 5
    case UInt8(ascii: "b"): 6
    default: nil
    }
}
