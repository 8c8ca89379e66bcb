import Foundation
import Testing
@testable import LiltMusic

@Test("Every quality is read from its lead-sheet suffix and written back the same way")
func chordQualities() throws {
    let expected: [(String, ChordSymbol.Quality, Int)] = [
        ("C", .major, 0), ("Cm", .minor, 0), ("C7", .dominant7, 0), ("Cmaj7", .major7, 0), ("Cm7", .minor7, 0),
        ("Cdim", .diminished, 0), ("Cdim7", .diminished7, 0), ("Cm7b5", .halfDiminished7, 0), ("Caug", .augmented, 0),
        ("Csus2", .suspended2, 0), ("Csus4", .suspended4, 0), ("C6", .major6, 0), ("Cm6", .minor6, 0),
        ("C9", .dominant9, 0), ("C7b9", .dominant7Flat9, 0), ("Caug7", .augmented7, 0),
    ]
    for (text, quality, root) in expected {
        let chord = try #require(ChordSymbol(text), "\(text)")
        #expect(chord.quality == quality, "\(text)")
        #expect(chord.rootPitchClass == root)
        #expect(chord.bass == nil)
        #expect(chord.symbol == text)
    }
    for quality in ChordSymbol.Quality.allCases {
        #expect(ChordSymbol("G" + quality.suffix)?.quality == quality, "\(quality)")
        #expect(quality.intervals.first == 0)
    }
}

@Test("Lead-sheet spellings: sharps, flats, slash chords and the usual aliases")
func chordLeadSheetSyntax() throws {
    let am7 = try #require(ChordSymbol("Am7"))
    #expect(am7.rootPitchClass == 9 && am7.quality == .minor7)
    #expect(am7.pitchClasses == [9, 0, 4, 7])
    let fSharpMinor = try #require(ChordSymbol("F#m"))
    #expect(fSharpMinor.rootPitchClass == 6 && fSharpMinor.quality == .minor && fSharpMinor.symbol == "F#m")
    let bFlat = try #require(ChordSymbol("Bb"))
    #expect(bFlat.rootPitchClass == 10 && bFlat.quality == .major && bFlat.symbol == "Bb")
    let slash = try #require(ChordSymbol("D7/F#"))
    #expect(slash.rootPitchClass == 2 && slash.quality == .dominant7 && slash.bass?.pitchClass == 6)
    #expect(slash.bassPitchClass == 6 && slash.symbol == "D7/F#")
    #expect(ChordSymbol("Bb9")?.quality == .dominant9)
    #expect(ChordSymbol("Ebmaj7")?.rootPitchClass == 3)
    #expect(ChordSymbol("C°7")?.quality == .diminished7)
    #expect(ChordSymbol("Bø")?.quality == .halfDiminished7)
    #expect(ChordSymbol("G+")?.quality == .augmented)
    #expect(ChordSymbol("Dsus")?.quality == .suspended4)
    #expect(ChordSymbol("CM7")?.quality == .major7)
    #expect(ChordSymbol("C-7")?.quality == .minor7)
    #expect(ChordSymbol("(E7)")?.symbol == "E7")
    #expect(ChordSymbol("C/C")?.bass == nil)
}

@Test("The Nottingham collection's spellings: lowercase bass, + for a sharp bass, d and a")
func chordNottinghamSyntax() throws {
    let gOverB = try #require(ChordSymbol("G/b"))
    #expect(gOverB.rootPitchClass == 7 && gOverB.quality == .major && gOverB.bass?.pitchClass == 11)
    #expect(gOverB.symbol == "G/B")
    #expect(ChordSymbol("D/f+")?.bass?.pitchClass == 6)
    #expect(ChordSymbol("A7/c+")?.symbol == "A7/C#")
    #expect(ChordSymbol("Gm/bb")?.bass == NoteName(letter: 6, alteration: -1))
    #expect(ChordSymbol("Cd")?.quality == .diminished)
    #expect(ChordSymbol("D#d")?.rootPitchClass == 3)
    #expect(ChordSymbol("Ca")?.quality == .augmented)
    #expect(ChordSymbol("Fa7")?.quality == .augmented7)
    #expect(ChordSymbol("E7b9")?.quality == .dominant7Flat9)
}

@Test("Text that is not a chord symbol is refused")
func chordUnreadable() {
    for text in ["", "H7", "fine", "C/", "Cxyz", "D.C.", "c", "G/H", "Am7/x"] {
        #expect(ChordSymbol(text) == nil, "\(text)")
    }
}

@Test("A chord is transposed and respelled for the new key")
func chordTransposed() throws {
    let chord = try #require(ChordSymbol("D7/F#", onset: 2, duration: 4))
    let down = chord.transposed(by: -4, fifths: -2)  // to Bb major
    #expect(down.symbol == "Bb7/D")
    #expect(down.onset == 2 && down.duration == 4)
    let melody = Melody(key: Key(tonic: 2, mode: .major), notes: [.note(62, at: 0, for: 4)], chords: [chord])
    #expect(melody.transposed(by: -2).chords.first?.symbol == "C7/E")
}

let chordTune = """
X:1
T:Chords
M:4/4
L:1/4
K:G
"G"G A "D7/F#"B c |: "Em"d e "^allegro"f "_slowly"g |1 "Am"a b "D7"c' d' :|2 "C"e f "D"g a |]

"""

@Test("ABC chord symbols follow the tune through repeats and endings; annotations are skipped")
func abcChordsThroughRepeats() throws {
    let melody = try #require(try ABCReader().read(chordTune, file: "chords.abc").first)
    #expect(melody.notes.count == 20)
    let symbols = melody.chords.map(\.symbol)
    #expect(symbols == ["G", "D7/F#", "Em", "Am", "D7", "Em", "C", "D"])
    #expect(melody.chords.map(\.onset) == [0, 2, 4, 8, 10, 12, 16, 18])
    #expect(melody.chords.map(\.duration) == [2, 2, 4, 2, 2, 4, 2, 2])
    #expect(melody.chords.last?.end == melody.length)
    #expect(melody.unreadableChords.isEmpty)
}

let partsTune = """
X:4
T:Parts
M:2/4
L:1/4
Y:AABA
K:D
P:A
"D"d e |"A7"f g :|
P:B
"G"a "Em/g"b |[1 "A"c' d' :|[2 "A7"e' "D"f' ||

"""

@Test("Parts are played in the order Y: (or the header's P:) gives, each with its repeats")
func abcPartOrder() throws {
    let melody = try #require(try ABCReader().read(partsTune, file: "parts.abc").first)
    // A (twice through its repeat) twice, then B with its endings, then A.
    let aPart = ["D", "A7", "D", "A7"]
    let bPart = ["G", "Em/G", "A", "G", "Em/G", "A7", "D"]
    #expect(melody.chords.map(\.symbol) == aPart + aPart + bPart + aPart)
    #expect(melody.notes.count == 8 * 3 + 8)
    #expect(melody.chords.first(where: { $0.symbol == "G" })?.onset == 16)
    let header = try #require(try ABCReader().read(partsTune.replacingOccurrences(of: "Y:AABA", with: "P:A2B"),
                                                    file: "parts.abc").first)
    #expect(header.chords.map(\.symbol) == aPart + aPart + bPart)
    let written = try #require(try ABCReader().read(partsTune.replacingOccurrences(of: "Y:AABA\n", with: ""),
                                                     file: "parts.abc").first)
    #expect(written.chords.map(\.symbol) == aPart + bPart)
    #expect(ABCReader.partSequence("(AB)2C.D") == Array("ABABCD"))
}

@Test("An unreadable chord symbol is kept with its line and the tune is read to its end")
func abcUnreadableChord() throws {
    let text = "X:1\nT:Odd\nM:2/4\nL:1/4\nK:C\n\"C\"c d |\"H9\"e f |\"G7\"g2 |]\n"
    let melody = try #require(try ABCReader().read(text, file: "odd.abc").first)
    #expect(melody.notes.count == 5)
    #expect(melody.chords.map(\.symbol) == ["C", "G7"])
    #expect(melody.chords.first?.duration == 4)
    #expect(melody.unreadableChords == [UnreadableChordSymbol(text: "H9", line: 6)])
}

@Test("A corpus import counts chords read and names unreadable symbols with their file and line")
func importReportCountsChords() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-chords-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("odd.abc")
    try Data("X:1\nT:Odd\nM:2/4\nL:1/4\nK:C\n\"C\"c d |\"H9\"e f |\"G7\"g2 |]\n".utf8).write(to: file)
    let corpus = CorpusImporter(concurrency: 1).importCorpus(name: "odd", paths: [folder])
    #expect(corpus.report.chordsRead == 2)
    #expect(corpus.report.songsWithChords == 1)
    #expect(corpus.report.unreadableChords.map(\.symbol) == ["H9"])
    #expect(corpus.report.lines.contains("chords read: 2 in 1 songs, unreadable symbols: 1"))
    #expect(corpus.report.lines.contains("  \(file.path):6: unreadable chord symbol \"H9\""))
    // The report survives the corpus file, and a report saved before chords were counted still reads.
    let saved = try JSONDecoder().decode(ImportReport.self, from: JSONEncoder().encode(corpus.report))
    #expect(saved == corpus.report)
    let old = try JSONDecoder().decode(ImportReport.self, from: Data(#"{"filesRead":3,"failures":[],"songsRead":2,"songsKept":1,"skipped":{},"licenceNotes":[]}"#.utf8))
    #expect(old.filesRead == 3 && old.chordsRead == 0 && old.unreadableChords.isEmpty)
}

@Test("A melody encoded before chords existed decodes with none")
func melodyDecodesWithoutChords() throws {
    let melody = Melody(title: "Old", notes: [.note(60, at: 0, for: 1)])
    var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(melody)) as? [String: Any])
    object["chords"] = nil
    let decoded = try JSONDecoder().decode(Melody.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(decoded == melody)
    var withChords = melody
    withChords.chords = [try #require(ChordSymbol("F#m7b5", onset: 0, duration: 1))]
    #expect(try JSONDecoder().decode(Melody.self, from: JSONEncoder().encode(withChords)) == withChords)
}

@Test("The JSON dump writes chords and reads them back")
func jsonChordsRoundTrip() throws {
    let melody = try #require(try ABCReader().read(chordTune, file: "chords.abc").first)
    let text = JSONDump.write([melody])
    #expect(text.contains(#""chords":[{"symbol":"G","root":7,"quality":"major","bass":null,"onset":0.0,"duration":2.0},"#))
    #expect(text.contains(#"{"symbol":"D7/F#","root":2,"quality":"7","bass":6,"onset":2.0,"duration":2.0}"#))
    let back = try #require(try JSONDump.read(Data(text.utf8), file: "dump.json").first)
    #expect(back.chords == melody.chords)
    #expect(JSONDump.write([Melody(notes: [.note(60, at: 0, for: 1)])]).contains(#""chords":[]"#))
    // Without a symbol the chord is spelled from the key.
    let bare = #"{"melodies":[{"key":"F major","notes":[],"chords":[{"root":10,"quality":"m7","bass":null,"onset":0,"duration":4}]}]}"#
    #expect(try JSONDump.read(Data(bare.utf8), file: "bare.json").first?.chords.first?.symbol == "Bbm7")
    let bad = #"{"melodies":[{"notes":[],"chords":[{"root":14,"quality":"7","onset":0,"duration":1}]}]}"#
    #expect(throws: JSONDumpError.self) { try JSONDump.read(Data(bad.utf8), file: "bad.json") }
    do {
        _ = try JSONDump.read(Data(bad.utf8), file: "bad.json")
    } catch {
        #expect(error.description.hasPrefix("bad.json: melody 1, chord 1:"))
    }
}

let nottingham = packageRoot.appendingPathComponent("../shared/corpora/nottingham-abc").standardized

@Test("Nearly every Nottingham tune is a lead sheet whose chord symbols read",
      .enabled(if: FileManager.default.fileExists(atPath: nottingham.path)))
func nottinghamChords() throws {
    let (files, _) = CorpusImporter.collectFiles([nottingham])
    #expect(files.count == 14)
    var tunes = 0, withChords = 0, chords = 0, unreadable: [String] = []
    for file in files {
        for melody in try ABCReader().read(contentsOf: file) {
            tunes += 1
            if !melody.chords.isEmpty { withChords += 1 }
            chords += melody.chords.count
            unreadable += melody.unreadableChords.map { "\(file.lastPathComponent) \($0)" }
            for (a, b) in zip(melody.chords, melody.chords.dropFirst()) { #expect(a.end == b.onset) }
            if let last = melody.chords.last { #expect(last.end <= melody.length) }
        }
    }
    print("Nottingham: \(tunes) tunes, \(withChords) with chords, \(chords) chords, \(unreadable.count) unreadable: \(unreadable.prefix(20))")
    #expect(tunes > 1000)
    #expect(Double(withChords) / Double(tunes) > 0.98)
    #expect(chords > 30_000)
    #expect(unreadable.count < 20)
}

@Test("Random text never crashes the chord parser; chords read from JSON come back in time order")
func chordHostileInput() throws {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("ABCDEFGabcdefgmM#b♯♭/+-()°øΔ0123456789susdimaugjh ")
    for _ in 0..<5_000 {
        let text = String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        if let chord = ChordSymbol(text) {
            #expect(ChordSymbol(chord.symbol)?.symbol == chord.symbol, "\(text)")
            #expect((0..<12).contains(chord.rootPitchClass) && (0..<12).contains(chord.bassPitchClass))
        }
    }
    let json = #"{"melodies":[{"notes":[],"chords":[{"symbol":"G","onset":2,"duration":2},{"symbol":"C","onset":0,"duration":2}]}]}"#
    let melody = try #require(try JSONDump.read(Data(json.utf8), file: "order.json").first)
    #expect(melody.chords.map(\.symbol) == ["C", "G"])
    // Chords past the last note are still written.
    let abc = ABCWriter.write([melody])
    #expect(abc.contains("\"C\"z4") && abc.contains("\"G\""))
    #expect(try ABCReader().read(abc, file: "order.abc").first?.chords.map(\.symbol) == ["C", "G"])
}
