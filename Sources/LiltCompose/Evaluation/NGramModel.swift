import Foundation

/// An interpolated Kneser–Ney n-gram model over token songs: the baseline an LSTM must beat.
///
/// Songs are read as the LSTM reads them: `order − 1` end-of-song tokens as context before the first
/// token, and the closing end-of-song token is predicted too. The highest order uses raw counts, lower
/// orders continuation counts (how many different tokens precede an n-gram), each interpolated with the
/// order below by an absolute discount D = n₁ / (n₁ + 2 n₂) (n₁, n₂: entries counted once and twice at
/// that order), down to the uniform distribution (Chen & Goodman 1998, interpolated Kneser–Ney).
public struct NGramModel: Sendable {
    public let order: Int
    public let vocabularySize: Int
    public let endOfSong: Int
    /// Per order k (index k − 1): count of (context of k − 1 tokens, token).
    var counts: [[UInt64: Double]]
    /// Per order: per context, the total of its counts and the number of tokens seen after it.
    var contexts: [[UInt64: (total: Double, distinct: Double)]]
    public let discounts: [Double]

    /// Counts `songs` (token indices without end-of-song tokens). Tokens must be below 255; order 1…7.
    public init(songs: [[Int]], endOfSong: Int, vocabularySize: Int, order: Int = 5) {
        precondition((1...7).contains(order) && vocabularySize < 255, "n-gram: order 1…7, fewer than 255 tokens")
        self.order = order
        self.vocabularySize = vocabularySize
        self.endOfSong = endOfSong
        var counts = [[UInt64: Double]](repeating: [:], count: order)
        for song in songs {
            let sequence = [Int](repeating: endOfSong, count: order - 1) + song + [endOfSong]
            for position in (order - 1)..<sequence.count {
                counts[order - 1][Self.key(sequence[(position - order + 1)...position]), default: 0] += 1
            }
        }
        // Continuation counts: each distinct n-gram of order k + 1 adds one to its suffix of order k.
        if order > 1 {
            for k in stride(from: order - 1, through: 1, by: -1) {
                for key in counts[k].keys { counts[k - 1][Self.dropFirst(key, length: k + 1), default: 0] += 1 }
            }
        }
        var contexts = [[UInt64: (total: Double, distinct: Double)]](repeating: [:], count: order)
        var discounts: [Double] = []
        for k in 0..<order {
            var ones = 0.0, twos = 0.0
            for (key, count) in counts[k] {
                let context = key >> 8
                contexts[k][context, default: (0, 0)].total += count
                contexts[k][context, default: (0, 0)].distinct += 1
                if count == 1 { ones += 1 } else if count == 2 { twos += 1 }
            }
            discounts.append(ones + twos > 0 ? max(0.05, min(0.95, ones / (ones + 2 * twos))) : 0.5)
        }
        self.counts = counts
        self.contexts = contexts
        self.discounts = discounts
    }

    /// Tokens + 1 packed 8 bits each, oldest highest (0 marks no token).
    static func key(_ tokens: ArraySlice<Int>) -> UInt64 {
        var key: UInt64 = 0
        for token in tokens { key = key << 8 | UInt64(token + 1) }
        return key
    }

    /// The key without its oldest token.
    static func dropFirst(_ key: UInt64, length: Int) -> UInt64 {
        length <= 1 ? 0 : key & ((1 << (8 * UInt64(length - 1))) - 1)
    }

    /// P(token | the last `order − 1` tokens of `context`), natural log.
    public func logProbability(of token: Int, after context: ArraySlice<Int>) -> Double {
        var history = Array(context.suffix(order - 1))
        if history.count < order - 1 {
            history = [Int](repeating: endOfSong, count: order - 1 - history.count) + history
        }
        var probability = 1.0 / Double(vocabularySize)
        for k in 1...order {
            let contextTokens = history.suffix(k - 1)
            let contextKey = Self.key(contextTokens[...])
            guard let context = contexts[k - 1][contextKey], context.total > 0 else { continue }
            let count = counts[k - 1][contextKey << 8 | UInt64(token + 1)] ?? 0
            let d = discounts[k - 1]
            probability = max(count - d, 0) / context.total + d * context.distinct / context.total * probability
        }
        return log(probability)
    }

    /// Log-probabilities of each token of `song` and of the closing end-of-song token.
    public func logProbabilities(song: [Int]) -> [Double] {
        let sequence = [Int](repeating: endOfSong, count: order - 1) + song + [endOfSong]
        return ((order - 1)..<sequence.count).map { position in
            logProbability(of: sequence[position], after: sequence[(position - order + 1)..<position])
        }
    }
}
