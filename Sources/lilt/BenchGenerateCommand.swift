import ArgumentParser
import Foundation
import LiltCompose
import LiltMusic
import LiltNN

/// `lilt bench generate`: generation and originality speed with the default model.
struct BenchGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Measure generation speed (64 bars; 8 variations of 16 bars) and originality queries.",
        discussion: """
            Figures are medians over --repeats runs, each from loading nothing (the model is loaded once) to \
            the finished takes: the session is created, primed and run. Originality: a 64-bar melody \
            against an index of the corpus (essen-abc when imported, else the model's own corpus).
            """)

    @Option(help: "The model file or folder (default: the default model).") var model: String?
    @Option(help: "The corpus for the originality index (default: essen-abc, else the model's).") var corpus: String?
    @Option(help: "Runs per figure (the median is printed).") var repeats = 15
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let music = try ModelArgument.load(model)
        let config = music.network.config
        let clock = ContinuousClock()
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func time(_ body: () throws -> Void) rethrows -> Double {
            var values: [Double] = []
            for _ in 0..<max(1, repeats) {
                let start = clock.now
                try body()
                values.append(ms(clock.now - start))
            }
            return median(values)
        }
        var long = GenerationControls()
        long.length = .bars(64)
        long.stopAtEnd = false
        var takes: [Take] = []
        let longMs = try time { takes = try Composer.generate(model: music, seed: Seed(), controls: long) }
        var batch = GenerationControls()
        batch.length = .bars(16)
        batch.stopAtEnd = false
        batch.variations = 8
        let batchMs = try time { _ = try Composer.generate(model: music, seed: Seed(), controls: batch) }

        let store = CorpusStore(directory: DataLocations().corpora)
        let name = corpus ?? (store.names().contains("essen-abc") ? "essen-abc" : music.trainingInfo?.corpus ?? "")
        var originalityMs: Double? = nil, indexMs: Double? = nil, songs = 0, steps = 0
        if let encoded = try? store.load(name) {
            let start = clock.now
            let index = OriginalityIndex(corpus: encoded)
            indexMs = ms(clock.now - start)
            songs = encoded.songs.count
            steps = encoded.tokenCount
            let melody = takes[0].tokens
            originalityMs = time { _ = index.originality(of: melody) }
        }
        if json {
            var object: [String: Any] = ["generate64BarsMs": longMs, "variations8x16BarsMs": batchMs,
                                         "model": ["layers": config.layers, "hidden": config.hidden,
                                                   "vocabulary": config.vocabularySize]]
            if let originalityMs, let indexMs {
                object["originalityMs"] = originalityMs
                object["originalityIndexMs"] = indexMs
                object["corpus"] = name
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("machine: \(BenchMachine.summary); OpenBLAS \(BLASInfo.coreName)")
        print("model \(config.layers) × LSTM \(config.hidden), "
              + "vocabulary \(config.vocabularySize), \(music.file?.path ?? "")")
        print(String(format: "64-bar melody (1 stream, %d steps):      %8.2f ms   (target ≤ 50 ms)", takes[0].tokens.count, longMs))
        print(String(format: "8 variations of 16 bars (one batch):     %8.2f ms   (target ≤ 100 ms)", batchMs))
        if let originalityMs, let indexMs {
            print(String(format: "originality of one 64-bar melody:       %8.3f ms   (target ≤ 10 ms) against '%@' "
                         + "(%d songs, %d steps; index built once in %.0f ms)", originalityMs, name, songs, steps, indexMs))
        } else {
            print("originality: no corpus '\(name)' imported (import Corpora/essen-abc as essen-abc, or pass --corpus)")
        }
        print("medians of \(repeats) runs")
    }
}
