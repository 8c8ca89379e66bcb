import Foundation

/// A model file: safetensors in PyTorch's `nn.Embedding`/`nn.LSTM`/`nn.Linear` layout (tensor names and
/// shapes in `ParameterLayout`), loadable by PyTorch with `strict=True`, with string metadata.
///
/// Metadata written: `lilt.format` = `1`, `lilt.config` (`LSTMConfig.metadataJSON`), and every pair the
/// caller passes (`lilt.vocabulary`, `lilt.encoding`, `lilt.history`, …).
public enum Checkpoint {
    /// A loaded model and the metadata of its file.
    public struct Loaded: Sendable {
        public var model: LSTMModel
        public var metadata: [String: String]
    }

    /// Writes `model` to `url` atomically, with `metadata` beside `lilt.format` and `lilt.config`.
    public static func save(_ model: LSTMModel, metadata: [String: String] = [:], to url: URL) throws {
        var all = metadata
        all["lilt.format"] = "1"
        all["lilt.config"] = model.config.metadataJSON
        let tensors = model.layout.tensors.map { tensor in
            (name: tensor.name, tensor: StoredTensor(
                shape: tensor.shape, values: Array(model.parameters[tensor.offset..<tensor.offset + tensor.count])))
        }
        try SafeTensors.write(tensors, metadata: all, to: url)
    }

    /// Reads a model. The configuration comes from the tensors themselves (vocabulary from `head.bias`,
    /// hidden width from `lstm.weight_hh_l0`, layers from the `lstm.weight_ih_l*` present, embedding from
    /// `embedding.weight`), dropout from `lilt.config` when present; every tensor must be there with the
    /// right shape and no other.
    public static func load(from url: URL) throws -> Loaded {
        let path = url.path
        let (tensors, metadata) = try SafeTensors.read(url)
        if let format = metadata["lilt.format"], format != "1" {
            throw CheckpointError.badMetadata(path: path, key: "lilt.format", reason: "version \(format) (this Lilt reads 1)")
        }
        guard let headBias = tensors["head.bias"] else { throw CheckpointError.missingTensor(path: path, name: "head.bias") }
        guard let hiddenWeights = tensors["lstm.weight_hh_l0"] else {
            throw CheckpointError.missingTensor(path: path, name: "lstm.weight_hh_l0")
        }
        guard headBias.shape.count == 1, headBias.shape[0] >= 1 else {
            throw CheckpointError.badTensor(path: path, name: "head.bias", reason: "shape \(headBias.shape)")
        }
        guard hiddenWeights.shape.count == 2, hiddenWeights.shape[1] >= 1 else {
            throw CheckpointError.badTensor(path: path, name: "lstm.weight_hh_l0", reason: "shape \(hiddenWeights.shape)")
        }
        var layers = 0
        while tensors["lstm.weight_ih_l\(layers)"] != nil { layers += 1 }
        let embedding = tensors["embedding.weight"].map { $0.shape.count == 2 ? $0.shape[1] : -1 } ?? 0
        var dropout: Float = 0
        if let json = metadata["lilt.config"] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                throw CheckpointError.badMetadata(path: path, key: "lilt.config", reason: "not a JSON object")
            }
            if let value = object["dropout"] as? NSNumber { dropout = value.floatValue }
        }
        let config = LSTMConfig(vocabularySize: headBias.shape[0], layers: max(layers, 1),
                                hidden: hiddenWeights.shape[1], embedding: max(embedding, 0), dropout: dropout)
        if let problem = config.problem {
            throw CheckpointError.badMetadata(path: path, key: "lilt.config", reason: problem)
        }
        let layout = ParameterLayout(config)
        var parameters = [Float](repeating: 0, count: layout.count)
        for tensor in layout.tensors {
            guard let stored = tensors[tensor.name] else { throw CheckpointError.missingTensor(path: path, name: tensor.name) }
            guard stored.shape == tensor.shape else {
                throw CheckpointError.wrongShape(path: path, name: tensor.name, expected: tensor.shape, found: stored.shape)
            }
            parameters.replaceSubrange(tensor.offset..<tensor.offset + tensor.count, with: stored.values)
        }
        for name in tensors.keys.sorted() where layout.tensor(named: name) == nil {
            throw CheckpointError.unexpectedTensor(path: path, name: name)
        }
        return Loaded(model: LSTMModel(config: config, parameters: parameters), metadata: metadata)
    }

    /// Where the training state of the model file at `url` lives: `NAME.optimizer.safetensors` beside
    /// `NAME.safetensors`.
    public static func trainingStateURL(for url: URL) -> URL {
        let base = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent("\(base).optimizer.safetensors")
    }
}
