/// Writes melodies as ABC 2.1, one tune per melody (`X:` numbered from 1) with `T: M: L: Q: K:` headers,
/// bar lines from the meter (after the pickup), notes tied across bar lines, tuplets `(p:q:n` for lengths
/// in thirds, fifths, sevenths and ninths, and accidentals written wherever the key signature and the
/// accidentals earlier in the bar would give another pitch. Chord symbols are written in quotes before the
/// note they start on (a note is cut and tied where a chord starts under it).
public enum ABCWriter {
    public static func write(_ melodies: [Melody]) -> String {
        var out = ""
        for (index, melody) in melodies.enumerated() {
            if index > 0 { out += "\n" }
            out += tune(melody, number: index + 1)
        }
        return out
    }

    static func modeSuffix(_ mode: Key.Mode) -> String {
        switch mode {
        case .major: ""
        case .minor: "m"
        case .dorian: "dor"
        case .phrygian: "phr"
        case .lydian: "lyd"
        case .mixolydian: "mix"
        case .locrian: "loc"
        }
    }

    static func tune(_ melody: Melody, number: Int) -> String {
        let melody = melody.withUsableMeter
        let unit = QuarterLength(1, 2)  // L:1/8
        var out = "X:\(number)\n"
        out += "T:" + (melody.title ?? "Untitled").replacingOccurrences(of: "\n", with: " ") + "\n"
        out += "M:" + (melody.meter.map { "\($0.numerator)/\($0.denominator)" } ?? "none") + "\n"
        out += "L:1/8\n"
        if let tempo = melody.tempo { out += "Q:1/4=\(formatTempo(tempo))\n" }
        let fifths = melody.key?.fifths ?? 0
        out += "K:" + (melody.key.map { $0.tonicName + modeSuffix($0.mode) } ?? "C") + "\n"
        let signature = Key.signatureAlterations(fifths: fifths)
        let barLength = melody.meter?.barLength ?? 4
        var barAccidentals: [Int: Int] = [:]
        let pieces = melody.barPieces(barLength: barLength, cuts: melody.chords.map(\.onset))
        var nextChord = 0
        var currentBar = pieces.first?.bar ?? 1
        var barsOnLine = 0
        var line = ""
        var tupletLeft = 0
        var tupletScale = QuarterLength(1)
        for (index, piece) in pieces.enumerated() {
            if piece.bar != currentBar {
                line += melody.meter == nil ? " " : " |"
                // Without a meter no bar line is written, so accidentals keep going.
                if melody.meter != nil { barAccidentals = [:] }
                currentBar = piece.bar
                barsOnLine += 1
                if barsOnLine == 4 { out += line.trimmingCharacters(in: .whitespaces) + "\n"; line = ""; barsOnLine = 0 }
            }
            line += " "
            while nextChord < melody.chords.count, melody.chords[nextChord].onset <= piece.onset {
                if melody.chords[nextChord].onset == piece.onset { line += "\"\(melody.chords[nextChord].symbol)\"" }
                nextChord += 1
            }
            // Lengths with an odd factor (thirds, fifths …) are written as a tuplet `(p:q:n` of plain lengths.
            if tupletLeft == 0, let p = tupletFactor(piece.duration / unit) {
                var count = 1
                while index + count < pieces.count, count < 64, tupletFactor(pieces[index + count].duration / unit) == p {
                    count += 1
                }
                let q = 1 << (Int.bitWidth - 1 - p.leadingZeroBitCount)  // the power of two below p
                line += "(\(p):\(q):\(count)"
                tupletLeft = count
                tupletScale = QuarterLength(p, q)
            }
            if let midi = piece.pitch {
                let spelled = SpelledPitch(midi: midi, fifths: fifths)
                let expected = barAccidentals[spelled.letter] ?? signature[spelled.letter]
                if expected != spelled.alteration {
                    switch spelled.alteration {
                    case 2: line += "^^"
                    case 1: line += "^"
                    case 0: line += "="
                    case -1: line += "_"
                    default: line += "__"
                    }
                    barAccidentals[spelled.letter] = spelled.alteration
                }
                let name = SpelledPitch.letterNames[spelled.letter]
                if spelled.octave >= 5 {
                    line += String(name).lowercased() + String(repeating: "'", count: spelled.octave - 5)
                } else {
                    line += String(name) + String(repeating: ",", count: max(0, 4 - spelled.octave))
                }
            } else {
                line += "z"
            }
            if tupletLeft > 0 {
                line += length(piece.duration / unit * tupletScale)
                tupletLeft -= 1
            } else {
                line += length(piece.duration / unit)
            }
            if piece.tieOut { line += "-" }
        }
        line += melody.meter == nil ? "" : " |]"
        out += line.trimmingCharacters(in: .whitespaces) + "\n"
        return out
    }

    /// The odd factor p (3, 5, 7 or 9) of a length's denominator when the length times p / q (q the power
    /// of two below p) is a plain binary length; nil otherwise.
    static func tupletFactor(_ multiple: QuarterLength) -> Int? {
        let d = multiple.denominator
        let odd = d >> d.trailingZeroBitCount
        guard [3, 5, 7, 9].contains(odd) else { return nil }
        return odd
    }

    static func length(_ multiple: QuarterLength) -> String {
        let n = multiple.numerator, d = multiple.denominator
        if d == 1 { return n == 1 ? "" : "\(n)" }
        return (n == 1 ? "" : "\(n)") + "/\(d)"
    }

    static func formatTempo(_ tempo: Double) -> String {
        tempo == tempo.rounded() ? String(Int(tempo)) : String(tempo)
    }
}
