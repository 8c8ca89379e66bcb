import Foundation

/// Why an ABC file could not be read.
public enum ABCError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case noTunes(file: String)
    case malformed(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot be read: \(reason)"
        case .noTunes(let file): "\(file): no ABC tunes (no X: field and no notes)"
        case .malformed(let file, let line, let reason): "\(file):\(line): \(reason)"
        }
    }
}

/// Reads ABC 2.1 as folk collections write it: several tunes a file, `X: T: M: L: Q: K:` headers with
/// modes, key-signature and bar-scoped accidentals, octave marks, lengths, broken rhythm, rests, ties,
/// tuplets, repeats and numbered endings (expanded in playing order), parts played in the order of the
/// header's `P:` (or the Nottingham collection's `Y:`), chords (top note), chord symbols in quotes
/// (`"Am7"`, `"D7/F#"`, `"G/b"`; quoted text starting with `^ _ < > @` is an annotation and skipped),
/// inline fields; grace notes, decorations, lyrics and comments are skipped. A chord symbol that cannot be
/// read is kept in the melody's `unreadableChords`, never the end of the tune. Only the first voice of a
/// multi-voice tune is read.
public struct ABCReader: Sendable {
    /// The largest number of events a tune may expand to through its repeats.
    public var maximumEvents = 200_000

    public init() {}

    public func read(contentsOf url: URL) throws -> [Melody] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ABCError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try read([UInt8](data), file: url.path)
    }

    public func read(_ text: String, file: String = "<text>") throws -> [Melody] {
        try read(Array(text.utf8), file: file)
    }

    public func read(_ bytes: [UInt8], file: String) throws -> [Melody] {
        var parser = ABCParser(bytes: bytes, file: file, maximumEvents: maximumEvents)
        return try parser.parse()
    }

    /// The labels of a part order: letters, a number repeating the letter or `( )` group before it, dots
    /// and spaces ignored (`A2B` is AAB, `(AB)2C` is ABABC); at most 1000 labels.
    static func partSequence(_ text: String) -> [Character] {
        var characters = Array(text)
        var index = 0
        func group() -> [Character] {
            var result: [Character] = []
            var last: [Character] = []
            while index < characters.count, result.count < 1000 {
                let c = characters[index]
                if c == ")" { index += 1; break }
                if c == "(" {
                    index += 1
                    last = group()
                    result += last
                } else if let digit = c.wholeNumberValue, c.isASCII {
                    var count = digit
                    index += 1
                    while index < characters.count, let more = characters[index].wholeNumberValue, characters[index].isASCII,
                          count < 100 {
                        count = count * 10 + more
                        index += 1
                    }
                    for _ in 1..<max(1, min(count, 100)) where result.count < 1000 { result += last }
                    continue
                } else if c.isLetter, c.isASCII {
                    index += 1
                    last = [Character(c.uppercased())]
                    result += last
                } else {
                    index += 1
                }
            }
            return result
        }
        characters = characters.filter { !$0.isWhitespace }
        return Array(group().prefix(1000))
    }
}

/// What the body of a tune becomes before repeats are expanded.
private enum ABCItem {
    case event(pitch: Int?, duration: QuarterLength, tieOut: Bool)
    case repeatStart
    case repeatEnd
    /// Numbered ending; bit n set for ending n.
    case ending(UInt64)
    /// A double or final bar: any ending is over.
    case sectionEnd
    /// A chord symbol before the next event (its onset and length are set on expansion).
    case chord(ChordSymbol)
    /// A part label (`P:A` in the body): what follows, up to the next label, is that part.
    case part(Character)
}

private struct ABCParser {
    let bytes: [UInt8]
    let file: String
    let maximumEvents: Int
    var lineNumber = 0

    // File header defaults.
    var defaultMeter: Meter?
    var defaultUnit: QuarterLength?

    // Tune state.
    var inTune = false
    var inBody = false
    var tuneLine = 0
    var tuneNumber: String?
    var title: String?
    var key: Key?
    var meter: Meter?
    var meterSeen = false
    var unit: QuarterLength?
    var tempo: Double?
    var signature = [Int](repeating: 0, count: 7)
    /// Accidentals written earlier in the bar, by letter: ABC 2.1 propagates them to the same letter in
    /// every octave (`%%propagate-accidentals pitch`, the default), as abc2midi does.
    var barAccidentals: [Int: Int] = [:]
    var items: [ABCItem] = []
    var lastEventIndex: Int?
    var brokenFactor: QuarterLength?
    var tupletFactor = QuarterLength(1)
    var tupletRemaining = 0
    var firstVoice: String?
    var inOtherVoice = false
    var tiedPitch: (letterOctave: Int, midi: Int)?
    var lastPlace = 0
    /// The time of the tune's first bar line (a pickup before it is an anacrusis).
    var firstBar: QuarterLength?
    /// The order of the parts from the header (`P:AABB`, or `Y:` as the Nottingham collection writes it).
    var partOrder: String?
    var partOrderFromY: String?
    var unreadableChords: [UnreadableChordSymbol] = []
    var melodies: [Melody] = []

    init(bytes: [UInt8], file: String, maximumEvents: Int) {
        self.bytes = bytes
        self.file = file
        self.maximumEvents = maximumEvents
    }

    func fail(_ reason: String) -> ABCError { .malformed(file: file, line: lineNumber, reason: reason) }

    mutating func parse() throws -> [Melody] {
        var start = 0
        let count = bytes.count
        while start < count {
            lineNumber += 1
            var end = start
            while end < count && bytes[end] != 10 && bytes[end] != 13 { end += 1 }
            var next = end
            if next < count && bytes[next] == 13 { next += 1 }
            if next < count && bytes[next] == 10 { next += 1 }
            defer { start = next }
            // Strip a % comment (not \%).
            var lineEnd = end
            var i = start
            while i < end {
                if bytes[i] == UInt8(ascii: "%") && (i == start || bytes[i - 1] != UInt8(ascii: "\\")) { lineEnd = i; break }
                i += 1
            }
            let isBlank = bytes[start..<end].allSatisfy { $0 == 32 || $0 == 9 }
            if isBlank {
                if inTune && inBody { try finishTune() }
                continue
            }
            if lineEnd == start { continue }  // a comment line
            // Field line: a letter and a colon. In a tune body only the fields ABC allows there count, so
            // that music such as `D:|` is not taken for a field.
            if lineEnd - start >= 2, bytes[start + 1] == UInt8(ascii: ":"), isFieldLetter(bytes[start]),
               !inBody || Self.bodyFields.contains(bytes[start]) {
                try field(bytes[start], value: start + 2..<lineEnd)
                continue
            }
            if inTune {
                if !inBody { inBody = true }  // a body line without K: (lenient)
                try body(start..<lineEnd)
            }
        }
        if inTune { try finishTune() }
        if melodies.isEmpty { throw ABCError.noTunes(file: file) }
        return melodies
    }

    /// Fields that may appear in a tune body (ABC 2.1, 3.1), plus X: which starts the next tune.
    static let bodyFields = Set("IKLMmNPQRrsTUVWwX+".utf8)

    func isFieldLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "+")
    }

    func text(_ range: Range<Int>) -> String {
        TextDecoding.string(bytes[range]).trimmingCharacters(in: .whitespaces)
    }

    mutating func startTune(number: String) {
        inTune = true
        inBody = false
        tuneLine = lineNumber
        tuneNumber = number
        title = nil
        key = nil
        meter = defaultMeter
        currentMeter = defaultMeter
        meterSeen = false
        unit = defaultUnit
        tempo = nil
        signature = [Int](repeating: 0, count: 7)
        barAccidentals = [:]
        items = []
        lastEventIndex = nil
        brokenFactor = nil
        tupletRemaining = 0
        firstVoice = nil
        inOtherVoice = false
        tiedPitch = nil
        firstBar = nil
        partOrder = nil
        partOrderFromY = nil
        unreadableChords = []
    }

    mutating func field(_ letter: UInt8, value: Range<Int>) throws {
        switch letter {
        case UInt8(ascii: "X"):
            if inTune { try finishTune() }
            startTune(number: text(value))
        case UInt8(ascii: "T"):
            if inTune && !inBody && title == nil { title = text(value) }
        case UInt8(ascii: "M"):
            let parsed = parseMeter(text(value))
            if inTune {
                if !meterSeen { meter = parsed; meterSeen = true }
                currentMeter = parsed ?? currentMeter
            } else {
                defaultMeter = parsed
            }
        case UInt8(ascii: "L"):
            let parsed = try parseUnit(text(value))
            if inTune { unit = parsed } else { defaultUnit = parsed }
        case UInt8(ascii: "Q"):
            if inTune && tempo == nil { tempo = parseTempo(text(value)) }
        case UInt8(ascii: "K"):
            guard inTune else { return }
            try applyKey(text(value))
            inBody = true
        case UInt8(ascii: "V"):
            guard inTune else { return }
            voice(text(value))
        case UInt8(ascii: "P"):
            guard inTune else { return }
            if inBody { part(text(value)) } else { partOrder = text(value) }
        case UInt8(ascii: "Y"):
            if inTune && !inBody { partOrderFromY = text(value) }
        default:
            break
        }
    }

    var currentMeter: Meter?

    mutating func voice(_ value: String) {
        let name = String(value.prefix { !$0.isWhitespace })
        if firstVoice == nil { firstVoice = name }
        inOtherVoice = name != firstVoice
    }

    mutating func applyKey(_ value: String) throws {
        let scalars = Array(value.utf8)
        var i = 0
        func skipSpaces() { while i < scalars.count && scalars[i] == 32 { i += 1 } }
        skipSpaces()
        var parsedKey: Key?
        var fifths = 0
        if i < scalars.count, scalars[i] >= UInt8(ascii: "A"), scalars[i] <= UInt8(ascii: "G"), let letter = letterIndex(scalars[i]) {
            i += 1
            var alteration = 0
            if i < scalars.count && scalars[i] == UInt8(ascii: "#") { alteration = 1; i += 1 }
            else if i < scalars.count && scalars[i] == UInt8(ascii: "b") { alteration = -1; i += 1 }
            skipSpaces()
            var word = ""
            while i < scalars.count, (scalars[i] >= 65 && scalars[i] <= 90) || (scalars[i] >= 97 && scalars[i] <= 122) {
                word.append(Character(Unicode.Scalar(scalars[i])))
                i += 1
            }
            var mode = Key.Mode.major
            if let parsed = Key.Mode(abbreviation: word) {
                mode = parsed
            } else if !word.isEmpty {
                // Not a mode: a clef or other word; give it back.
                i -= word.utf8.count
            }
            parsedKey = Key(tonic: letterPitchClasses[letter] + alteration, mode: mode)
            // The signature follows the tonic as written: K:F# has E♯, K:Gb has C♭.
            fifths = Key.signatureFifths(tonicLetter: letter, alteration: alteration, mode: mode)
        } else if value.lowercased().hasPrefix("none") || value.hasPrefix("HP") || value.hasPrefix("Hp") {
            i = scalars.count
        }
        var newSignature = Key.signatureAlterations(fifths: fifths)
        // Explicit accidentals: ^f _b =c.
        while i < scalars.count {
            skipSpaces()
            guard i < scalars.count else { break }
            var alteration: Int?
            switch scalars[i] {
            case UInt8(ascii: "^"): alteration = 1
            case UInt8(ascii: "_"): alteration = -1
            case UInt8(ascii: "="): alteration = 0
            default: break
            }
            if var alteration {
                i += 1
                if i < scalars.count, scalars[i] == UInt8(ascii: "^") || scalars[i] == UInt8(ascii: "_") {
                    alteration *= 2; i += 1
                }
                if i < scalars.count, let letter = letterIndex(scalars[i]) {
                    newSignature[letter] = alteration
                    i += 1
                }
            } else {
                while i < scalars.count && scalars[i] != 32 { i += 1 }
            }
        }
        if inOtherVoice { return }
        signature = newSignature
        if key == nil, let parsedKey { key = parsedKey }
        barAccidentals = [:]
    }

    func parseMeter(_ value: String) -> Meter? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed == "C" { return Meter(4, 4) }
        if trimmed == "C|" { return Meter(2, 2) }
        let parts = trimmed.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        var numerator = 0
        for piece in parts[0].trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: "+") {
            guard let n = Int(piece.trimmingCharacters(in: .whitespaces)), n > 0, n < 1000 else { return nil }
            numerator += n
        }
        guard let d = Int(parts[1].prefix { $0.isNumber }), d > 0, d < 1000, numerator > 0 else { return nil }
        return Meter(numerator, d)
    }

    func parseUnit(_ value: String) throws -> QuarterLength? {
        let parts = value.split(separator: "/")
        guard parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let d = Int(parts[1].prefix { $0.isNumber }) else {
            if value.isEmpty { return nil }
            throw fail("unit note length 'L:\(value)' is not a fraction")
        }
        guard n > 0, n < 1000, d > 0, d < 10_000 else { throw fail("unit note length 'L:\(value)' out of range") }
        return QuarterLength(4 * n, d)
    }

    func parseTempo(_ value: String) -> Double? {
        // Q:1/4=120, Q:3/8=40, Q:"Allegro" 1/4=120, Q:120 (in unit notes).
        var text = value
        while let open = text.firstIndex(of: "\""), let close = text[text.index(after: open)...].firstIndex(of: "\"") {
            text.removeSubrange(open...close)
        }
        text = text.trimmingCharacters(in: .whitespaces)
        if let equals = text.firstIndex(of: "=") {
            guard let bpm = Double(text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                .prefix { $0.isNumber || $0 == "." }), bpm > 0, bpm < 10_000 else { return nil }
            var beat = 0.0
            for part in text[..<equals].split(separator: " ") {
                let fraction = part.split(separator: "/")
                if fraction.count == 2, let n = Double(fraction[0]), let d = Double(fraction[1]), d > 0 { beat += n / d }
            }
            if beat == 0 { beat = 0.25 }
            return bpm * beat * 4
        }
        guard let bpm = Double(text), bpm > 0, bpm < 10_000 else { return nil }
        return bpm * (unit ?? QuarterLength(1, 2)).doubleValue
    }

    /// The unit note length: L:, or from the meter (1/16 below 3/4, else 1/8).
    var effectiveUnit: QuarterLength {
        if let unit { return unit }
        if let meter, Double(meter.numerator) / Double(meter.denominator) < 0.75 { return QuarterLength(1, 4) }
        return QuarterLength(1, 2)
    }

    // MARK: Body

    mutating func appendEvent(pitch: Int?, duration: QuarterLength) throws {
        var duration = duration
        if tupletRemaining > 0 {
            guard let scaled = duration.checkedMultiplied(by: tupletFactor) else { throw fail("tuplet durations overflow") }
            duration = scaled
            tupletRemaining -= 1
        }
        if let factor = brokenFactor {
            guard let scaled = duration.checkedMultiplied(by: factor) else { throw fail("broken rhythm overflows") }
            duration = scaled
            brokenFactor = nil
        }
        guard duration > .zero else { throw fail("a note of zero length") }
        items.append(.event(pitch: pitch, duration: duration, tieOut: false))
        lastEventIndex = items.count - 1
    }

    /// Reads an optional length after a note: `3`, `/`, `//`, `3/2`, `/4`; returns the multiplier.
    func readLength(_ i: inout Int, _ end: Int) throws -> QuarterLength {
        var numerator = 1
        var denominator = 1
        var digits = 0
        var value = 0
        while i < end, bytes[i] >= 48, bytes[i] <= 57 {
            value = value * 10 + Int(bytes[i] - 48)
            if value > 10_000 { throw fail("note length too large") }
            digits += 1
            i += 1
        }
        if digits > 0 { numerator = value }
        while i < end, bytes[i] == UInt8(ascii: "/") {
            i += 1
            var d = 0
            var dDigits = 0
            while i < end, bytes[i] >= 48, bytes[i] <= 57 {
                d = d * 10 + Int(bytes[i] - 48)
                if d > 10_000 { throw fail("note length divisor too large") }
                dDigits += 1
                i += 1
            }
            if dDigits > 0 && d == 0 { throw fail("note length divided by zero") }
            denominator *= dDigits > 0 ? d : 2
            if denominator > 1_000_000 { throw fail("note length divisor too large") }
        }
        if numerator == 0 { throw fail("a note of zero length") }
        return QuarterLength(numerator, denominator)
    }

    /// Reads a pitch starting at `i` (accidentals, letter, octave marks); nil if there is none.
    mutating func readPitch(_ i: inout Int, _ end: Int, applyState: Bool) -> Int? {
        let start = i
        var alteration: Int?
        while i < end {
            switch bytes[i] {
            case UInt8(ascii: "^"): alteration = (alteration ?? 0) + 1
            case UInt8(ascii: "_"): alteration = (alteration ?? 0) - 1
            case UInt8(ascii: "="): alteration = 0
            default: break
            }
            if bytes[i] == UInt8(ascii: "^") || bytes[i] == UInt8(ascii: "_") || bytes[i] == UInt8(ascii: "=") { i += 1 } else { break }
        }
        guard i < end, let letter = letterIndex(bytes[i]) else { i = start; return nil }
        var octave = bytes[i] >= UInt8(ascii: "a") ? 5 : 4
        i += 1
        while i < end {
            if bytes[i] == UInt8(ascii: "'") { octave += 1 } else if bytes[i] == UInt8(ascii: ",") { octave -= 1 } else { break }
            i += 1
        }
        octave = max(-1, min(9, octave))
        if let alteration, abs(alteration) > 2 { return nil }
        let place = letter * 16 + octave + 1
        lastPlace = place
        let applied: Int
        if let alteration {
            applied = alteration
            if applyState { barAccidentals[letter] = alteration }
        } else if let tied = tiedPitch, tied.letterOctave == place {
            return tied.midi
        } else {
            applied = barAccidentals[letter] ?? signature[letter]
        }
        return (octave + 1) * 12 + letterPitchClasses[letter] + applied
    }

    mutating func barline() {
        barAccidentals = [:]
        if firstBar == nil {
            var time = QuarterLength.zero
            for item in items {
                if case .event(_, let duration, _) = item { time = time.checkedAdding(duration) ?? time }
            }
            firstBar = time
        }
    }

    mutating func body(_ range: Range<Int>) throws {
        if inOtherVoice {
            // Still follow inline voice changes.
            if let v = bytes[range].firstIndex(of: UInt8(ascii: "[")), v + 2 < range.upperBound,
               bytes[v + 1] == UInt8(ascii: "V"), bytes[v + 2] == UInt8(ascii: ":") {
                if let close = bytes[(v + 3)..<range.upperBound].firstIndex(of: UInt8(ascii: "]")) {
                    voice(text((v + 3)..<close))
                    if !inOtherVoice { try body((close + 1)..<range.upperBound) }
                }
            }
            return
        }
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "="),
                 UInt8(ascii: "A")...UInt8(ascii: "G"), UInt8(ascii: "a")...UInt8(ascii: "g"):
                let place = i
                guard let pitch = readPitch(&i, end, applyState: true) else { i = place + 1; continue }
                let length = try readLength(&i, end)
                guard let duration = effectiveUnit.checkedMultiplied(by: length) else { throw fail("note length overflows") }
                tiedPitch = nil
                try appendEvent(pitch: pitch, duration: duration)
            case UInt8(ascii: "z"), UInt8(ascii: "x"):
                i += 1
                let length = try readLength(&i, end)
                guard let duration = effectiveUnit.checkedMultiplied(by: length) else { throw fail("rest length overflows") }
                tiedPitch = nil
                try appendEvent(pitch: nil, duration: duration)
            case UInt8(ascii: "Z"), UInt8(ascii: "X"):
                i += 1
                let bars = try readLength(&i, end)
                let bar = (currentMeter ?? meter ?? Meter(4, 4)).barLength
                guard let duration = bar.checkedMultiplied(by: bars) else { throw fail("rest length overflows") }
                try appendEvent(pitch: nil, duration: duration)
            case UInt8(ascii: "-"):
                i += 1
                if let index = lastEventIndex, case .event(let pitch, let duration, _) = items[index] {
                    items[index] = .event(pitch: pitch, duration: duration, tieOut: true)
                    if let pitch { tiedPitch = (lastPlace, pitch) }
                }
            case UInt8(ascii: ">"), UInt8(ascii: "<"):
                var count = 0
                while i < end, bytes[i] == byte { count += 1; i += 1 }
                count = min(count, 3)
                let short = QuarterLength(1, 1 << count)
                let long = QuarterLength(2) - short
                if let index = lastEventIndex, case .event(let pitch, let duration, let tie) = items[index] {
                    guard let changed = duration.checkedMultiplied(by: byte == UInt8(ascii: ">") ? long : short) else {
                        throw fail("broken rhythm overflows")
                    }
                    items[index] = .event(pitch: pitch, duration: changed, tieOut: tie)
                    brokenFactor = byte == UInt8(ascii: ">") ? short : long
                }
            case UInt8(ascii: "("):
                i += 1
                if i < end, bytes[i] >= 49, bytes[i] <= 57 {
                    try tuplet(&i, end)
                }
            case UInt8(ascii: "["):
                try bracket(&i, end)
            case UInt8(ascii: "|"), UInt8(ascii: ":"):
                try bar(&i, end)
            case UInt8(ascii: "{"):
                // Grace notes: skipped.
                if let close = bytes[i..<min(end, i + 256)].firstIndex(of: UInt8(ascii: "}")) { i = close + 1 } else { i += 1 }
            case UInt8(ascii: "\""):
                // A chord symbol or an annotation.
                if let close = bytes[(i + 1)..<min(end, i + 256)].firstIndex(of: UInt8(ascii: "\"")) {
                    chordSymbol((i + 1)..<close)
                    i = close + 1
                } else {
                    i = end
                }
            case UInt8(ascii: "!"), UInt8(ascii: "+"):
                // Decorations `!trill!` `+trill+`: skipped (a lone `!` is an old line break).
                if let close = bytes[(i + 1)..<min(end, i + 40)].firstIndex(of: byte) { i = close + 1 } else { i += 1 }
            default:
                i += 1
            }
        }
    }

    /// The text between a pair of quotes: an annotation (starting with `^ _ < > @`) is skipped, a chord
    /// symbol is kept for the next event, anything else is kept as an unreadable chord symbol.
    mutating func chordSymbol(_ range: Range<Int>) {
        let symbol = text(range)
        guard let first = symbol.first, !"^_<>@".contains(first) else { return }
        if let chord = ChordSymbol(symbol) {
            items.append(.chord(chord))
        } else {
            unreadableChords.append(UnreadableChordSymbol(text: symbol, line: lineNumber))
        }
    }

    /// A part label in the body: its first letter (`P:A`, `P:B`); anything else is not a label.
    mutating func part(_ value: String) {
        guard let label = value.first, label.isLetter, label.isASCII else { return }
        items.append(.part(Character(label.uppercased())))
    }

    mutating func tuplet(_ i: inout Int, _ end: Int) throws {
        func number() -> Int? {
            var value = 0, digits = 0
            while i < end, bytes[i] >= 48, bytes[i] <= 57, digits < 3 { value = value * 10 + Int(bytes[i] - 48); digits += 1; i += 1 }
            return digits > 0 ? value : nil
        }
        guard let p = number(), p >= 2 else { return }
        var q: Int?
        var r: Int?
        if i < end, bytes[i] == UInt8(ascii: ":") {
            i += 1
            q = number()
            if i < end, bytes[i] == UInt8(ascii: ":") { i += 1; r = number() }
        }
        let compound = (currentMeter ?? meter).map { $0.numerator % 3 == 0 && $0.numerator > 3 } ?? false
        let defaultQ: Int
        switch p {
        case 2, 4, 8: defaultQ = 3
        case 3, 6: defaultQ = 2
        default: defaultQ = compound ? 3 : 2
        }
        let quotient = q ?? defaultQ
        guard quotient > 0 else { throw fail("tuplet (\(p):0") }
        tupletFactor = QuarterLength(quotient, p)
        tupletRemaining = max(0, min(r ?? p, 1000))
    }

    /// `[` opens an inline field (`[K:D]`), a numbered ending (`[1`, `[2`) or a chord (`[CEG]`).
    mutating func bracket(_ i: inout Int, _ end: Int) throws {
        if i + 2 < end, isFieldLetter(bytes[i + 1]), bytes[i + 2] == UInt8(ascii: ":") {
            guard let close = bytes[(i + 3)..<end].firstIndex(of: UInt8(ascii: "]")) else { i = end; return }
            let letter = bytes[i + 1]
            let value = (i + 3)..<close
            i = close + 1
            switch letter {
            case UInt8(ascii: "K"): try applyKey(text(value))
            case UInt8(ascii: "M"):
                currentMeter = parseMeter(text(value)) ?? currentMeter
                if !meterSeen { meter = currentMeter; meterSeen = true }
            case UInt8(ascii: "L"): unit = try parseUnit(text(value)) ?? unit
            case UInt8(ascii: "Q"): if tempo == nil { tempo = parseTempo(text(value)) }
            case UInt8(ascii: "P"): part(text(value))
            case UInt8(ascii: "V"):
                voice(text(value))
                if inOtherVoice {
                    // Skip the rest of this line unless the voice changes back.
                    try body(i..<end)
                    i = end
                }
            default: break
            }
            return
        }
        if i + 1 < end, bytes[i + 1] >= 49, bytes[i + 1] <= 57 {
            i += 1
            items.append(.ending(readEndingNumbers(&i, end)))
            return
        }
        if i + 1 < end, bytes[i + 1] == UInt8(ascii: "|") {
            i += 2
            items.append(.sectionEnd)
            barline()
            return
        }
        // A chord: its top note, with the first note's length times the length after `]`.
        i += 1
        var top: Int?
        var firstLength: QuarterLength?
        var tie = false
        while i < end, bytes[i] != UInt8(ascii: "]") {
            let place = i
            if let pitch = readPitch(&i, end, applyState: true) {
                let length = try readLength(&i, end)
                if firstLength == nil { firstLength = length }
                top = max(top ?? pitch, pitch)
            } else {
                if bytes[i] == UInt8(ascii: "-") { tie = true }
                if bytes[i] == UInt8(ascii: "\""), let close = bytes[(i + 1)..<end].firstIndex(of: UInt8(ascii: "\"")) {
                    chordSymbol((i + 1)..<close)
                    i = close
                }
                i = max(i, place) + 1
            }
        }
        if i < end { i += 1 }
        let outer = try readLength(&i, end)
        guard let top else { return }
        guard let length = (firstLength ?? 1).checkedMultiplied(by: outer),
              let duration = effectiveUnit.checkedMultiplied(by: length) else { throw fail("chord length overflows") }
        tiedPitch = nil
        try appendEvent(pitch: top, duration: duration)
        if tie, let index = lastEventIndex, case .event(let p, let d, _) = items[index] {
            items[index] = .event(pitch: p, duration: d, tieOut: true)
        }
    }

    func readEndingNumbers(_ i: inout Int, _ end: Int) -> UInt64 {
        var mask: UInt64 = 0
        var previous: Int?
        var range = false
        while i < end {
            if bytes[i] >= 48, bytes[i] <= 57 {
                var value = 0
                while i < end, bytes[i] >= 48, bytes[i] <= 57 { value = min(value * 10 + Int(bytes[i] - 48), 63); i += 1 }
                if range, let low = previous, low <= value {
                    for n in low...value { mask |= 1 << UInt64(n) }
                } else {
                    mask |= 1 << UInt64(value)
                }
                previous = value
                range = false
            } else if bytes[i] == UInt8(ascii: ",") {
                i += 1
            } else if bytes[i] == UInt8(ascii: "-") {
                range = true
                i += 1
            } else {
                break
            }
        }
        return mask
    }

    /// Bar lines: `|`, `||`, `|]`, `|:`, `:|`, `::`, `:|:`, `|1`, `:|2`.
    mutating func bar(_ i: inout Int, _ end: Int) throws {
        var colonsBefore = 0
        while i < end, bytes[i] == UInt8(ascii: ":") { colonsBefore += 1; i += 1 }
        var bars = 0
        var closing = false
        while i < end, bytes[i] == UInt8(ascii: "|") || bytes[i] == UInt8(ascii: "]") {
            if bytes[i] == UInt8(ascii: "|") { bars += 1 } else { closing = true }
            i += 1
            if closing { break }
        }
        var colonsAfter = 0
        while i < end, bytes[i] == UInt8(ascii: ":") { colonsAfter += 1; i += 1 }
        barline()
        if colonsBefore > 0 { items.append(.repeatEnd) }
        if bars >= 2 || closing { if colonsBefore == 0 { items.append(.sectionEnd) } }
        if bars == 0 && colonsBefore >= 2 && colonsAfter == 0 {
            // `::` is an end and a start.
            items.append(.repeatStart)
        }
        if colonsAfter > 0 { items.append(.repeatStart) }
        // `|1` / `:|2`: an ending number right after the bar.
        var j = i
        while j < end, bytes[j] == 32 { j += 1 }
        if i < end, bytes[i] >= 49, bytes[i] <= 57 {
            items.append(.ending(readEndingNumbers(&i, end)))
        } else if j < end, j + 1 < end, bytes[j] == UInt8(ascii: "["), bytes[j + 1] >= 49, bytes[j + 1] <= 57 {
            i = j + 1
            items.append(.ending(readEndingNumbers(&i, end)))
        }
    }

    /// Whether an ending for `pass` follows `index` in `items` before the next repeat start.
    func laterEnding(in items: [ABCItem], after index: Int, _ pass: Int) -> Bool {
        var j = index + 1
        while j < items.count {
            switch items[j] {
            case .ending(let mask): if mask & (1 << UInt64(min(pass, 63))) != 0 { return true }
            case .repeatStart: return false
            default: break
            }
            j += 1
        }
        return false
    }

    /// Expands parts, repeats and endings into playing order and builds the melody.
    mutating func finishTune() throws {
        defer { inTune = false; inBody = false; items = [] }
        var expansion = Expansion()
        for segment in playingSegments() {
            try expand(segment, into: &expansion)
        }
        let builder = expansion.builder
        let chords = expansion.chords.lastingUntilNext(end: builder.time)
        // A tune without notes is still listed (the encoder skips it as having no notes).
        var pickup: QuarterLength?
        if let firstBar, firstBar > .zero, let meter, firstBar < meter.barLength { pickup = firstBar }
        melodies.append(Melody(title: title, key: key, meter: meter, tempo: tempo, notes: builder.notes,
                               source: SourceLocation(file: file, line: tuneLine, detail: tuneNumber.map { "X:\($0)" }),
                               pickup: pickup, chords: chords, unreadableChords: unreadableChords))
    }

    /// What a tune's expansion has made so far.
    struct Expansion {
        var builder = MelodyBuilder()
        var chords: [ChordSymbol] = []
        var produced = 0
        var jumps = 0
    }

    /// The items in the order they are played, in pieces whose repeats are expanded one by one: when the
    /// header gives an order (`P:AABB`, `P:A2B`, `P:(AB)2C`, or `Y:AABB`) and the body has those part
    /// labels, what comes before the first label, then each part as the order names it; else everything
    /// as written.
    func playingSegments() -> [[ABCItem]] {
        guard let orderText = partOrderFromY ?? partOrder else { return [items] }
        var prefix: [ABCItem] = []
        var parts: [Character: [ABCItem]] = [:]
        var current: Character?
        for item in items {
            if case .part(let label) = item { current = label; parts[label, default: []].append(.sectionEnd); continue }
            if let current { parts[current, default: []].append(item) } else { prefix.append(item) }
        }
        let order = ABCReader.partSequence(orderText).filter { parts[$0] != nil }
        guard !order.isEmpty else { return [items] }
        return [prefix] + order.map { parts[$0] ?? [] }
    }

    /// Expands the repeats and endings of `items` (a part, or the whole tune) onto `expansion`.
    func expand(_ items: [ABCItem], into expansion: inout Expansion) throws {
        var index = 0
        var start = 0
        var pass = 1
        var ending: UInt64?
        var openRepeat = false
        func playing() -> Bool { ending.map { $0 & (1 << UInt64(min(pass, 63))) != 0 } ?? true }
        while index < items.count {
            switch items[index] {
            case .event(let pitch, let duration, let tieOut):
                if playing() {
                    expansion.produced += 1
                    guard expansion.produced <= maximumEvents else {
                        throw fail("tune X:\(tuneNumber ?? "?") expands to more than \(maximumEvents) events")
                    }
                    guard expansion.builder.add(pitch: pitch, duration: duration, tieOut: tieOut) else {
                        throw fail("tune X:\(tuneNumber ?? "?"): durations too fine to add up exactly")
                    }
                }
                index += 1
            case .chord(var chord):
                if playing() {
                    chord.onset = expansion.builder.time
                    // A later symbol at the same time replaces an earlier one.
                    if expansion.chords.last?.onset == chord.onset { expansion.chords.removeLast() }
                    expansion.chords.append(chord)
                }
                index += 1
            case .part:
                index += 1
            case .repeatStart:
                start = index + 1
                openRepeat = true
                pass = 1
                ending = nil
                index += 1
            case .ending(let mask):
                ending = mask
                index += 1
            case .sectionEnd:
                // A double bar after an ending, or outside a `|:` section, is where the next repeat goes back to.
                if ending != nil || !openRepeat { start = index + 1; openRepeat = false }
                if ending != nil { ending = nil; pass = 1 }
                index += 1
            case .repeatEnd:
                if !playing() {
                    ending = nil
                    index += 1
                } else if (ending == nil && pass == 1)
                            || (ending != nil && pass < 63 && laterEnding(in: items, after: index, pass + 1)) {
                    expansion.jumps += 1
                    guard expansion.jumps < 1_000 else { throw fail("too many repeats") }
                    pass += 1
                    ending = nil
                    index = start
                } else {
                    start = index + 1
                    openRepeat = false
                    if ending == nil { pass = 1 }
                    ending = nil
                    index += 1
                }
            }
        }
    }
}
