import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LiltMusic

@Test("Keys are named by the signature with the fewest accidentals; six accidentals are flats")
func keyNames() {
    let majors = (0..<12).map { Key(tonic: $0, mode: .major).description }
    #expect(majors == ["C major", "Db major", "D major", "Eb major", "E major", "F major",
                       "Gb major", "G major", "Ab major", "A major", "Bb major", "B major"])
    let minors = (0..<12).map { Key(tonic: $0, mode: .minor).description }
    #expect(minors == ["C minor", "C# minor", "D minor", "Eb minor", "E minor", "F minor",
                       "F# minor", "G minor", "G# minor", "A minor", "Bb minor", "B minor"])
    // Modes by their relative major's signature: B♭ dorian shares A♭ major's four flats, A♯ dorian would
    // need G♯ major's eight sharps.
    #expect(Key(tonic: 10, mode: .dorian).description == "Bb dorian")
    #expect(Key(tonic: 1, mode: .mixolydian).description == "Db mixolydian")  // G♭'s six flats, not F♯'s six sharps
    #expect(Key(tonic: 6, mode: .dorian).description == "F# dorian")
    #expect(Key(tonic: 3, mode: .lydian).description == "Eb lydian")
    #expect(Key(tonic: 8, mode: .phrygian).description == "G# phrygian")
    #expect(Key(tonic: 10, mode: .locrian).description == "A# locrian")  // B major's five sharps
}

@Test("A key name reads back, in any spelling of its tonic")
func keyNamesReadBack() {
    for mode in Key.Mode.allCases {
        for tonic in 0..<12 {
            let key = Key(tonic: tonic, mode: mode)
            #expect(Key(name: key.description) == key, "\(key)")
        }
    }
    #expect(Key(name: "A# major") == Key(tonic: 10, mode: .major))
    #expect(Key(name: "Cb major") == Key(tonic: 11, mode: .major))
    #expect(Key(name: "E# minor") == Key(tonic: 5, mode: .minor))
    #expect(Key(name: "b minor") == nil)
    #expect(Key(name: "Bx major") == nil)
    #expect(Key(name: "Bb") == nil)
}

@Test("Files written in B flat and E flat name and sign the key with flats")
func flatKeysInExports() throws {
    var melody = Melody.sequence([(70, 1), (74, 1), (75, 2)])
    melody.title = "Flat"
    melody.meter = Meter(4, 4)
    melody.key = Key(tonic: 10, mode: .major)

    let abc = ABCWriter.write([melody])
    #expect(abc.split(separator: "\n").contains("K:Bb"))
    let kern = KernWriter.write([melody])
    #expect(kern.split(separator: "\n").contains("*k[b-e-]"))
    #expect(kern.split(separator: "\n").contains("*B-:"))
    let xml = MusicXMLWriter.write([melody])
    #expect(xml.contains("<key><fifths>-2</fifths><mode>major</mode></key>"))
    let dump = JSONDump.write([melody])
    #expect(dump.contains(#""key":"Bb major""#))
    #expect(try JSONDump.read(Data(dump.utf8), file: "flat.json").first?.key == melody.key)

    var minor = melody
    minor.key = Key(tonic: 3, mode: .minor)
    #expect(ABCWriter.write([minor]).split(separator: "\n").contains("K:Ebm"))
    #expect(KernWriter.write([minor]).split(separator: "\n").contains("*e-:"))
    #expect(JSONDump.write([minor]).contains(#""key":"Eb minor""#))
    // The MIDI key signature: six flats, minor.
    let midi = MIDIWriter.write(minor)
    let signature: [UInt8] = [0xFF, 0x59, 0x02, UInt8(bitPattern: -6), 0x01]
    #expect(midi.firstRange(of: signature) != nil)
}

@Test("Corpus stats name keys with flats: B flat and E flat major, not A sharp and D sharp")
func corpusStatsKeyNames() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tunes = """
        X:1\nL:1/4\nK:Bb\nB d f B\n\nX:2\nL:1/4\nK:Bb\nd c B2\n\nX:3\nL:1/4\nK:Eb\nE G B e\n
        """
    try tunes.write(to: folder.appendingPathComponent("flats.abc"), atomically: true, encoding: .utf8)
    let corpus = CorpusImporter().importCorpus(name: "flats", paths: [folder])
    let stats = CorpusStats(corpus)
    #expect(stats.keys == ["Bb major": 2, "Eb major": 1])
    #expect(stats.lines.contains("keys: Bb major ×2, Eb major ×1"))
}
