import ArgumentParser
import Foundation
import LiltCompose
import LiltMusic
import LiltNN

/// `lilt bench generate`: generation and originality speed with the default model; with a lead-sheet model,
/// harmonizing and writing over given chords too.
struct BenchGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Measure generation speed (64 bars; 8 variations of 16 bars), originality queries, and with a "
            + "lead-sheet model harmonizing and writing over given chords (32 bars).",
        discussion: """
            Figures are medians over --repeats runs after one warm-up run, each from loading nothing (the \
            model is loaded once) to the finished takes: the session is created, primed and run. \
            Originality: a 64-bar melody against an index of the corpus (essen-abc when imported, else the \
            model's own corpus). A model trained on lead sheets (--model) adds: a 32-bar melody of its own \
            harmonized (half-bar changes, the harmonizer's default beam and candidates), and a 32-bar melody \
            written over that melody's chords beside one written with the chords drawn freely, and their \
            ratio. A model without chords skips these and says so.
            """)

    @Option(help: "The model file or folder (default: the default model).") var model: String?
    @Option(help: "The corpus for the originality index (default: essen-abc, else the model's).") var corpus: String?
    @Option(help: "Runs per figure (the median is printed).") var repeats = 15
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let music = try ModelArgument.load(model)
        let config = music.network.config
        let timer = BenchTimer(repeats: repeats)
        func time(_ body: () throws -> Void) rethrows -> Double { try timer.median(body) }
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
            let (index, buildMs) = timer.once { OriginalityIndex(corpus: encoded) }
            indexMs = buildMs
            songs = encoded.songs.count
            steps = encoded.tokenCount
            let melody = takes[0].tokens
            originalityMs = time { _ = index.originality(of: melody) }
        }
        let leadSheet = music.encoding.chords ? try LeadSheetFigures.measure(model: music, timer: timer) : nil
        let noChords = "skipped: the model was not trained on chords (pass --model with a model of a lead-sheet corpus)"

        if json {
            var object: [String: Any] = ["generate64BarsMs": longMs, "variations8x16BarsMs": batchMs,
                                         "model": ["layers": config.layers, "hidden": config.hidden,
                                                   "vocabulary": config.vocabularySize]]
            if let originalityMs, let indexMs {
                object["originalityMs"] = originalityMs
                object["originalityIndexMs"] = indexMs
                object["corpus"] = name
            }
            if let leadSheet {
                object["leadSheet"] = ["harmonize32BarsMs": leadSheet.harmonizeMs, "changePoints": leadSheet.changePoints,
                                       "overGivenChords32BarsMs": leadSheet.overChordsMs, "givenChords": leadSheet.givenChords,
                                       "overGivenChordsTokens": leadSheet.overChordsTokens,
                                       "freeChords32BarsMs": leadSheet.freeMs, "freeChords": leadSheet.freeChords,
                                       "freeChordsTokens": leadSheet.freeTokens, "overGivenToFreeRatio": leadSheet.ratio]
            } else {
                object["leadSheet"] = noChords
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("machine: \(BenchMachine.summary); OpenBLAS \(BLASInfo.coreName)")
        print("model \(config.layers) × LSTM \(config.hidden), "
              + "vocabulary \(config.vocabularySize), \(music.file?.path ?? "")")
        let longSteps = takes[0].tokens.count { $0.isStep }, longChords = takes[0].tokens.count - longSteps
        print(String(format: "64-bar melody (1 stream, %d steps):      %8.2f ms   (target ≤ 50 ms)%@", longSteps, longMs,
                     longChords > 0 ? " and \(longChords) chord tokens" : ""))
        print(String(format: "8 variations of 16 bars (one batch):     %8.2f ms   (target ≤ 100 ms)", batchMs))
        if let originalityMs, let indexMs {
            print(String(format: "originality of one 64-bar melody:       %8.3f ms   (target ≤ 10 ms) against '%@' "
                         + "(%d songs, %d steps; index built once in %.0f ms)", originalityMs, name, songs, steps, indexMs))
        } else {
            print("originality: no corpus '\(name)' imported (import Corpora/essen-abc as essen-abc, or pass --corpus)")
        }
        if let l = leadSheet {
            print(String(format: "32-bar melody harmonized:               %8.2f ms   (target ≤ 50 ms) "
                         + "half bars, %d change points, beam %d, %d candidates",
                         l.harmonizeMs, l.changePoints, l.beamWidth, l.candidates))
            print(String(format: "32-bar melody over given chords:        %8.2f ms   %d chords, %d tokens",
                         l.overChordsMs, l.givenChords, l.overChordsTokens))
            print(String(format: "32-bar melody, chords drawn freely:     %8.2f ms   %d chords, %d tokens",
                         l.freeMs, l.freeChords, l.freeTokens))
            print(String(format: "over given chords / drawn freely:       %8.2f      (target ≈ 1)", l.ratio))
        } else {
            print("lead-sheet figures: \(noChords)")
        }
        print("medians of \(repeats) runs after a warm-up run")
    }
}

/// The lead-sheet figures of `lilt bench generate`, in milliseconds.
struct LeadSheetFigures {
    var harmonizeMs: Double
    var changePoints: Int
    var beamWidth: Int
    var candidates: Int
    var overChordsMs: Double
    var givenChords: Int
    var overChordsTokens: Int
    var freeMs: Double
    var freeChords: Int
    var freeTokens: Int
    var ratio: Double { overChordsMs / freeMs }

    /// Times with `timer`: a 32-bar melody with chords drawn freely, harmonized at half bars by the default
    /// `Harmonizer`; then, in turns, a 32-bar melody over the free take's chords (so both runs feed about
    /// as many chord tokens; the harmonized chords when the model drew none) and one with chords drawn
    /// freely again.
    static func measure(model: MusicModel, timer: BenchTimer) throws -> LeadSheetFigures {
        var controls = GenerationControls()
        controls.length = .bars(32)
        controls.stopAtEnd = false
        let seed = Seed(meter: Meter(4, 4))
        func writeFreely() throws -> Take? { try Composer.generate(model: model, seed: seed, controls: controls).first }
        guard let free = try writeFreely() else { throw CommandError("no take was generated") }
        var bare = free.melody
        bare.chords = []
        let harmonizer = Harmonizer(model: model)
        var harmonized: Harmonizer.Result?
        let harmonizeMs = try timer.median { harmonized = try harmonizer.harmonize(bare, changes: .half, name: "32-bar melody") }
        guard let harmonized else { throw CommandError("the melody was not harmonized") }
        // The take is in the model's key (no seed moved it), so its chords go in as they are.
        let chords = free.melody.chords.isEmpty ? harmonized.melody.chords : free.melody.chords
        var over: Take?
        let (overMs, freeMs) = try timer.medians({
            let given = try GivenChords(chords, model: model, name: "32-bar melody's chords", shift: 0)
            over = try Composer.generate(model: model, seed: seed, controls: controls, givenChords: given).first
        }, { _ = try writeFreely() })
        guard let over else { throw CommandError("no take was generated over the chords") }
        func chordTokens(_ take: Take) -> Int { take.tokens.count { !$0.isStep } }
        return LeadSheetFigures(harmonizeMs: harmonizeMs, changePoints: harmonized.changePoints,
                                beamWidth: harmonizer.beamWidth, candidates: harmonizer.candidates,
                                overChordsMs: overMs, givenChords: chordTokens(over), overChordsTokens: over.tokens.count,
                                freeMs: freeMs, freeChords: chordTokens(free), freeTokens: free.tokens.count)
    }
}

/// Times a benchmark's bodies: medians in milliseconds of `repeats` runs after a warm-up run, since page
/// faults and cold caches are not what a user waits for twice.
struct BenchTimer {
    var repeats: Int
    let clock = ContinuousClock()

    /// One run's result and time.
    func once<Result>(_ body: () throws -> Result) rethrows -> (result: Result, ms: Double) {
        let start = clock.now
        let result = try body()
        let elapsed = clock.now - start
        return (result, Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }

    func median(_ body: () throws -> Void) rethrows -> Double {
        try body()
        return Self.median(try (0..<max(1, repeats)).map { _ in try once(body).ms })
    }

    /// Two bodies' medians, run in turns, so a change of load on a shared machine touches both alike and
    /// their ratio holds.
    func medians(_ first: () throws -> Void, _ second: () throws -> Void) rethrows -> (Double, Double) {
        try first()
        try second()
        var firstValues: [Double] = [], secondValues: [Double] = []
        for _ in 0..<max(1, repeats) {
            firstValues.append(try once(first).ms)
            secondValues.append(try once(second).ms)
        }
        return (Self.median(firstValues), Self.median(secondValues))
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
