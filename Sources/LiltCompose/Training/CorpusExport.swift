import Foundation
import LiltMusic
import LiltNN

/// An encoded corpus written so that programs without Lilt can train on it (`lilt corpus export`):
/// `manifest.json` and token shards in NumPy's `.npy` format, read by `Scripts/distributed/train.py`.
///
/// - `shard-NNNNN.tokens.npy`: int32 (`<i4`), the token indices of a run of whole songs one after
///   the other, each song without its closing `/`;
/// - `shard-NNNNN.offsets.npy`: int64 (`<i8`), songs + 1 values: song k of the shard is
///   `tokens[offsets[k]..<offsets[k + 1]]`;
/// - `manifest.json`: the format and version, the corpus name, the vocabulary (token strings, index order),
///   the end-of-song index, the encoding parameters, the split by song (the indices `Trainer` and
///   `lilt eval` use for this seed and share: `training` and `heldOut`, which is also the validation set),
///   the counts, the shards (files, first song, songs, tokens), and the checkpoint metadata a model trained
///   on it must carry to open in Lilt (`lilt.vocabulary`, `lilt.encoding`, `lilt.encodingParameters`,
///   `lilt.training`).
///
/// Shards are written first, each atomically, and the manifest last, so a manifest always describes
/// complete shards.
public struct CorpusExport: Sendable {
    public static let format = "lilt.corpus-export"
    public static let version = 1

    public var corpus: EncodedCorpus
    /// The split seed and held-out share (`TrainingOptions.seed` and `validationFraction` of the run).
    public var seed: UInt64
    public var validationFraction: Double
    public var songsPerShard: Int

    public init(corpus: EncodedCorpus, seed: UInt64 = 1, validationFraction: Double = 0.1, songsPerShard: Int = 2000) {
        self.corpus = corpus
        self.seed = seed
        self.validationFraction = validationFraction
        self.songsPerShard = max(1, songsPerShard)
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        public var manifest: URL
        public var shards: Int
        public var songs: Int
        public var tokens: Int
        public var trainingSongs: Int
        public var heldOutSongs: Int
    }

    /// Writes the export into `directory` (created when missing; files of an earlier export there are
    /// replaced).
    public func write(to directory: URL) throws -> Summary {
        guard (0..<1).contains(validationFraction) else {
            throw ExportError.badOption("the held-out share must be in [0, 1) (got \(validationFraction))")
        }
        guard !corpus.songs.isEmpty else { throw ExportError.badOption("the corpus '\(corpus.name)' has no songs") }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ExportError.cannotWrite(path: directory.path, reason: error.localizedDescription)
        }
        // Songs without their closing `/`, as `TokenCorpus` holds them.
        let songs = corpus.songs.map { $0.tokens.dropLast() }
        var shards: [[String: Any]] = []
        var first = 0
        while first < songs.count {
            let end = min(first + songsPerShard, songs.count)
            let stem = String(format: "shard-%05d", shards.count)
            var tokens: [Int32] = []
            var offsets: [Int64] = [0]
            for song in songs[first..<end] {
                tokens.append(contentsOf: song.map(Int32.init))
                offsets.append(Int64(tokens.count))
            }
            try writeAtomically(NPY.int32(tokens), to: directory.appendingPathComponent("\(stem).tokens.npy"))
            try writeAtomically(NPY.int64(offsets), to: directory.appendingPathComponent("\(stem).offsets.npy"))
            shards.append(["tokens": "\(stem).tokens.npy", "offsets": "\(stem).offsets.npy",
                           "firstSong": first, "songs": end - first, "tokenCount": tokens.count])
            first = end
        }
        let split = SongSplit(songCount: songs.count, validationFraction: validationFraction, seed: seed)
        var metadata = MusicModel.metadata(vocabulary: corpus.vocabulary, encoding: corpus.parameters)
        metadata[MusicModel.MetadataKey.training] = TrainingInfo(corpus: corpus.name, seed: seed,
                                                                 validationFraction: validationFraction).json
        let tokenCount = songs.reduce(0) { $0 + $1.count }
        // Steps scored per song: its tokens and the closing `/`.
        func steps(_ indices: [Int]) -> Int { indices.reduce(0) { $0 + songs[$1].count + 1 } }
        let parameters = corpus.parameters
        let manifest: [String: Any] = [
            "format": Self.format,
            "version": Self.version,
            "corpus": corpus.name,
            "vocabulary": corpus.vocabulary.strings,
            "endOfSong": corpus.endTokenIndex,
            "encoding": [
                "stepQuarterLength": parameters.step.doubleValue,
                "acceptableDurations": parameters.acceptableDurations.map { $0.map(\.doubleValue) } as Any? ?? NSNull(),
                "transposes": parameters.transposes,
                // A lead-sheet corpus: chord tokens (`@G7`, `@N`) stand before the step where a chord starts.
                "chords": parameters.chords,
            ] as [String: Any],
            "split": ["seed": seed, "validationFraction": validationFraction,
                      "training": split.training, "heldOut": split.validation] as [String: Any],
            "counts": ["songs": songs.count, "tokens": tokenCount, "trainingSongs": split.training.count,
                       "heldOutSongs": split.validation.count, "trainingSteps": steps(split.training),
                       "heldOutSteps": steps(split.validation)],
            "shards": shards,
            "checkpointMetadata": metadata,
        ]
        let json = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys,
                                                                                  .withoutEscapingSlashes])
        let manifestURL = directory.appendingPathComponent("manifest.json")
        try writeAtomically(json + Data("\n".utf8), to: manifestURL)
        return Summary(manifest: manifestURL, shards: shards.count, songs: songs.count, tokens: tokenCount,
                       trainingSongs: split.training.count, heldOutSongs: split.validation.count)
    }

    private func writeAtomically(_ data: Data, to url: URL) throws {
        do { try data.write(to: url, options: .atomic) } catch {
            throw ExportError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    public enum ExportError: Error, CustomStringConvertible, Equatable {
        case badOption(String)
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .badOption(let reason): "cannot export: \(reason)"
            case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
            }
        }
    }
}

/// NumPy's `.npy` format, version 1.0: the magic `\x93NUMPY`, the version, a little-endian 16-bit header
/// length, a Python-literal header (dtype, order, shape) padded with spaces and ended by a newline so that
/// the data starts at a multiple of 64 bytes, then the values.
enum NPY {
    static func int32(_ values: [Int32]) -> Data {
        var data = header(descr: "<i4", count: values.count)
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func int64(_ values: [Int64]) -> Data {
        var data = header(descr: "<i8", count: values.count)
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    private static func header(descr: String, count: Int) -> Data {
        var text = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(count),), }"
        let fixed = 10  // magic (6), version (2), header length (2)
        while (fixed + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(text.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(text.utf8))
        return data
    }
}
