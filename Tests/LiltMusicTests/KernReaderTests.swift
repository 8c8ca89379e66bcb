import Foundation
import Testing
@testable import LiltMusic

/// A tune exercising most of kern: metadata, dotted notes, a tie over two barlines, a grace note,
/// triplets, a key-signature sharp written out, a spine split with a chord, a rest and a flat.
let kernTune = """
!!!OTL: Test Tune
!! a comment
**kern\t**text
*M3/4\t*
*k[f#]\t*
*G:\t*
*MM96\t*
=1\t=1
4.g\tla
8a\t.
4b\t.
=2\t=2
2cc[\t.
4cc_\t.
=3\t=3
4cc]\t.
8qdd\t.
12b\t.
12a\t.
12g\t.
4f#\t.
=4\t=4
*^\t*
4g\t4B\t.
4e 4g\t4c\t.
4d\t4D\t.
*v\t*v\t*
=5\t=5
4r\t.
8.dd-\t.
16ccn\t.
(4BB-)\t.
==\t==
*-\t*-

"""

@Test("A kern tune is read to exact pitches, onsets and durations with its metadata")
func kernExactNotes() throws {
    let melodies = try KernReader().read(kernTune, file: "test.krn")
    #expect(melodies.count == 1)
    let melody = try #require(melodies.first)
    #expect(melody.title == "Test Tune")
    #expect(melody.key == Key(tonic: 7, mode: .major))
    #expect(melody.meter == Meter(3, 4))
    #expect(melody.tempo == 96)
    let third = QuarterLength(1, 3)
    let expected: [(Int?, QuarterLength, QuarterLength)] = [
        (67, 0, QuarterLength(3, 2)), (69, QuarterLength(3, 2), QuarterLength(1, 2)), (71, 2, 1),
        (72, 3, 4),  // 2cc[ 4cc_ 4cc] merged across two barlines
        (71, 7, third), (69, 7 + third, third), (67, 7 + third + third, third),  // triplets; grace left out
        (66, 8, 1),
        (67, 9, 1), (67, 10, 1), (62, 11, 1),  // left sub-spine of the split; the chord's top note
        (nil, 12, 1), (73, 13, QuarterLength(3, 4)), (72, QuarterLength(55, 4), QuarterLength(1, 4)), (46, 14, 1),
    ]
    #expect(melody.notes.count == expected.count)
    for (note, want) in zip(melody.notes, expected) {
        #expect(note.pitch?.midi == want.0, "\(note)")
        #expect(note.onset == want.1, "\(note)")
        #expect(note.duration == want.2, "\(note)")
    }
    #expect(melody.source == SourceLocation(file: "test.krn", line: 3, detail: "spine 1"))
    #expect(melody.pickup == nil)  // the first bar line comes before the first note
    let pickup = try KernReader().read("**kern\n*M3/4\n4c\n=1\n2.d\n*-\n").first
    #expect(pickup?.pickup == 1)
}

@Test("Kern durations: breves, rational recips, double dots; octaves above and below middle C")
func kernDurations() throws {
    let text = "**kern\n0C\n3%2c\n4..cc\n1CC\n00r\n*-\n"
    let melody = try #require(try KernReader().read(text).first)
    #expect(melody.notes.map(\.duration) == [8, QuarterLength(8, 3), QuarterLength(7, 4), 4, 16])
    #expect(melody.notes.map { $0.pitch?.midi } == [48, 60, 72, 36, nil])
}

@Test("A named or numbered kern spine is chosen; a missing one is an error")
func kernSpineChoice() throws {
    let text = "**kern\t**kern\n*I\"Bass\t*I\"Tenor\n4C\t4c\n4D\t4d\n*-\t*-\n"
    #expect(try KernReader().read(text).first?.notes.map { $0.pitch?.midi } == [48, 50])
    #expect(try KernReader(spine: .named("Tenor")).read(text).first?.notes.map { $0.pitch?.midi } == [60, 62])
    #expect(try KernReader(spine: .index(1)).read(text).first?.notes.map { $0.pitch?.midi } == [60, 62])
    #expect(throws: KernError.spineNotFound(file: "<text>", spine: "Alto")) {
        try KernReader(spine: .named("Alto")).read(text)
    }
}

@Test("Kern without a key designation takes the key from the signature; errors name the line")
func kernSignatureAndErrors() throws {
    let minor = "**kern\n*k[b-e-]\n4g\n4b-\n4dd\n4g\n2g\n*-\n"
    #expect(try KernReader().read(minor).first?.key == Key(tonic: 7, mode: .minor))
    #expect(throws: KernError.noKernSpine(file: "<text>")) { try KernReader().read("**text\nla\n*-\n") }
    #expect(throws: KernError.malformed(file: "<text>", line: 3, token: "cc", reason: "note without a duration")) {
        try KernReader().read("**kern\n4c\ncc\n*-\n")
    }
}

@Test("DOS code page and Latin-1 titles are read, not rejected")
func kernEncodings() throws {
    var dos = Array("!!!OTL: Gr".utf8) + [0x81] + Array("n\n**kern\n4c\n*-\n".utf8)
    #expect(try KernReader().read(dos, file: "dos.krn").first?.title == "Grün")
    dos = Array("!!!OTL: Gr".utf8) + [0xFC] + Array("n\n**kern\n4c\n*-\n".utf8)
    #expect(try KernReader().read(dos, file: "latin1.krn").first?.title == "Grün")
}

/// The package's root folder, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let essenKern = packageRoot.appendingPathComponent("../shared/corpora/essen-kern").standardized

@Test("Nearly every Essen kern file is read (≥ 99.5%)",
      .enabled(if: FileManager.default.fileExists(atPath: essenKern.path)))
func essenKernImport() throws {
    let (files, _) = CorpusImporter.collectFiles([essenKern])
    #expect(files.count > 5000)
    var failed: [String] = []
    var notes = 0
    for file in files {
        do {
            let melodies = try KernReader().read(contentsOf: file)
            notes += melodies.reduce(0) { $0 + $1.notes.count }
        } catch {
            failed.append("\(error)")
        }
    }
    #expect(Double(files.count - failed.count) / Double(files.count) >= 0.995, "\(failed.prefix(10))")
    #expect(notes > 200_000)
}

@Test("Kern: added, exchanged and ended spines, and several pieces in one file")
func kernSpineManipulators() throws {
    let text = """
    !!!OTL: One
    **kern\t**dynam
    4c\tp
    *\t*+
    *\t*\t**kern
    4d\t.\t4G
    *x\t*x\t*
    .\t4e\t4A
    *-\t*-\t*-
    !!!OTL: Two
    **kern
    2g
    *-

    """
    let melodies = try KernReader().read(text)
    #expect(melodies.map(\.title) == ["One", "Two"])
    // The first **kern spine is followed through the exchange.
    #expect(melodies[0].notes.map { $0.pitch!.midi } == [60, 62, 64])
    #expect(melodies[0].notes.map(\.onset) == [0, 1, 2])
    let firstPiece = text.components(separatedBy: "!!!OTL: Two")[0]
    #expect(try KernReader(spine: .index(1)).read(firstPiece)[0].notes.map { $0.pitch!.midi } == [55, 57])
    #expect(throws: KernError.spineNotFound(file: "<text>", spine: "1")) { try KernReader(spine: .index(1)).read(text) }
    #expect(melodies[1].notes == [.note(67, at: 0, for: 2)])
}
