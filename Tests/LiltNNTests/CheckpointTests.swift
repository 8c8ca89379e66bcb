import Foundation
import Testing
@testable import LiltNN

private func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("lilt-\(UUID().uuidString)-\(name)")
}

/// Writes a safetensors file byte by byte as PyTorch's `save_file` lays it out (header JSON, F32
/// little-endian), independently of `SafeTensors.write`.
private func writeByHand(_ tensors: [(String, [Int], [Float])], metadata: String?, to url: URL) throws {
    var offset = 0
    var entries: [String] = metadata.map { ["\"__metadata__\":\($0)"] } ?? []
    for (name, shape, values) in tensors {
        entries.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + 4 * values.count)]}")
        offset += 4 * values.count
    }
    let header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
    var bytes: [UInt8] = (0..<8).map { UInt8((header.count >> (8 * $0)) & 0xFF) }
    bytes += header
    for (_, _, values) in tensors {
        for value in values { bytes += (0..<4).map { UInt8((value.bitPattern >> (8 * UInt32($0))) & 0xFF) } }
    }
    try Data(bytes).write(to: url)
}

@Test("A hand-written PyTorch-layout checkpoint loads and gives the logits of the LSTM equations (1e-5)")
func handWrittenPyTorchCheckpoint() throws {
    // Embedding V 3 → E 2, two LSTM layers of H 2, head → 3. Known weights: w(k) = sin(k)/2 per tensor.
    let v = 3, e = 2, h = 2
    func values(_ count: Int, _ salt: Int) -> [Float] { (0..<count).map { Float(sin(Double($0 + 7 * salt)) / 2) } }
    let embedding = values(v * e, 1)
    let wih = [values(4 * h * e, 2), values(4 * h * h, 3)], whh = [values(4 * h * h, 4), values(4 * h * h, 5)]
    let bih = [values(4 * h, 6), values(4 * h, 7)], bhh = [values(4 * h, 8), values(4 * h, 9)]
    let headW = values(v * h, 10), headB = values(v, 11)
    let url = temporaryFile("torch.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    // PyTorch's order is alphabetical; the reader must not care.
    try writeByHand([
        ("embedding.weight", [v, e], embedding), ("head.bias", [v], headB), ("head.weight", [v, h], headW),
        ("lstm.bias_hh_l0", [4 * h], bhh[0]), ("lstm.bias_hh_l1", [4 * h], bhh[1]),
        ("lstm.bias_ih_l0", [4 * h], bih[0]), ("lstm.bias_ih_l1", [4 * h], bih[1]),
        ("lstm.weight_hh_l0", [4 * h, h], whh[0]), ("lstm.weight_hh_l1", [4 * h, h], whh[1]),
        ("lstm.weight_ih_l0", [4 * h, e], wih[0]), ("lstm.weight_ih_l1", [4 * h, h], wih[1]),
    ], metadata: "{\"lilt.format\":\"1\",\"lilt.vocabulary\":\"[\\\"/\\\",\\\"60\\\",\\\"r\\\"]\"}", to: url)

    let loaded = try Checkpoint.load(from: url)
    #expect(loaded.model.config == LSTMConfig(vocabularySize: 3, layers: 2, hidden: 2, embedding: 2, dropout: 0))
    #expect(loaded.metadata["lilt.vocabulary"] == "[\"/\",\"60\",\"r\"]")

    // The equations, gate order i, f, g, o: a = W_ih x + b_ih + W_hh h + b_hh.
    func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
    var hs = [[Double]](repeating: [0, 0], count: 2), cs = hs
    let session = InferenceSession(model: loaded.model, batch: 1)
    var logits = [Float](repeating: 0, count: v)
    for token in [0, 2, 1, 1, 0] {
        var x = (0..<e).map { Double(embedding[token * e + $0]) }
        for layer in 0..<2 {
            var a = [Double](repeating: 0, count: 4 * h)
            for row in 0..<4 * h {
                a[row] = Double(bih[layer][row]) + Double(bhh[layer][row])
                for k in 0..<x.count { a[row] += Double(wih[layer][row * x.count + k]) * x[k] }
                for k in 0..<h { a[row] += Double(whh[layer][row * h + k]) * hs[layer][k] }
            }
            for j in 0..<h {
                cs[layer][j] = sigmoid(a[h + j]) * cs[layer][j] + sigmoid(a[j]) * tanh(a[2 * h + j])
                hs[layer][j] = sigmoid(a[3 * h + j]) * tanh(cs[layer][j])
            }
            x = hs[layer]
        }
        let expected = (0..<v).map { t in Double(headB[t]) + (0..<h).reduce(0.0) { $0 + Double(headW[t * h + $1]) * x[$1] } }
        session.step(tokens: [token], logits: &logits)
        for t in 0..<v { #expect(abs(Double(logits[t]) - expected[t]) <= 1e-5, "token \(token): logit \(t)") }
    }
}

@Test("save → load gives the same parameters and bit-identical logits; metadata round-trips")
func saveLoadRoundTrip() throws {
    var generator = SeededGenerator(seed: 8)
    let model = LSTMModel(config: LSTMConfig(vocabularySize: 7, layers: 2, hidden: 12, embedding: 0, dropout: 0.25),
                          using: &generator)
    let url = temporaryFile("model.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let metadata = ["lilt.vocabulary": "[\"/\",\"60\",\"_\",\"r\",\"62\",\"64\",\"é \\\" ∞\"]",
                    "lilt.encoding": "{\"kind\":\"timestep\",\"stepQuarterLength\":0.25}"]
    try Checkpoint.save(model, metadata: metadata, to: url)
    let loaded = try Checkpoint.load(from: url)
    #expect(loaded.model == model)
    #expect(loaded.metadata["lilt.vocabulary"] == metadata["lilt.vocabulary"])
    #expect(loaded.metadata["lilt.encoding"] == metadata["lilt.encoding"])
    #expect(loaded.metadata["lilt.format"] == "1")
    let config = try JSONSerialization.jsonObject(with: Data(loaded.metadata["lilt.config"]!.utf8)) as! [String: Any]
    #expect(config["layers"] as? Int == 2 && config["hidden"] as? Int == 12 && config["embedding"] as? Int == 0)
    let a = InferenceSession(model: model, batch: 2), b = InferenceSession(model: loaded.model, batch: 2)
    var la = [Float](repeating: 0, count: 14), lb = la
    for tokens in [[0, 3], [1, 6], [2, 2]] {
        a.step(tokens: tokens, logits: &la)
        b.step(tokens: tokens, logits: &lb)
        #expect(la.map(\.bitPattern) == lb.map(\.bitPattern))
    }
    // The header is padded to 8 bytes and the data follows it exactly.
    let data = try Data(contentsOf: url)
    let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(headerLength % 8 == 0)
    #expect(data.count == 8 + headerLength + 4 * model.layout.count)
}

@Test("Truncated, corrupt or mismatched files give clear errors, never a crash")
func corruptFiles() throws {
    var generator = SeededGenerator(seed: 2)
    let model = LSTMModel(config: LSTMConfig(vocabularySize: 4, layers: 1, hidden: 3, embedding: 0, dropout: 0),
                          using: &generator)
    let url = temporaryFile("good.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try Checkpoint.save(model, to: url)
    let good = try Data(contentsOf: url)
    let bad = temporaryFile("bad.safetensors")
    defer { try? FileManager.default.removeItem(at: bad) }

    func loadError(_ bytes: Data) -> String {
        try? bytes.write(to: bad)
        do { _ = try Checkpoint.load(from: bad); return "loaded" } catch { return "\(error)" }
    }
    #expect(loadError(good.prefix(5)).contains("truncated"))
    #expect(loadError(good.prefix(good.count - 3)).contains("truncated"))
    #expect(loadError(good.prefix(40)).contains("truncated"))
    var hugeHeader = good
    hugeHeader.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
    #expect(loadError(hugeHeader).contains("header length"))
    var garbled = good
    garbled[9] = UInt8(ascii: "#")
    #expect(loadError(garbled).contains("not JSON"))
    // A shape that claims more values than the file holds: rejected before allocating.
    let header = String(decoding: good[8..<(8 + Int(good[0]) + Int(good[1]) << 8)], as: UTF8.self)
    let bigShape = header.replacingOccurrences(of: "\"shape\":[4]", with: "\"shape\":[99999999]")
    #expect(loadError(good[0..<8] + Data(bigShape.utf8) + good[(8 + header.utf8.count)...]).contains("head.bias"))
    #expect(loadError(Data()).contains("truncated"))
    do { _ = try Checkpoint.load(from: temporaryFile("missing.safetensors")); Issue.record("loaded a missing file") } catch {
        #expect("\(error)".contains("cannot read"))
    }
    // A file of another shape.
    let other = LSTMModel(config: LSTMConfig(vocabularySize: 4, layers: 1, hidden: 5, embedding: 0, dropout: 0),
                          using: &generator)
    var tensors = other.layout.tensors.map { ($0.name, StoredTensor(shape: $0.shape, values: Array(other.parameters[$0.offset..<$0.offset + $0.count]))) }
    tensors[1].1 = StoredTensor(shape: [20, 3], values: [Float](repeating: 0, count: 60))
    try SafeTensors.write(tensors.map { (name: $0.0, tensor: $0.1) }, metadata: [:], to: bad)
    do { _ = try Checkpoint.load(from: bad); Issue.record("loaded a wrong shape") } catch {
        // The hidden width comes from lstm.weight_hh_l0 (3), so the input weights no longer fit.
        #expect("\(error)".contains("lstm.weight_ih_l0 has shape [20, 4], the model needs [12, 4]"))
    }
}

@Test("Batched inference equals one stream at a time, and equals the training graph's logits")
func inferenceMatchesNetwork() {
    var generator = SeededGenerator(seed: 11)
    let model = LSTMModel(config: LSTMConfig(vocabularySize: 6, layers: 2, hidden: 10, embedding: 3, dropout: 0.5),
                          using: &generator)
    let streams = [[0, 1, 2, 3, 4], [0, 5, 5, 1, 2]]
    let batched = InferenceSession(model: model, batch: 2)
    var batchedLogits = [Float](repeating: 0, count: 12)
    var steps: [[Float]] = []
    for t in 0..<5 {
        batched.step(tokens: [streams[0][t], streams[1][t]], logits: &batchedLogits)
        steps.append(batchedLogits)
    }
    for (b, stream) in streams.enumerated() {
        let single = InferenceSession(model: model, batch: 1)
        var logits = [Float](repeating: 0, count: 6)
        for (t, token) in stream.enumerated() {
            single.step(tokens: [token], logits: &logits)
            #expect(zip(logits, steps[t][(6 * b)..<(6 * b + 6)]).allSatisfy { abs($0 - $1) <= 1e-5 })
        }
    }
    let network = LSTMNetwork(model: model, batch: 2, steps: 5)
    let inputs = (0..<5).flatMap { t in [Int32(streams[0][t]), Int32(streams[1][t])] }
    network.forward(inputs: inputs, targets: [Int32](repeating: -1, count: 10),
                    resets: [1, 1] + [UInt8](repeating: 0, count: 8), training: false)
    let last = network.logitsOfLastPass.suffix(12)
    #expect(zip(last, steps[4]).allSatisfy { abs($0 - $1) <= 1e-5 })
    // Resetting one stream gives it the zero-state logits again.
    batched.reset(stream: 1)
    batched.step(tokens: [0, 0], logits: &batchedLogits)
    #expect(zip(batchedLogits[6..<12], steps[0][6..<12]).allSatisfy { abs($0 - $1) <= 1e-6 })
}

@Test("Sampling: temperature, bias, top-p, entropy target, and the random number decides")
func sampling() {
    let logits: [Float] = [2, 1, 0, -1]
    let plain = Sampler.distribution(logits: logits[...], controls: SamplingControls())
    let e = logits.map { exp(Double($0)) }
    for index in 0..<4 { #expect(abs(plain[index] - e[index] / e.reduce(0, +)) < 1e-12) }
    let cold = Sampler.distribution(logits: logits[...], controls: SamplingControls(temperature: 0.5))
    #expect(cold[0] > plain[0] && Sampler.entropy(cold) < Sampler.entropy(plain))
    let biased = Sampler.distribution(logits: logits[...], controls: SamplingControls(bias: [0, 0, 0, 3]))
    #expect(abs(biased[3] - biased[0]) < 1e-12)
    let top = Sampler.distribution(logits: logits[...], controls: SamplingControls(topP: 0.8))
    #expect(top[2] == 0 && top[3] == 0 && abs(top[0] + top[1] - 1) < 1e-12)
    let target = Sampler.distribution(logits: logits[...], controls: SamplingControls(targetEntropy: 1.2))
    #expect(abs(Sampler.entropy(target) - 1.2) < 1e-6)
    #expect(Sampler.sample(plain, uniform: 0) == 0)
    #expect(Sampler.sample(plain, uniform: plain[0] + 1e-9) == 1)
    #expect(Sampler.sample(plain, uniform: 0.999_999_999) == 3)
    #expect(Sampler.sample(top, uniform: 0.999_999_999) == 1)
    // Drawn frequencies follow the distribution.
    var generator = SeededGenerator(seed: 1)
    var counts = [0, 0, 0, 0]
    for _ in 0..<20_000 { counts[Sampler.sample(plain, uniform: generator.nextUnitDouble())] += 1 }
    for index in 0..<4 { #expect(abs(Double(counts[index]) / 20_000 - plain[index]) < 0.015) }
}

@Test("Scoring a sequence gives the log-probabilities of the Double reference, from a zero state")
func scoringMatchesReference() {
    var generator = SeededGenerator(seed: 17)
    let model = LSTMModel(config: LSTMConfig(vocabularySize: 5, layers: 1, hidden: 9, embedding: 0, dropout: 0),
                          using: &generator)
    let sequence = [0, 3, 1, 1, 4, 0]
    let session = InferenceSession(model: model, batch: 2)
    var logits = [Float](repeating: 0, count: 10)
    session.step(tokens: [2, 2], logits: &logits)   // a state that scoring must ignore
    let scores = session.logProbabilities(of: sequence)
    let reference = ReferenceLSTM(model)
    var h = [[Double]](repeating: [Double](repeating: 0, count: 9), count: 1), c = h
    for index in 0..<(sequence.count - 1) {
        let row = reference.step(token: sequence[index], h: &h, c: &c)
        let maximum = row.max()!
        let logSum = log(row.reduce(0) { $0 + exp($1 - maximum) }) + maximum
        #expect(abs(scores[index] - (row[sequence[index + 1]] - logSum)) <= 1e-5)
    }
    #expect(scores.count == 5 && scores.allSatisfy { $0 < 0 })
}
