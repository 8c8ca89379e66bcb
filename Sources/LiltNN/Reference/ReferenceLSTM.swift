import Foundation

/// The model's equations written plainly in `Double`, one stream and one step at a time, with no
/// dropout: the reference the fast path is checked against (logits, loss) and the function whose
/// central finite differences check the analytic gradients.
struct ReferenceLSTM {
    let config: LSTMConfig
    let layout: ParameterLayout
    var parameters: [Double]

    init(_ model: LSTMModel) {
        config = model.config
        layout = model.layout
        parameters = model.parameters.map(Double.init)
    }

    private func value(_ tensor: ParameterTensor, _ index: Int) -> Double { parameters[tensor.offset + index] }

    /// One step for one stream: h and c per layer (updated), token → logits [V].
    func step(token: Int, h: inout [[Double]], c: inout [[Double]]) -> [Double] {
        let hidden = config.hidden
        var x: [Double]
        if let embedding = layout.embedding {
            x = (0..<config.embedding).map { value(embedding, token * config.embedding + $0) }
        } else {
            x = [Double](repeating: 0, count: config.vocabularySize)
            x[token] = 1
        }
        for layer in 0..<config.layers {
            let wih = layout.weightIH[layer], whh = layout.weightHH[layer]
            let bih = layout.biasIH[layer], bhh = layout.biasHH[layer]
            let width = x.count
            var a = [Double](repeating: 0, count: 4 * hidden)
            for row in 0..<4 * hidden {
                var sum = value(bih, row) + value(bhh, row)
                for k in 0..<width { sum += value(wih, row * width + k) * x[k] }
                for k in 0..<hidden { sum += value(whh, row * hidden + k) * h[layer][k] }
                a[row] = sum
            }
            func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
            var newH = [Double](repeating: 0, count: hidden)
            for j in 0..<hidden {
                let i = sigmoid(a[j]), f = sigmoid(a[hidden + j])
                let g = Foundation.tanh(a[2 * hidden + j]), o = sigmoid(a[3 * hidden + j])
                c[layer][j] = f * c[layer][j] + i * g
                newH[j] = o * Foundation.tanh(c[layer][j])
            }
            h[layer] = newH
            x = newH
        }
        let head = layout.headWeight, bias = layout.headBias
        return (0..<config.vocabularySize).map { token in
            var sum = value(bias, token)
            for k in 0..<hidden { sum += value(head, token * hidden + k) * x[k] }
            return sum
        }
    }

    /// Logits [T·B, V] and the mean cross-entropy over counted steps of a window in the network's
    /// [T, B] layout, from the state `initial` (h and c per stream and layer; zero when nil).
    func window(inputs: [Int32], targets: [Int32], resets: [UInt8], batch: Int,
                initial: (h: [[[Double]]], c: [[[Double]]])? = nil) -> (logits: [[Double]], loss: Double) {
        let steps = inputs.count / batch
        let zero = [[Double]](repeating: [Double](repeating: 0, count: config.hidden), count: config.layers)
        var hs = initial?.h ?? [[[Double]]](repeating: zero, count: batch)
        var cs = initial?.c ?? [[[Double]]](repeating: zero, count: batch)
        var logits = [[Double]](repeating: [], count: inputs.count)
        var total = 0.0, counted = 0
        for t in 0..<steps {
            for b in 0..<batch {
                let r = t * batch + b
                if resets[r] != 0 { hs[b] = zero; cs[b] = zero }
                let row = step(token: Int(inputs[r]), h: &hs[b], c: &cs[b])
                logits[r] = row
                if targets[r] >= 0 {
                    let maximum = row.max()!
                    let logSum = Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - maximum) }) + maximum
                    total += logSum - row[Int(targets[r])]
                    counted += 1
                }
            }
        }
        return (logits, counted > 0 ? total / Double(counted) : 0)
    }
}
