import Foundation
import Testing

/// The package's root folder, found from this file's path.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func scratchFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Test("lilt corpus import, list and stats over the samples, with the report and JSON figures")
func corpusImportListStats() throws {
    let cache = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    let environment = ["XDG_CACHE_HOME": cache.path]
    let samples = packageRoot.appendingPathComponent("Corpora/samples").path
    let missing = cache.appendingPathComponent("nothing-here").path
    let (status, output) = try runLilt(["corpus", "import", samples, missing, "--name", "samples"], environment: environment)
    #expect(status == 0, "\(output)")
    #expect(output.contains("files read: 15, failed: 1"), "\(output)")
    #expect(output.contains("songs read: 15, kept: 15"), "\(output)")
    #expect(output.contains("nothing-here: no such file or folder"))
    #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("lilt/corpora/samples.liltcorpus").path))

    let list = try runLilt(["corpus", "list"], environment: environment)
    #expect(list.status == 0)
    #expect(list.output.contains("samples\t15 songs"))

    let stats = try runLilt(["corpus", "stats", "samples", "--json"], environment: environment)
    #expect(stats.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
    #expect(object["songs"] as? Int == 15)
    #expect((object["vocabularySize"] as? Int ?? 0) > 10)
    #expect((object["meters"] as? [String: Int])?["4/4"] == 7)
    let text = try runLilt(["corpus", "stats", "samples"], environment: environment)
    #expect(text.output.contains("pitch range:"))

    let unknown = try runLilt(["corpus", "stats", "nope"], environment: environment)
    #expect(unknown.status != 0)
    #expect(unknown.output.contains("no corpus named 'nope'"))
}

private let essenKern = packageRoot.appendingPathComponent("../shared/corpora/essen-kern").standardized
private let midiSamples = packageRoot.appendingPathComponent("../shared/corpora/midi-samples").standardized

@Test("lilt corpus import reads ≥ 99.5% of the Essen kern files and every real MIDI sample",
      .enabled(if: FileManager.default.fileExists(atPath: essenKern.path)))
func corpusImportRealData() throws {
    let cache = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    let environment = ["XDG_CACHE_HOME": cache.path]
    let (status, output) = try runLilt(["corpus", "import", essenKern.path, "--name", "essen"], environment: environment)
    #expect(status == 0, "\(output)")
    let numbers = output.firstMatch(of: /files read: (\d+), failed: (\d+)/)
    let read = Int(numbers?.1 ?? "") ?? 0, failed = Int(numbers?.2 ?? "") ?? 0
    #expect(read + failed == 5365)
    #expect(Double(read) / 5365 >= 0.995, "\(output)")

    if FileManager.default.fileExists(atPath: midiSamples.path) {
        let midi = try runLilt(["corpus", "import", midiSamples.path, "--name", "midi", "--any-duration"],
                               environment: environment)
        #expect(midi.status == 0)
        #expect(midi.output.contains("files read: 22, failed: 0"), "\(midi.output)")
    }
}
