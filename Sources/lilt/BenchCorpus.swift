import ArgumentParser
import Foundation
import LiltAudio
import LiltMusic

/// `lilt bench corpus`: a cold import of a collection (files/s, songs/s) and the time to load it back.
struct BenchCorpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Time a cold corpus import (default: the Essen collection in ABC) and the cached load.")

    @Argument(help: "Files or folders to import (default: Corpora/essen-abc of the checkout).")
    var paths: [String] = []

    @Option(help: "Times to repeat each measurement (the best is reported).")
    var repeats = 3

    func run() throws {
        var inputs = paths.map { URL(fileURLWithPath: $0) }
        if inputs.isEmpty {
            guard let folder = ProjectLayout.searchRoots().map({ $0.appendingPathComponent("Corpora/essen-abc") })
                .first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw CommandError("Corpora/essen-abc is not installed: run Scripts/install-corpora, or pass paths")
            }
            inputs = [folder]
        }
        print("machine: \(BenchMachine.summary), \(ProcessInfo.processInfo.operatingSystemVersionString)")
        print("input: " + inputs.map(\.path).joined(separator: ", "))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = CorpusStore(directory: scratch)

        var bestImport = Double.infinity
        var firstImport: Double?
        var corpus: EncodedCorpus?
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now()
            let imported = CorpusImporter().importCorpus(name: "bench", paths: inputs)
            try store.save(imported)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            bestImport = min(bestImport, seconds)
            if firstImport == nil { firstImport = seconds }
            corpus = imported
        }
        guard let corpus else { return }
        let report = corpus.report
        let files = report.filesRead + report.filesFailed
        print(String(format: "first import (files possibly not yet in the OS cache): %.3f s", firstImport ?? 0))
        print(String(format: "cold import (parse + encode + store, best of %d): %.3f s for %d files, %d songs read, %d kept (%.0f files/s, %.0f songs/s)",
                     max(1, repeats), bestImport, files, report.songsRead, report.songsKept,
                     Double(files) / bestImport, Double(report.songsRead) / bestImport))
        var bestLoad = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now()
            let loaded = try store.load("bench")
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            precondition(loaded.songs.count == corpus.songs.count)
            bestLoad = min(bestLoad, seconds)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: store.url(for: "bench").path)[.size] as? Int) ?? 0
        print(String(format: "cached load (best of %d): %.4f s (%d songs, %d tokens, %d bytes on disk)", max(1, repeats), bestLoad,
                     corpus.songs.count, corpus.tokenCount, size))
        print(String(format: "targets: cold import ≤ 3 s: %@, cached load ≤ 0.2 s: %@",
                     bestImport <= 3 ? "met" : "NOT met", bestLoad <= 0.2 ? "met" : "NOT met"))
    }
}
