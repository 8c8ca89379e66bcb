import Foundation
import LiltMusic
import LiltNN

/// Why a model file cannot be used for music.
public enum ComposeError: Error, CustomStringConvertible, Equatable {
    /// The model file (or folder) does not exist or cannot be read.
    case modelNotFound(path: String)
    /// The checkpoint lacks music metadata or holds metadata that does not fit its tensors.
    case badModel(path: String, reason: String)
    /// A seed that cannot be used: which seed and why.
    case badSeed(seed: String, reason: String)
    /// A melody or token string that cannot be scored: what it is and why.
    case cannotScore(name: String, reason: String)
    /// Controls that make no sense (a range upside down, a temperature ≤ 0…).
    case badControls(String)
    case badCorpus(name: String, reason: String)

    public var description: String {
        switch self {
        case .modelNotFound(let path): "\(path): no model there (train one with `lilt train`, or `lilt train --default`)"
        case .badModel(let path, let reason): "\(path): not a usable Lilt model: \(reason)"
        case .badSeed(let seed, let reason): "seed '\(seed)': \(reason)"
        case .cannotScore(let name, let reason): "\(name): \(reason)"
        case .badControls(let reason): "generation controls: \(reason)"
        case .badCorpus(let name, let reason): "corpus '\(name)': \(reason)"
        }
    }
}

/// A trained model together with what makes it musical: its vocabulary of time-step tokens and the
/// encoding its corpus used. Loaded from a checkpoint file (or a model folder holding `best.safetensors`).
public struct MusicModel: Sendable {
    /// The file it was loaded from (nil for a model made in memory).
    public var file: URL?
    /// FNV-1a 64-bit hash of the file's bytes, 16 hex digits ("" for a model made in memory): names the
    /// exact weights in a take's provenance.
    public var hash: String
    public var network: LSTMModel
    public var vocabulary: Vocabulary
    public var encoding: EncodingParameters
    public var metadata: [String: String]

    public init(network: LSTMModel, vocabulary: Vocabulary, encoding: EncodingParameters = EncodingParameters(),
                metadata: [String: String] = [:], file: URL? = nil, hash: String = "") {
        precondition(network.config.vocabularySize == vocabulary.count, "model and vocabulary sizes differ")
        self.network = network
        self.vocabulary = vocabulary
        self.encoding = encoding
        self.metadata = metadata
        self.file = file
        self.hash = hash
    }

    /// The model file a path names: the file itself, or `best.safetensors` in a model folder.
    public static func resolve(_ url: URL) -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return url.appendingPathComponent("best.safetensors")
        }
        return url
    }

    /// Loads a model written by `lilt train` (a `.safetensors` file or its folder).
    public static func load(from url: URL) throws -> MusicModel {
        let file = resolve(url)
        guard let data = FileManager.default.contents(atPath: file.path) else { throw ComposeError.modelNotFound(path: file.path) }
        let loaded = try Checkpoint.load(from: file)
        guard let json = loaded.metadata["lilt.vocabulary"],
              let strings = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
            throw ComposeError.badModel(path: file.path, reason: "no lilt.vocabulary metadata")
        }
        guard let vocabulary = Vocabulary(strings: strings), vocabulary.index(of: .end) != nil else {
            throw ComposeError.badModel(path: file.path, reason: "lilt.vocabulary is not a time-step vocabulary")
        }
        guard vocabulary.count == loaded.model.config.vocabularySize else {
            throw ComposeError.badModel(path: file.path, reason: "\(vocabulary.count) tokens for a head of \(loaded.model.config.vocabularySize)")
        }
        var encoding = EncodingParameters()
        if let parameters = loaded.metadata[MetadataKey.encodingParameters],
           let decoded = try? JSONDecoder().decode(EncodingParameters.self, from: Data(parameters.utf8)) {
            encoding = decoded
        } else if let summary = loaded.metadata["lilt.encoding"],
                  let object = try? JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any],
                  let step = (object["stepQuarterLength"] as? NSNumber)?.doubleValue {
            encoding.step = QuarterLength.rounded(step, toDenominator: 48)
        }
        return MusicModel(network: loaded.model, vocabulary: vocabulary, encoding: encoding, metadata: loaded.metadata,
                          file: file, hash: fnv1a64Hex(data))
    }

    /// Checkpoint metadata for a model of `vocabulary` and `encoding` (what `load` reads back).
    public static func metadata(vocabulary: Vocabulary, encoding: EncodingParameters) -> [String: String] {
        let strings = String(decoding: (try? JSONEncoder().encode(vocabulary.strings)) ?? Data("[]".utf8), as: UTF8.self)
        let parameters = String(decoding: (try? JSONEncoder().encode(encoding)) ?? Data("{}".utf8), as: UTF8.self)
        return ["lilt.vocabulary": strings, "lilt.encoding": encoding.checkpointJSON, MetadataKey.encodingParameters: parameters]
    }

    /// Metadata keys this target adds to checkpoints.
    public enum MetadataKey {
        /// The full `EncodingParameters` as JSON (step, acceptable durations, transposition).
        public static let encodingParameters = "lilt.encodingParameters"
        /// The training corpus and split: `{"corpus":NAME,"seed":…,"validationFraction":…}`.
        public static let training = "lilt.training"
    }

    public var endIndex: Int { vocabulary.index(of: .end)! }
    public var holdIndex: Int? { vocabulary.index(of: .hold) }
    public var restIndex: Int? { vocabulary.index(of: .rest) }
    public var encoder: TimeStepEncoder { TimeStepEncoder(parameters: encoding) }

    /// Indices of the tokens that start a note or a rest (the onset-only figures count these targets).
    public var onsetIndices: Set<Int> { Self.onsetIndices(of: vocabulary) }

    /// Indices of the note and rest tokens of `vocabulary`.
    public static func onsetIndices(of vocabulary: Vocabulary) -> Set<Int> {
        Set(vocabulary.tokens.indices.filter { index in
            switch vocabulary.tokens[index] { case .note, .rest: true; default: false }
        })
    }

    /// Training facts stored in the checkpoint (corpus name, split seed and share), when present.
    public var trainingInfo: TrainingInfo? {
        metadata[MetadataKey.training].flatMap { try? JSONDecoder().decode(TrainingInfo.self, from: Data($0.utf8)) }
    }
}

/// What a checkpoint records about its training data, so evaluation can find the same held-out songs.
public struct TrainingInfo: Codable, Sendable, Equatable {
    public var corpus: String
    public var seed: UInt64
    public var validationFraction: Double

    public init(corpus: String, seed: UInt64, validationFraction: Double) {
        self.corpus = corpus
        self.seed = seed
        self.validationFraction = validationFraction
    }

    public var json: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }
}

/// FNV-1a, 64 bits, as 16 lowercase hex digits.
func fnv1a64Hex(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    data.withUnsafeBytes { bytes in
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
