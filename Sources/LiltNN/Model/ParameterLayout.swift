/// One named tensor inside the parameter buffer: a view `[offset, offset + count)` of shape `shape`.
public struct ParameterTensor: Sendable, Equatable {
    /// The PyTorch state-dict name, e.g. `lstm.weight_ih_l0`.
    public let name: String
    /// Row-major shape, e.g. `[4H, In]`.
    public let shape: [Int]
    /// Index of the first value in the parameter buffer.
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
}

/// Where every tensor of a model lives in its single parameter buffer.
///
/// Names, shapes and gate order (i, f, g, o) are PyTorch's `nn.Embedding` / `nn.LSTM` / `nn.Linear`
/// ones, so the buffer is written to a checkpoint tensor by tensor and PyTorch loads it with `strict=True`.
/// Order: `embedding.weight` [V, E] (when E > 0); per layer k `lstm.weight_ih_lk` [4H, In],
/// `lstm.weight_hh_lk` [4H, H], `lstm.bias_ih_lk` [4H], `lstm.bias_hh_lk` [4H]; `head.weight` [V, H],
/// `head.bias` [V].
public struct ParameterLayout: Sendable, Equatable {
    public let tensors: [ParameterTensor]
    /// Total number of parameters.
    public let count: Int

    let embedding: ParameterTensor?
    let weightIH: [ParameterTensor]
    let weightHH: [ParameterTensor]
    let biasIH: [ParameterTensor]
    let biasHH: [ParameterTensor]
    let headWeight: ParameterTensor
    let headBias: ParameterTensor

    public init(_ config: LSTMConfig) {
        var tensors: [ParameterTensor] = []
        var offset = 0
        func add(_ name: String, _ shape: [Int]) -> ParameterTensor {
            let tensor = ParameterTensor(name: name, shape: shape, offset: offset)
            tensors.append(tensor)
            offset += tensor.count
            return tensor
        }
        let v = config.vocabularySize, h = config.hidden
        embedding = config.embedding > 0 ? add("embedding.weight", [v, config.embedding]) : nil
        var wih: [ParameterTensor] = [], whh: [ParameterTensor] = [], bih: [ParameterTensor] = [], bhh: [ParameterTensor] = []
        for layer in 0..<config.layers {
            let input = layer == 0 ? config.inputWidth : h
            wih.append(add("lstm.weight_ih_l\(layer)", [4 * h, input]))
            whh.append(add("lstm.weight_hh_l\(layer)", [4 * h, h]))
            bih.append(add("lstm.bias_ih_l\(layer)", [4 * h]))
            bhh.append(add("lstm.bias_hh_l\(layer)", [4 * h]))
        }
        weightIH = wih; weightHH = whh; biasIH = bih; biasHH = bhh
        headWeight = add("head.weight", [v, h])
        headBias = add("head.bias", [v])
        self.tensors = tensors
        self.count = offset
    }

    /// The tensor called `name`, if the model has one.
    public func tensor(named name: String) -> ParameterTensor? { tensors.first { $0.name == name } }
}
