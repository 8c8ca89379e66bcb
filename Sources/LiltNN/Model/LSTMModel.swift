import Foundation

/// A model: its configuration and all its parameters in one buffer (layout in `ParameterLayout`).
///
/// A value: copies are independent, and it can be handed between threads (a trainer publishes snapshots
/// that generation uses while training goes on).
public struct LSTMModel: Sendable, Equatable {
    public let config: LSTMConfig
    public let layout: ParameterLayout
    /// Every parameter, tensor after tensor in `layout` order.
    public var parameters: [Float]

    /// A model with PyTorch's default initialization drawn from `generator`: LSTM weights and biases
    /// uniform in ±1/√H, the head uniform in ±1/√H, the embedding standard normal.
    public init<G: RandomNumberGenerator>(config: LSTMConfig, using generator: inout G) {
        precondition(config.problem == nil, config.problem ?? "")
        self.config = config
        layout = ParameterLayout(config)
        var values = [Float](repeating: 0, count: layout.count)
        let bound = 1 / Float(config.hidden).squareRoot()
        for tensor in layout.tensors {
            for index in tensor.offset..<tensor.offset + tensor.count {
                if tensor.name == "embedding.weight" {
                    // Box–Muller.
                    let u1 = max(Float.random(in: 0..<1, using: &generator), 1e-7)
                    let u2 = Float.random(in: 0..<1, using: &generator)
                    values[index] = (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
                } else {
                    values[index] = Float.random(in: -bound...bound, using: &generator)
                }
            }
        }
        parameters = values
    }

    /// A model over given parameters (exactly `ParameterLayout(config).count` values).
    public init(config: LSTMConfig, parameters: [Float]) {
        precondition(config.problem == nil, config.problem ?? "")
        self.config = config
        layout = ParameterLayout(config)
        precondition(parameters.count == layout.count,
                     "model needs \(layout.count) parameters, got \(parameters.count)")
        self.parameters = parameters
    }

    /// The values of the tensor called `name` (a copy), or nil when the model has none.
    public func values(of name: String) -> [Float]? {
        guard let tensor = layout.tensor(named: name) else { return nil }
        return Array(parameters[tensor.offset..<tensor.offset + tensor.count])
    }
}
