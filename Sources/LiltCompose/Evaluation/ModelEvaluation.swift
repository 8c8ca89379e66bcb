import Foundation
import LiltMusic
import LiltNN

/// Everything `lilt eval` reports about a model against a corpus.
public struct ModelEvaluation: Sendable, Codable {
    public var corpus: String
    public var model: HeldOutResult?
    public var ngram: HeldOutResult
    public var ngramOrder: Int
    public var comparison: CorpusComparison
    public var originality: OriginalitySummary
    public var generatedMelodies: Int
    /// For a lead-sheet model: melody cross-entropy with and without chords, harmonization accuracy (set by
    /// the caller from `HarmonyEvaluation.run`; absent otherwise).
    public var harmony: HarmonyEvaluation? = nil

    /// Originality over the generated melodies.
    public struct OriginalitySummary: Sendable, Codable, Equatable {
        public var meanLongestSharedSteps: Double
        public var meanLongestSharedBars: Double
        public var maxLongestSharedSteps: Int
        public var meanSharedPatternShare: Double
        /// Building the index over the corpus, and the mean query per melody (milliseconds).
        public var indexMilliseconds: Double
        public var queryMilliseconds: Double
    }

    /// Scores `model` on the held-out songs of `corpus` (the split stored in the model when it was trained
    /// on that corpus, else seed 1 and 10%), the 5-gram baseline on the same songs, and `generated`
    /// melodies of `bars` bars (no seed, random seeds 1…N, as one batch) against the whole corpus.
    public static func run(model: MusicModel, corpus: EncodedCorpus, generated: Int = 100, bars: Int = 16,
                           controls base: GenerationControls = GenerationControls()) throws -> ModelEvaluation {
        let info = model.trainingInfo.flatMap { $0.corpus == corpus.name ? $0 : nil }
        let heldOut = HeldOutEvaluation(corpus: corpus, seed: info?.seed ?? 1, validationFraction: info?.validationFraction ?? 0.1)
        let sameVocabulary = model.vocabulary == corpus.vocabulary
        let modelResult = sameVocabulary ? heldOut.evaluate(model) : nil
        let ngram = heldOut.evaluateNGram(order: 5)

        var controls = base
        controls.length = .bars(bars)
        controls.variations = max(1, generated)
        let takes = generated > 0 ? try Composer.generate(model: model, seed: Seed(), controls: controls) : []
        let corpusTokens = corpus.songs.map { corpus.vocabulary.tokens(at: $0.tokens) ?? [] }
        let comparison = CorpusComparison(generated: takes.map { MelodyStatistics($0.tokens) },
                                          corpus: corpusTokens.map(MelodyStatistics.init), step: corpus.parameters.step)
        let clock = ContinuousClock()
        let start = clock.now
        let index = OriginalityIndex(corpus: corpus)
        let built = clock.now
        let results = takes.map { index.originality(of: $0.tokens, stepsPerBar: 16) }
        let queried = clock.now
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        let n = Double(max(results.count, 1))
        let shares = results.compactMap(\.sharedPatternShare)
        let summary = OriginalitySummary(
            meanLongestSharedSteps: results.reduce(0) { $0 + Double($1.longestSharedSteps) } / n,
            meanLongestSharedBars: results.reduce(0) { $0 + $1.longestSharedBars } / n,
            maxLongestSharedSteps: results.map(\.longestSharedSteps).max() ?? 0,
            meanSharedPatternShare: shares.isEmpty ? 0 : shares.reduce(0, +) / Double(shares.count),
            indexMilliseconds: ms(built - start), queryMilliseconds: ms(queried - built) / n)
        return ModelEvaluation(corpus: corpus.name, model: modelResult, ngram: ngram, ngramOrder: 5, comparison: comparison,
                               originality: summary, generatedMelodies: takes.count)
    }
}
