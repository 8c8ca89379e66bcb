/// Writes melodies as ABC 2.1, one tune per melody (`X:` numbered from 1) with `T: M: L: Q: K:` headers,
/// bar lines from the meter, notes tied across bar lines, and accidentals written wherever the key
/// signature and the accidentals earlier in the bar would give another pitch.
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
        out += "K:" + (melody.key.map { SpelledPitch.tonicName($0) + modeSuffix($0.mode) } ?? "C") + "\n"
        let signature = Key.signatureAlterations(fifths: fifths)
        let barLength = melody.meter?.barLength ?? 4
        var barAccidentals: [Int: Int] = [:]
        let pieces = melody.barPieces(barLength: barLength)
        var currentBar = pieces.first?.bar ?? 1
        var barsOnLine = 0
        var line = ""
        for piece in pieces {
            if piece.bar != currentBar {
                line += melody.meter == nil ? " " : " |"
                barAccidentals = [:]
                currentBar = piece.bar
                barsOnLine += 1
                if barsOnLine == 4 { out += line.trimmingCharacters(in: .whitespaces) + "\n"; line = ""; barsOnLine = 0 }
            }
            line += " "
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
            line += length(piece.duration / unit)
            if piece.tieOut { line += "-" }
        }
        line += melody.meter == nil ? "" : " |]"
        out += line.trimmingCharacters(in: .whitespaces) + "\n"
        return out
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
