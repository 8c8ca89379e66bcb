import Foundation
import Testing
@testable import LiltMusic

/// A lead sheet in G: eighth notes under a chord a bar, then two to a bar, a slash chord (an unreadable
/// "N.C." leaves the chord before sounding).
let leadSheetABC = """
X:1
T:Lead sheet
M:2/4
L:1/8
K:G
"G"GA Bc|"D7"d2 "G"B2|"Em"e2 "Am"c2|"D7/F#"d4|"N.C."z2 "G"G2|]

"""

private func steps(_ melody: Melody) -> [String] {
    melody.notes.map { "\($0.pitch?.midi ?? -1)@\($0.onset)+\($0.duration)" }
}

private func chordLine(_ melody: Melody) -> [String] {
    melody.chords.map { "\(ChordToken($0))@\($0.onset)+\($0.duration)" }
}

@Test("A lead sheet becomes melody steps with a chord token before each step where a chord starts, and back")
func leadSheetRoundTrip() throws {
    let melody = try #require(try ABCReader().read(leadSheetABC, file: "lead.abc").first)
    let encoder = TimeStepEncoder(parameters: EncodingParameters(chords: true))
    let (prepared, shift) = encoder.prepare(melody)
    #expect(shift == 5)
    let tokens = try encoder.encode(melody).get()
    // G major moves up a fourth to C major, its chords with it: G → C, D7 → G7, Em → Am, Am → Dm.
    #expect(tokens.prefix(10).map(\.description) == ["@C", "72", "_", "74", "_", "76", "_", "77", "_", "@G7"])
    #expect(tokens.filter { !$0.isStep }.map(\.description) == ["@C", "@G7", "@C", "@Am", "@Dm", "@G7/B", "@C"])
    #expect(tokens.filter { $0.isStep }.count == 5 * 8 + 1)
    let decoded = encoder.decode(tokens)
    #expect(steps(decoded) == steps(prepared))
    #expect(chordLine(decoded) == chordLine(prepared))
    #expect(decoded.chords.map(\.symbol) == ["C", "G7", "C", "Am", "Dm", "G7/B", "C"])

    // A gap between chords is `@N`; a chord that starts off the grid starts at the step it falls in.
    var gapped = prepared
    gapped.chords = [ChordSymbol("F", onset: 0, duration: 1)!, ChordSymbol("G", onset: 2, duration: 1)!,
                     ChordSymbol("C", onset: QuarterLength(13, 4) + QuarterLength(1, 12), duration: 1)!]
    let gappedTokens = encoder.tokens(of: gapped)
    #expect(gappedTokens.filter { !$0.isStep }.map(\.description) == ["@F", "@N", "@G", "@N", "@C", "@N"])
    #expect(gappedTokens.prefix(6).map(\.description) == ["@F", "72", "_", "74", "_", "@N"])
    #expect(chordLine(encoder.decode(gappedTokens)) == ["@F@0+1", "@G@2+1", "@C@13/4+1"])
}

@Test("The vocabulary of a lead sheet orders chords after notes, by root, quality and bass, whatever the song order")
func leadSheetVocabulary() throws {
    let melody = try #require(try ABCReader().read(leadSheetABC).first)
    let other = try #require(try ABCReader().read("X:2\nL:1/4\nK:C\n\"F\"F A \"Bb\"B d|]\n").first)
    let encoder = TimeStepEncoder(parameters: EncodingParameters(chords: true))
    let songs = [try encoder.encode(melody).get(), try encoder.encode(other).get()]
    let vocabulary = Vocabulary.build(from: songs)
    #expect(Vocabulary.build(from: songs.reversed()) == vocabulary)
    let chords = vocabulary.strings.filter { $0.hasPrefix("@") }
    #expect(chords == ["@C", "@Dm", "@F", "@G7", "@G7/B", "@Am", "@A#"])
    #expect(Array(vocabulary.strings.prefix(3)) == ["/", "_", "r"])
    #expect(Vocabulary(strings: vocabulary.strings) == vocabulary)
    #expect(TimeStepToken("@Xm") == nil && TimeStepToken("@Bb") == nil, "only the canonical sharp spelling reads")
}

@Test("Without chords the encoding is the melody's alone, its parameters' JSON as before lead sheets")
func melodyEncodingUnchanged() throws {
    let melody = try #require(try ABCReader().read(leadSheetABC).first)
    var bare = melody
    bare.chords = []
    let encoder = TimeStepEncoder()
    let tokens = try encoder.encode(melody).get()
    #expect(try tokens == encoder.encode(bare).get())
    #expect(tokens.allSatisfy { $0.isStep })
    let json = String(decoding: try JSONEncoder().encode(EncodingParameters()), as: UTF8.self)
    #expect(!json.contains("chords"))
    #expect(EncodingParameters().checkpointJSON == "{\"kind\":\"timestep\",\"stepQuarterLength\":0.25}")
    let old = try JSONDecoder().decode(EncodingParameters.self, from: Data(#"{"step":0.25,"transposes":true}"#.utf8))
    #expect(old.chords == false && old.acceptableDurations == nil)
    let leadSheet = EncodingParameters(chords: true)
    #expect(try JSONDecoder().decode(EncodingParameters.self, from: JSONEncoder().encode(leadSheet)) == leadSheet)
    #expect(leadSheet.checkpointJSON.contains("\"leadsheet\""))
}

@Test("Importing lead sheets makes a lead-sheet corpus, stored and read back as one; melodies stay melodies")
func leadSheetCorpusImport() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-leadsheet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data(leadSheetABC.utf8).write(to: folder.appendingPathComponent("lead.abc"))
    try Data("X:2\nT:Bare\nL:1/4\nK:C\nC D E F|]\n".utf8).write(to: folder.appendingPathComponent("bare.abc"))
    let corpus = CorpusImporter(concurrency: 1).importCorpus(name: "lead", paths: [folder])
    #expect(corpus.parameters.chords)
    #expect(corpus.songs.count == 1 && corpus.report.skipped == ["no chord symbols in a lead-sheet corpus": 1])
    let reread = try EncodedCorpus(serialized: corpus.serialized())
    #expect(reread == corpus)
    #expect(reread.melody(at: 0).chords.count == 7)

    let melodies = CorpusImporter(concurrency: 1, chords: false).importCorpus(name: "bare", paths: [folder])
    #expect(!melodies.parameters.chords && melodies.songs.count == 2)
    #expect(melodies.vocabulary.tokens.allSatisfy { $0.isStep })
    #expect(Array(melodies.serialized()[8..<12]) == [1, 0, 0, 0], "a melody corpus is still format 1")
}

@Test("A triplet is quantized to the nearest sixteenths: a sixteenth, an eighth and a sixteenth; a melody on the grid is left alone")
func tripletQuantized() throws {
    let melody = try #require(try ABCReader().read("X:1\nT:T\nM:2/4\nL:1/8\nK:C\n\"C\"(3cde f2|\"G\"g4|]\n").first)
    let encoder = TimeStepEncoder(parameters: EncodingParameters(chords: true, quantizes: true))
    let strict = TimeStepEncoder(parameters: EncodingParameters(chords: true))
    #expect(strict.check(strict.prepare(melody).melody) == .durationNotAcceptable)
    let quantized = encoder.quantized(melody)
    #expect(quantized.notes.map(\.onset) == [0, QuarterLength(1, 4), QuarterLength(3, 4), 1, 2])
    #expect(quantized.notes.map(\.duration) == [QuarterLength(1, 4), QuarterLength(1, 2), QuarterLength(1, 4), 1, 2])
    #expect(quantized.chords.map(\.onset) == [0, 2])
    #expect(encoder.check(encoder.prepare(melody).melody) == nil)
    let onGrid = try #require(try ABCReader().read("X:1\nT:T\nM:2/4\nL:1/8\nK:C\n\"C\"cd ef|\"G\"g4|]\n").first)
    #expect(encoder.quantized(onGrid) == onGrid)
}

@Test("A lead-sheet corpus keeps its songs with triplets, quantized and counted; a melody corpus leaves them out unless asked")
func quantizingImport() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-quantize-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data(leadSheetABC.utf8).write(to: folder.appendingPathComponent("lead.abc"))
    try Data("X:3\nT:Triplets\nM:2/4\nL:1/8\nK:G\n\"G\"(3GAB c2|\"D7\"d4|]\n".utf8).write(to: folder.appendingPathComponent("triplets.abc"))
    let corpus = CorpusImporter(concurrency: 1).importCorpus(name: "lead", paths: [folder])
    #expect(corpus.parameters.chords && corpus.parameters.quantizes)
    #expect(corpus.songs.count == 2 && corpus.report.songsQuantized == 1 && corpus.report.skipped.isEmpty)
    #expect(corpus.report.lines.contains { $0.contains("quantized 1") })
    let reread = try EncodedCorpus(serialized: corpus.serialized())
    #expect(reread == corpus && reread.parameters.quantizes)

    let strict = CorpusImporter(concurrency: 1, quantizes: false).importCorpus(name: "strict", paths: [folder])
    #expect(strict.songs.count == 1 && strict.report.skipped == ["a duration outside the acceptable set": 1])
    #expect(!strict.parameters.quantizes && strict.report.songsQuantized == 0)
    let melodies = CorpusImporter(concurrency: 1, chords: false).importCorpus(name: "bare", paths: [folder])
    #expect(melodies.songs.count == 1 && !melodies.parameters.quantizes)
    #expect(Array(melodies.serialized()[8..<12]) == [1, 0, 0, 0], "a melody corpus is still format 1")
    let asked = CorpusImporter(concurrency: 1, chords: false, quantizes: true).importCorpus(name: "asked", paths: [folder])
    #expect(asked.songs.count == 2 && asked.parameters.quantizes)
}
