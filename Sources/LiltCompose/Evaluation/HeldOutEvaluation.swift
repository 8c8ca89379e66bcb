import Foundation
import LiltMusic
import LiltNN

/// Cross-entropy (nats per step) and perplexity over held-out songs: over all steps (each token and the
/// closing `/`), and over onsets only (steps whose target starts a note or a rest).
public struct HeldOutResult: Sendable, Codable, Equatable {
    public var songs: Int
    public var steps: Int
    public var onsetSteps: Int
    public var crossEntropy: Double
    public var onsetCrossEntropy: Double
    public var perplexity: Double { exp(crossEntropy) }
    public var onsetPerplexity: Double { exp(onsetCrossEntropy) }

    /// Totals of per-song log-probabilities; `onsets` marks target tokens counted as onsets.
    public init(logProbabilities songs: [[Double]], targets: [[Int]], onsets: Set<Int>) {
        var total = 0.0, onsetTotal = 0.0, steps = 0, onsetSteps = 0
        for (logprobs, tokens) in zip(songs, targets) {
            for (value, token) in zip(logprobs, tokens) {
                total -= value
                steps += 1
                if onsets.contains(token) { onsetTotal -= value; onsetSteps += 1 }
            }
        }
        self.songs = songs.count
        self.steps = steps
        self.onsetSteps = onsetSteps
        crossEntropy = steps > 0 ? total / Double(steps) : 0
        onsetCrossEntropy = onsetSteps > 0 ? onsetTotal / Double(onsetSteps) : 0
    }
}

/// The held-out songs of a corpus (the same split the trainer made) and the scores of a model and of
/// the n-gram baseline on them.
public struct HeldOutEvaluation: Sendable {
    /// Training and held-out songs, token indices without `/`.
    public var training: [[Int]]
    public var heldOut: [[Int]]
    public var endOfSong: Int
    public var vocabularySize: Int
    public var onsets: Set<Int>

    /// Splits `corpus` as `Trainer` does for `seed` and `validationFraction`.
    public init(corpus: EncodedCorpus, seed: UInt64 = 1, validationFraction: Double = 0.1) {
        let songs = corpus.songs.map { Array($0.tokens.dropLast()) }
        let split = SongSplit(songCount: songs.count, validationFraction: validationFraction, seed: seed)
        training = split.training.map { songs[$0] }
        heldOut = split.validation.map { songs[$0] }
        endOfSong = corpus.endTokenIndex
        vocabularySize = corpus.vocabulary.count
        onsets = MusicModel.onsetIndices(of: corpus.vocabulary)
    }

    /// The targets each song is scored on: its tokens and the closing `/`.
    private var targets: [[Int]] { heldOut.map { $0 + [endOfSong] } }

    /// The model's figures (its vocabulary must be the corpus's).
    public func evaluate(_ model: MusicModel) -> HeldOutResult {
        precondition(model.vocabulary.count == vocabularySize, "the model's vocabulary is not the corpus's")
        let session = InferenceSession(model: model.network, batch: 1)
        return HeldOutResult(logProbabilities: heldOut.map { Scoring.logProbabilities(song: $0, model: model, session: session) },
                             targets: targets, onsets: onsets)
    }

    /// The n-gram baseline trained on the training songs.
    public func evaluateNGram(order: Int = 5) -> HeldOutResult {
        let ngram = NGramModel(songs: training, endOfSong: endOfSong, vocabularySize: vocabularySize, order: order)
        return HeldOutResult(logProbabilities: heldOut.map { ngram.logProbabilities(song: $0) }, targets: targets, onsets: onsets)
    }
}
