/// Writes melodies as MusicXML 4.0 partwise (one part per melody): key, time, tempo, measures from the
/// meter (4/4 when there is none), notes and rests with ties across bar lines, note types with dots and
/// triplet time modifications where the lengths allow, chord symbols as `<harmony>` before the note they
/// start on.
public enum MusicXMLWriter {
    public static func write(_ melodies: [Melody]) -> String {
        var out = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">
        <score-partwise version="4.0">

        """
        if let title = melodies.first?.title { out += "  <work><work-title>\(escape(title))</work-title></work>\n" }
        out += "  <identification><encoding><software>Lilt</software></encoding></identification>\n"
        out += "  <part-list>\n"
        for (index, melody) in melodies.enumerated() {
            out += "    <score-part id=\"P\(index + 1)\"><part-name>\(escape(melody.title ?? "Melody"))</part-name></score-part>\n"
        }
        out += "  </part-list>\n"
        for (index, melody) in melodies.enumerated() { out += part(melody, id: "P\(index + 1)") }
        return out + "</score-partwise>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Plain note types and their lengths in quarter notes.
    static let types: [(String, QuarterLength)] = [
        ("breve", 8), ("whole", 4), ("half", 2), ("quarter", 1), ("eighth", QuarterLength(1, 2)),
        ("16th", QuarterLength(1, 4)), ("32nd", QuarterLength(1, 8)), ("64th", QuarterLength(1, 16)),
    ]

    /// A written shape: type, dots, and whether it is a triplet (3 in the time of 2).
    struct Shape { var type: String; var dots: Int; var triplet: Bool; var length: QuarterLength }

    static let shapes: [Shape] = {
        var list: [Shape] = []
        for (type, length) in types {
            list.append(Shape(type: type, dots: 0, triplet: false, length: length))
            list.append(Shape(type: type, dots: 1, triplet: false, length: length * QuarterLength(3, 2)))
            list.append(Shape(type: type, dots: 2, triplet: false, length: length * QuarterLength(7, 4)))
            list.append(Shape(type: type, dots: 0, triplet: true, length: length * QuarterLength(2, 3)))
        }
        return list.sorted { $0.length > $1.length }
    }()

    /// Splits a length into written shapes (largest first); a remainder no shape fits is one last piece
    /// shown as the nearest type, with its exact duration.
    static func split(_ length: QuarterLength) -> [(Shape, QuarterLength)] {
        var remaining = length
        var result: [(Shape, QuarterLength)] = []
        while remaining > .zero && result.count < 16 {
            let triplet = remaining.denominator % 3 == 0
            if let shape = shapes.first(where: { $0.length <= remaining && $0.triplet == triplet }) {
                result.append((shape, shape.length))
                remaining -= shape.length
            } else {
                let nearest = shapes.filter { !$0.triplet && $0.dots == 0 }
                    .min { abs(($0.length - remaining).doubleValue) < abs(($1.length - remaining).doubleValue) }!
                result.append((nearest, remaining))
                remaining = .zero
            }
        }
        if remaining > .zero, !result.isEmpty { result[result.count - 1].1 += remaining }
        return result
    }

    /// A chord symbol as a `<harmony>` element: root, kind (with its usual text) and bass; degrees for the
    /// kinds MusicXML has no name for.
    static func harmony(_ chord: ChordSymbol) -> String {
        func step(_ name: NoteName, _ element: String) -> String {
            "<\(element)-step>\(SpelledPitch.letterNames[name.letter])</\(element)-step>"
                + (name.alteration != 0 ? "<\(element)-alter>\(name.alteration)</\(element)-alter>" : "")
        }
        var out = "      <harmony><root>" + step(chord.root, "root") + "</root>"
        let (kind, degrees) = kind(chord.quality)
        out += "<kind text=\"\(escape(chord.quality.suffix))\">\(kind)</kind>"
        if let bass = chord.bass { out += "<bass>" + step(bass, "bass") + "</bass>" }
        for (value, alter) in degrees {
            out += "<degree><degree-value>\(value)</degree-value><degree-alter>\(alter)</degree-alter>"
                + "<degree-type>add</degree-type></degree>"
        }
        return out + "</harmony>\n"
    }

    /// The MusicXML `<kind>` of a quality and the degrees added to it.
    static func kind(_ quality: ChordSymbol.Quality) -> (String, [(Int, Int)]) {
        switch quality {
        case .major: ("major", [])
        case .minor: ("minor", [])
        case .dominant7: ("dominant", [])
        case .major7: ("major-seventh", [])
        case .minor7: ("minor-seventh", [])
        case .diminished: ("diminished", [])
        case .diminished7: ("diminished-seventh", [])
        case .halfDiminished7: ("half-diminished", [])
        case .augmented: ("augmented", [])
        case .augmented7: ("augmented-seventh", [])
        case .suspended2: ("suspended-second", [])
        case .suspended4: ("suspended-fourth", [])
        case .dominant7Suspended4: ("suspended-fourth", [(7, -1)])
        case .major6: ("major-sixth", [])
        case .minor6: ("minor-sixth", [])
        case .dominant9: ("dominant-ninth", [])
        case .major9: ("major-ninth", [])
        case .minor9: ("minor-ninth", [])
        case .dominant7Flat9: ("dominant", [(9, -1)])
        }
    }

    static func part(_ melody: Melody, id: String) -> String {
        let melody = melody.withUsableMeter
        let meter = melody.meter ?? Meter(4, 4)
        let pieces = melody.barPieces(barLength: meter.barLength, cuts: melody.chords.map(\.onset))
        var nextChord = 0
        var divisions = 1
        for piece in pieces {
            divisions = QuarterLength.lcm(divisions, piece.duration.denominator)
            if divisions > 100_000 { divisions = 100_000; break }
        }
        let fifths = melody.key?.fifths ?? 0
        var out = "  <part id=\"\(id)\">\n"
        var bar = -1
        var barAccidentals: [Int: Int] = [:]
        for piece in pieces {
            if piece.bar != bar {
                let first = bar == -1
                if !first { out += "    </measure>\n" }
                bar = piece.bar
                barAccidentals = [:]
                // A pickup bar is measure 0, marked implicit so it is not counted.
                out += "    <measure number=\"\(bar)\"" + (bar == 0 ? " implicit=\"yes\"" : "") + ">\n"
                if first {
                    out += "      <attributes><divisions>\(divisions)</divisions>"
                    out += "<key><fifths>\(fifths)</fifths>"
                    if let key = melody.key { out += "<mode>\(key.mode.rawValue)</mode>" }
                    out += "</key><time><beats>\(meter.numerator)</beats><beat-type>\(meter.denominator)</beat-type></time>"
                    out += "<clef><sign>G</sign><line>2</line></clef></attributes>\n"
                    if let tempo = melody.tempo {
                        let text = ABCWriter.formatTempo(tempo)
                        out += "      <direction placement=\"above\"><direction-type><metronome><beat-unit>quarter</beat-unit>"
                        out += "<per-minute>\(text)</per-minute></metronome></direction-type><sound tempo=\"\(text)\"/></direction>\n"
                    }
                }
            }
            while nextChord < melody.chords.count, melody.chords[nextChord].onset <= piece.onset {
                if melody.chords[nextChord].onset == piece.onset { out += harmony(melody.chords[nextChord]) }
                nextChord += 1
            }
            let parts = split(piece.duration)
            for (index, (shape, length)) in parts.enumerated() {
                let tieIn = piece.tieIn || index > 0
                let tieOut = piece.tieOut || index < parts.count - 1
                let units = Int(((length * QuarterLength(divisions)).doubleValue).rounded())
                out += "      <note>"
                var accidental = ""
                if let midi = piece.pitch {
                    let spelled = SpelledPitch(midi: midi, fifths: fifths)
                    out += "<pitch><step>\(SpelledPitch.letterNames[spelled.letter])</step>"
                    if spelled.alteration != 0 { out += "<alter>\(spelled.alteration)</alter>" }
                    out += "<octave>\(spelled.octave)</octave></pitch>"
                    let place = spelled.letter * 16 + spelled.octave + 1
                    let expected = barAccidentals[place] ?? Key.signatureAlterations(fifths: fifths)[spelled.letter]
                    if expected != spelled.alteration && !tieIn {
                        accidental = ["flat-flat", "flat", "natural", "sharp", "double-sharp"][spelled.alteration + 2]
                        barAccidentals[place] = spelled.alteration
                    }
                } else {
                    out += "<rest/>"
                }
                out += "<duration>\(max(1, units))</duration>"
                if piece.pitch != nil {
                    if tieIn { out += "<tie type=\"stop\"/>" }
                    if tieOut { out += "<tie type=\"start\"/>" }
                }
                out += "<voice>1</voice><type>\(shape.type)</type>" + String(repeating: "<dot/>", count: shape.dots)
                if !accidental.isEmpty { out += "<accidental>\(accidental)</accidental>" }
                if shape.triplet {
                    out += "<time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification>"
                }
                if piece.pitch != nil && (tieIn || tieOut) {
                    out += "<notations>"
                    if tieIn { out += "<tied type=\"stop\"/>" }
                    if tieOut { out += "<tied type=\"start\"/>" }
                    out += "</notations>"
                }
                out += "</note>\n"
            }
        }
        if bar >= 0 { out += "    </measure>\n" }
        return out + "  </part>\n"
    }
}
