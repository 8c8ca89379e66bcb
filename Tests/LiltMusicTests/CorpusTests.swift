import Foundation
import Testing
@testable import LiltMusic

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Test("A corpus import reads folders recursively, keeps going past bad files and reports reasons")
func corpusImportReport() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let sub = folder.appendingPathComponent("sub")
    try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
    try "**kern\n*k[f#]\n*G:\n4g\n8a\n8b\n2g\n*-\n".write(to: folder.appendingPathComponent("a.krn"), atomically: true, encoding: .utf8)
    try "**kern\n4c\n5d\n*-\n".write(to: sub.appendingPathComponent("quintuplet.krn"), atomically: true, encoding: .utf8)
    try "**kern\n4c\n4q\n*-\n!!!OTL: x\n**kern\n4c\nc\n".write(to: sub.appendingPathComponent("bad.krn"), atomically: true, encoding: .utf8)
    try Data(MIDIWriter.write(Melody.sequence([(60, 1), (64, 1), (67, 2)]))).write(to: sub.appendingPathComponent("c.mid"))
    try "ignored".write(to: sub.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    try "Collection licence: testing only.".write(to: folder.appendingPathComponent(CorpusImporter.licenceNoteFile),
                                                  atomically: true, encoding: .utf8)

    let corpus = CorpusImporter(concurrency: 2).importCorpus(name: "t", paths: [folder, folder.appendingPathComponent("missing")])
    let report = corpus.report
    #expect(report.filesRead == 3)
    #expect(report.filesFailed == 2)
    #expect(report.failures.contains { $0.reason.contains("bad.krn:8") && $0.reason.contains("without a duration") })
    #expect(report.failures.contains { $0.reason.contains("missing") })
    #expect(report.songsRead == 3)
    #expect(report.songsKept == 2)
    #expect(report.skipped == [EncodingSkipReason.durationNotAcceptable.rawValue: 1])
    #expect(report.licenceNotes == ["Collection licence: testing only."])
    // The G major tune is stored in C major.
    let first = try #require(corpus.songs.first { $0.source.file.hasSuffix("a.krn") })
    #expect(first.key == Key(tonic: 7, mode: .major))
    #expect(first.transposition == 5)
    let decoded = corpus.melody(at: corpus.songs.firstIndex(of: first)!)
    #expect(decoded.notes.map { $0.pitch?.midi } == [72, 74, 76, 72])
    #expect(decoded.notes.map(\.duration) == [1, QuarterLength(1, 2), QuarterLength(1, 2), 2])
}

@Test("An encoded corpus survives the binary cache; damaged cache files are errors")
func corpusCacheRoundTrip() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try "**kern\n!!!OTL: Ä tune\n*M2/4\n*C:\n4c\n4e\n=\n4.g\n8r\n=\n2cc\n*-\n".write(
        to: folder.appendingPathComponent("x.krn"), atomically: true, encoding: .utf8)
    let corpus = CorpusImporter().importCorpus(name: "cache-test", paths: [folder])
    let store = CorpusStore(directory: folder.appendingPathComponent("cache"))
    try store.save(corpus)
    #expect(store.names() == ["cache-test"])
    let loaded = try store.load("cache-test")
    #expect(loaded == corpus)
    #expect(loaded.songs[0].meter == Meter(2, 4))
    let stats = CorpusStats(loaded)
    #expect(stats.durations == ["1": 2, "3/2": 1, "1/2": 1, "2": 1])
    #expect(stats.lowestPitch == 60 && stats.highestPitch == 72)

    let bytes = corpus.serialized()
    for cut in stride(from: 0, to: bytes.count, by: 7) {
        #expect(throws: CorpusError.self) { try EncodedCorpus(serialized: Array(bytes[0..<cut])) }
    }
    #expect(throws: CorpusError.notFound(name: "nope", directory: store.directory.path)) { try store.load("nope") }
    #expect(throws: CorpusError.invalidName("../x")) { try store.load("../x") }
}

let installedCorpora = packageRoot.appendingPathComponent("Corpora")

@Test("The installed Essen ABC collection: all 8,514 tunes read; O'Neill's and Ryan's without failures",
      .enabled(if: FileManager.default.fileExists(atPath: installedCorpora.appendingPathComponent("essen-abc").path)))
func installedCollections() throws {
    let essen = CorpusImporter().importCorpus(name: "essen", paths: [installedCorpora.appendingPathComponent("essen-abc")])
    #expect(essen.report.songsRead == 8514)
    #expect(essen.report.filesFailed == 0)
    #expect(essen.report.songsKept > 7000)
    #expect(essen.report.licenceNotes.first?.contains("NON-COMMERCIAL") == true)
    for name in ["oneills1850", "ryans-mammoth"] {
        let corpus = CorpusImporter().importCorpus(name: name, paths: [installedCorpora.appendingPathComponent(name)])
        #expect(corpus.report.filesFailed == 0, "\(corpus.report.failures.prefix(3))")
        #expect(corpus.report.songsRead >= 1000)
    }
}

@Test("A corpus decodes back to the melodies it was made from, on the grid and transposed")
func corpusDecodeRoundTrip() throws {
    let samples = installedCorpora.appendingPathComponent("samples")
    let corpus = CorpusImporter().importCorpus(name: "s", paths: [samples])
    #expect(corpus.songs.count == 15)
    let encoder = TimeStepEncoder(parameters: corpus.parameters)
    for (index, song) in corpus.songs.enumerated() {
        let original = try #require(try MusicFile.read(URL(fileURLWithPath: song.source.file)).first)
        let prepared = encoder.prepare(original).melody
        let decoded = encoder.decode(indices: song.tokens, vocabulary: corpus.vocabulary)
        #expect(decoded.notes.map { $0.pitch?.midi } == prepared.notes.map { $0.pitch?.midi }, "\(song.source)")
        #expect(decoded.notes.map(\.duration) == prepared.notes.map(\.duration), "\(song.source)")
        #expect(corpus.melody(at: index).notes == decoded.notes)
        #expect(song.tokens.last == corpus.endTokenIndex)
    }
}
