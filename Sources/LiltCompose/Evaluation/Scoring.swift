import Foundation
import LiltMusic
import LiltNN

/// The model's log-probabilities of melodies and token strings, the way it was trained: from a zero
/// state, `/` fed first, every token scored, then the closing `/`.
public enum Scoring {
    /// Natural-log probabilities of each token of `indices` and of the closing `/` (count + 1 values).
    public static func logProbabilities(song indices: [Int], model: MusicModel, session: InferenceSession? = nil) -> [Double] {
        let session = session ?? InferenceSession(model: model.network, batch: 1, threads: 1)
        return session.logProbabilities(of: [model.endIndex] + indices + [model.endIndex])
    }

    /// Log-probabilities of `melody` encoded with the model's encoding (transposed like its training data).
    /// Throws `ComposeError.cannotScore`, named `name`, for a melody the encoding refuses or with a token
    /// the model does not know.
    public static func logProbabilities(melody: Melody, model: MusicModel, name: String = "melody") throws -> [Double] {
        switch model.encoder.encode(melody) {
        case .failure(let reason):
            throw ComposeError.cannotScore(name: name, reason: "cannot be encoded: \(reason)")
        case .success(let tokens):
            let body = Array(tokens.dropLast())
            guard let indices = model.vocabulary.indices(of: body) else {
                let missing = body.first { model.vocabulary.index(of: $0) == nil }!
                throw ComposeError.cannotScore(name: name, reason: "the model does not know the token '\(missing)'")
            }
            return logProbabilities(song: indices, model: model)
        }
    }

    /// Log-probabilities of a literal token string: feeds the first token, scores each following one.
    public static func logProbabilities(tokens text: String, model: MusicModel) throws -> [Double] {
        var indices: [Int] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            guard let token = TimeStepToken(String(word)) else {
                throw ComposeError.cannotScore(name: "tokens '\(text)'", reason: "'\(word)' is not a token")
            }
            guard let index = model.vocabulary.index(of: token) else {
                throw ComposeError.cannotScore(name: "tokens '\(text)'", reason: "the model does not know the token '\(word)'")
            }
            indices.append(index)
        }
        guard indices.count >= 2 else { throw ComposeError.cannotScore(name: "tokens '\(text)'", reason: "give at least two tokens") }
        let session = InferenceSession(model: model.network, batch: 1, threads: 1)
        return session.logProbabilities(of: indices)
    }
}
