/// Writes melodies as Humdrum `**kern`, one spine per piece (several melodies become several pieces
/// in one file, each closed by `*-`): title, meter, key signature and key, tempo, numbered bar lines, and
/// notes tied across bar lines with `[`, `_`, `]`.
public enum KernWriter {
    public static func write(_ melodies: [Melody]) -> String {
        melodies.map(piece).joined()
    }

    static func piece(_ melody: Melody) -> String {
        let melody = melody.withUsableMeter
        var out = ""
        if let title = melody.title { out += "!!!OTL: " + title.replacingOccurrences(of: "\n", with: " ") + "\n" }
        out += "**kern\n"
        if let meter = melody.meter { out += "*M\(meter.numerator)/\(meter.denominator)\n" }
        let fifths = melody.key?.fifths ?? 0
        if let key = melody.key {
            let signature = Key.signatureAlterations(fifths: fifths)
            let order = fifths >= 0 ? [3, 0, 4, 1, 5, 2, 6] : [6, 2, 5, 1, 4, 0, 3]
            let names = order.filter { signature[$0] != 0 }
                .map { String(SpelledPitch.letterNames[$0]).lowercased() + (signature[$0] > 0 ? "#" : "-") }
            out += "*k[" + names.joined() + "]\n"
            let tonic = SpelledPitch(midi: 60 + key.tonic, fifths: fifths)
            var name = String(SpelledPitch.letterNames[tonic.letter])
            if !key.mode.isMajorLike { name = name.lowercased() }
            name += tonic.alteration > 0 ? "#" : tonic.alteration < 0 ? "-" : ""
            let mode: String = switch key.mode {
            case .major, .minor: ""
            case .dorian: "dor"
            case .phrygian: "phr"
            case .lydian: "lyd"
            case .mixolydian: "mix"
            case .locrian: "loc"
            }
            out += "*\(name):\(mode)\n"
        }
        if let tempo = melody.tempo { out += "*MM\(ABCWriter.formatTempo(tempo))\n" }
        let pieces = melody.barPieces(barLength: melody.meter?.barLength ?? 4)
        var currentBar = pieces.first?.bar ?? 1
        for piece in pieces {
            if piece.bar != currentBar {
                currentBar = piece.bar
                out += "=\(currentBar)\n"
            }
            var token = ""
            if piece.tieOut && !piece.tieIn { token += "[" }
            token += recip(piece.duration)
            if let midi = piece.pitch {
                let spelled = SpelledPitch(midi: midi, fifths: fifths)
                let letter = SpelledPitch.letterNames[spelled.letter]
                if spelled.octave >= 4 {
                    token += String(repeating: String(letter).lowercased(), count: spelled.octave - 3)
                } else {
                    token += String(repeating: String(letter), count: 4 - spelled.octave)
                }
                if spelled.alteration > 0 { token += String(repeating: "#", count: spelled.alteration) }
                if spelled.alteration < 0 { token += String(repeating: "-", count: -spelled.alteration) }
            } else {
                token += "r"
            }
            if piece.tieIn { token += piece.tieOut ? "_" : "]" }
            out += token + "\n"
        }
        out += "==\n*-\n"
        return out
    }

    /// The kern duration of `length` quarter notes: a reciprocal with dots, a breve `0`, or a rational
    /// `a%b` (4·b/a quarter notes).
    static func recip(_ length: QuarterLength) -> String {
        func plain(_ value: QuarterLength) -> String? {
            if value == 8 { return "0" }
            if value == 16 { return "00" }
            let r = QuarterLength(4) / value
            return r.denominator == 1 ? String(r.numerator) : nil
        }
        if let text = plain(length) { return text }
        for dots in 1...2 {
            let base = length * QuarterLength(1 << dots, (1 << (dots + 1)) - 1)
            if let text = plain(base) { return text + String(repeating: ".", count: dots) }
        }
        let r = QuarterLength(4) / length
        return "\(r.numerator)%\(r.denominator)"
    }
}
