/// The tokens a model knows, in a fixed order: `/`, `_`, `r`, then MIDI numbers from low to high.
/// A token's index is its position.
public struct Vocabulary: Hashable, Sendable {
    public let tokens: [TimeStepToken]
    private let indices: [TimeStepToken: Int]

    /// A vocabulary of exactly these tokens, sorted into the canonical order (duplicates removed).
    public init<S: Sequence>(_ tokens: S) where S.Element == TimeStepToken {
        let sorted = Array(Set(tokens)).sorted()
        self.tokens = sorted
        var indices: [TimeStepToken: Int] = [:]
        for (index, token) in sorted.enumerated() { indices[token] = index }
        self.indices = indices
    }

    /// A vocabulary from the text forms stored in a checkpoint; nil if one is not a token.
    public init?(strings: [String]) {
        var tokens: [TimeStepToken] = []
        for string in strings {
            guard let token = TimeStepToken(string) else { return nil }
            tokens.append(token)
        }
        self.init(tokens)
        guard self.tokens == tokens else { return nil }
    }

    /// The vocabulary of every token in `songs`, plus the specials `/`, `_`, `r`.
    public static func build(from songs: [[TimeStepToken]]) -> Vocabulary {
        var seen: Set<TimeStepToken> = [.end, .hold, .rest]
        for song in songs { seen.formUnion(song) }
        return Vocabulary(seen)
    }

    public var count: Int { tokens.count }
    /// The text forms, in index order (what checkpoints store as `lilt.vocabulary`).
    public var strings: [String] { tokens.map(\.description) }

    public func index(of token: TimeStepToken) -> Int? { indices[token] }

    /// Indices of `tokens`; nil if one is not in the vocabulary.
    public func indices(of tokens: [TimeStepToken]) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(tokens.count)
        for token in tokens {
            guard let index = indices[token] else { return nil }
            result.append(index)
        }
        return result
    }

    /// Tokens of `indices`; nil if one is out of range.
    public func tokens(at indices: [Int]) -> [TimeStepToken]? {
        var result: [TimeStepToken] = []
        for index in indices {
            guard index >= 0, index < tokens.count else { return nil }
            result.append(tokens[index])
        }
        return result
    }

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.tokens == b.tokens }
    public func hash(into hasher: inout Hasher) { hasher.combine(tokens) }
}
