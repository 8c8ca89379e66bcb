import Foundation

/// The controls that turn logits into a distribution over next tokens.
public struct SamplingControls: Sendable, Equatable {
    /// Divides the logits (1 leaves them, below 1 sharpens, above 1 flattens). Must be positive.
    public var temperature: Float = 1
    /// Added to the logits before the temperature, one value per token (e.g. a rest bias); nil for none.
    public var bias: [Float]? = nil
    /// Keep the most likely tokens whose probabilities add up to at least `topP` (1 keeps all).
    public var topP: Float = 1
    /// When set, the temperature is chosen per step (in `temperatureRange`) so that the distribution's
    /// entropy is `targetEntropy` nats: confident steps are cooled less, uncertain ones warmed less, and
    /// the variety of the output stays even. `temperature` is then ignored.
    public var targetEntropy: Float? = nil
    public var temperatureRange: ClosedRange<Float> = 0.1...4

    public init(temperature: Float = 1, bias: [Float]? = nil, topP: Float = 1, targetEntropy: Float? = nil) {
        self.temperature = temperature
        self.bias = bias
        self.topP = topP
        self.targetEntropy = targetEntropy
    }
}

/// Logits → probabilities (bias, temperature or entropy target, top-p) → a token, with the random number
/// passed in so sampling repeats exactly.
public enum Sampler {
    /// The distribution `controls` make of `logits` (sums to 1; tokens cut by top-p have 0).
    public static func distribution(logits: ArraySlice<Float>, controls: SamplingControls) -> [Double] {
        var shifted = logits.map(Double.init)
        if let bias = controls.bias {
            precondition(bias.count == shifted.count, "bias has \(bias.count) values for \(shifted.count) tokens")
            for index in shifted.indices { shifted[index] += Double(bias[index]) }
        }
        var temperature = Double(max(controls.temperature, 1e-6))
        if let target = controls.targetEntropy {
            temperature = temperatureFor(entropy: Double(target), logits: shifted,
                                         range: Double(controls.temperatureRange.lowerBound)...Double(controls.temperatureRange.upperBound))
        }
        var probabilities = softmax(shifted, temperature: temperature)
        if controls.topP < 1 {
            let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
            var kept = 0.0
            var cut = order.count
            for (rank, index) in order.enumerated() {
                kept += probabilities[index]
                if kept >= Double(controls.topP) { cut = rank + 1; break }
            }
            for index in order[cut...] { probabilities[index] = 0 }
            let total = probabilities.reduce(0, +)
            probabilities = probabilities.map { $0 / total }
        }
        return probabilities
    }

    /// The token whose cumulative-probability interval holds `uniform` (in [0, 1)); never a token of
    /// probability 0.
    public static func sample(_ probabilities: [Double], uniform: Double) -> Int {
        var cumulative = 0.0
        var last = 0
        for (index, p) in probabilities.enumerated() where p > 0 {
            cumulative += p
            last = index
            if uniform < cumulative { return index }
        }
        return last
    }

    /// Natural-log softmax of `logits` (Double, stable for any logits).
    public static func logProbabilities(logits: ArraySlice<Float>) -> [Double] {
        let values = logits.map(Double.init)
        let maximum = values.max() ?? 0
        let logSum = log(values.reduce(0) { $0 + exp($1 - maximum) }) + maximum
        return values.map { $0 - logSum }
    }

    /// Entropy in nats.
    public static func entropy(_ probabilities: [Double]) -> Double {
        -probabilities.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
    }

    static func softmax(_ logits: [Double], temperature: Double) -> [Double] {
        let maximum = logits.max() ?? 0
        let exps = logits.map { exp(($0 - maximum) / temperature) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    /// The temperature in `range` whose softmax has entropy closest to `target` (entropy grows with
    /// temperature; bisection on its logarithm).
    static func temperatureFor(entropy target: Double, logits: [Double], range: ClosedRange<Double>) -> Double {
        var low = log(range.lowerBound), high = log(range.upperBound)
        if entropy(softmax(logits, temperature: range.lowerBound)) >= target { return range.lowerBound }
        if entropy(softmax(logits, temperature: range.upperBound)) <= target { return range.upperBound }
        for _ in 0..<40 {
            let middle = (low + high) / 2
            if entropy(softmax(logits, temperature: exp(middle))) < target { low = middle } else { high = middle }
        }
        return exp((low + high) / 2)
    }
}
