/// The shape of a model: a token vocabulary, an input (one-hot or a learned embedding), stacked LSTM
/// layers, dropout between layers and before the head, and a dense head over the vocabulary.
public struct LSTMConfig: Sendable, Equatable, Hashable {
    /// Number of distinct tokens (inputs are integers in `0..<vocabularySize`).
    public var vocabularySize: Int
    /// Stacked LSTM layers (at least 1).
    public var layers: Int
    /// Hidden units per LSTM layer.
    public var hidden: Int
    /// Width of the learned embedding; 0 for one-hot input (a row gather into the first layer's weights).
    public var embedding: Int
    /// Probability of dropping a unit between layers and before the head, in training only.
    public var dropout: Float

    public init(vocabularySize: Int, layers: Int = 2, hidden: Int = 256, embedding: Int = 0, dropout: Float = 0.2) {
        self.vocabularySize = vocabularySize
        self.layers = layers
        self.hidden = hidden
        self.embedding = embedding
        self.dropout = dropout
    }

    /// Width of the first LSTM layer's input: the embedding width, or the vocabulary for one-hot input.
    public var inputWidth: Int { embedding > 0 ? embedding : vocabularySize }

    /// Why this configuration cannot be built, or nil when it can.
    public var problem: String? {
        if vocabularySize < 1 { return "the vocabulary must have at least one token (got \(vocabularySize))" }
        if layers < 1 { return "a model needs at least one LSTM layer (got \(layers))" }
        if hidden < 1 { return "an LSTM layer needs at least one hidden unit (got \(hidden))" }
        if embedding < 0 { return "the embedding width cannot be negative (got \(embedding))" }
        if !(dropout >= 0 && dropout < 1) { return "dropout must be in [0, 1) (got \(dropout))" }
        return nil
    }

    /// The `lilt.config` checkpoint metadata: `{"layers":…,"hidden":…,"embedding":…,"dropout":…}`.
    public var metadataJSON: String {
        "{\"layers\":\(layers),\"hidden\":\(hidden),\"embedding\":\(embedding),\"dropout\":\(dropout)," +
            "\"vocabularySize\":\(vocabularySize)}"
    }
}
