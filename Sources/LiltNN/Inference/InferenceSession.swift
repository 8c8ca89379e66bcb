/// Stateful generation over a batch of streams: each call feeds one token per stream and returns the
/// next-token logits, carrying every stream's LSTM state to the next call (variations run as one batch).
///
/// No dropout. Weights are copied in at creation (a snapshot: training may go on elsewhere). A step
/// allocates nothing; with batch 1 the multiplies are matrix–vector products.
public final class InferenceSession {
    public let config: LSTMConfig
    public let batch: Int
    let layout: ParameterLayout
    let backend: GemmBackend
    let parameters: FloatBuffer
    /// One-hot input: W_ih of layer 0 transposed [V, 4H], so a token's input term is one row.
    let oneHotWeights: FloatBuffer?
    /// b_ih + b_hh per layer [4H].
    let biasSums: [FloatBuffer]
    let h: [FloatBuffer], c: [FloatBuffer]
    let gates: FloatBuffer, recurrentGates: FloatBuffer, tanhC: FloatBuffer, input: FloatBuffer, output: FloatBuffer

    public init(model: LSTMModel, batch: Int, backend: GemmBackend = .blas) {
        precondition(batch >= 1, "a session needs at least one stream")
        config = model.config
        layout = model.layout
        self.batch = batch
        self.backend = backend
        parameters = FloatBuffer(model.parameters)
        let hidden = config.hidden, fourH = 4 * hidden, v = config.vocabularySize
        if config.embedding == 0 {
            let buffer = FloatBuffer(count: v * fourH)
            let wih = parameters.pointer + layout.weightIH[0].offset
            for j in 0..<fourH { for token in 0..<v { buffer[token * fourH + j] = wih[j * v + token] } }
            oneHotWeights = buffer
        } else {
            oneHotWeights = nil
        }
        biasSums = (0..<config.layers).map { [parameters, layout] layer in
            let sums = FloatBuffer(count: fourH)
            for j in 0..<fourH {
                sums[j] = parameters[layout.biasIH[layer].offset + j] + parameters[layout.biasHH[layer].offset + j]
            }
            return sums
        }
        h = (0..<config.layers).map { _ in FloatBuffer(count: batch * hidden) }
        c = (0..<config.layers).map { _ in FloatBuffer(count: batch * hidden) }
        gates = FloatBuffer(count: batch * fourH)
        recurrentGates = FloatBuffer(count: batch * fourH)
        tanhC = FloatBuffer(count: batch * hidden)
        input = FloatBuffer(count: batch * max(config.embedding, 1))
        output = FloatBuffer(count: batch * hidden)
    }

    /// Zeroes every stream's state (the state a song starts from).
    public func reset() {
        for buffer in h + c { buffer.zero() }
    }

    /// Zeroes the state of stream `index` only.
    public func reset(stream index: Int) {
        let hidden = config.hidden
        for buffer in h + c { (buffer.pointer + index * hidden).update(repeating: 0, count: hidden) }
    }

    /// The state of every stream, layer by layer: h [B, H] then c [B, H] (to save, copy or restore).
    public var state: [[Float]] {
        get { zip(h, c).flatMap { [$0.array, $1.array] } }
        set {
            precondition(newValue.count == 2 * config.layers, "state: two arrays per layer")
            for (index, buffer) in zip(h, c).flatMap({ [$0, $1] }).enumerated() {
                precondition(newValue[index].count == buffer.count, "state: wrong size")
                newValue[index].withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: $0.count) }
            }
        }
    }

    /// Feeds `tokens[b]` to stream b and writes the next-token logits into `logits` [B, V].
    public func step(tokens: [Int], logits: inout [Float]) {
        let v = config.vocabularySize, hidden = config.hidden, fourH = 4 * hidden
        precondition(tokens.count == batch, "step: one token per stream")
        precondition(logits.count == batch * v, "step: logits must hold batch × vocabulary values")
        let p = parameters.pointer
        for (index, token) in tokens.enumerated() {
            precondition(token >= 0 && token < v, "token \(token) outside the vocabulary 0..<\(v)")
            if let oneHotWeights {
                let row = gates.pointer + index * fourH
                row.update(from: biasSums[0].pointer, count: fourH)
                addInPlace(row, oneHotWeights.pointer + token * fourH, count: fourH)
            } else {
                let e = config.embedding
                (input.pointer + index * e).update(from: p + layout.embedding!.offset + token * e, count: e)
            }
        }
        var below: UnsafeMutablePointer<Float>? = oneHotWeights == nil ? input.pointer : nil
        for layer in 0..<config.layers {
            let width = layer == 0 ? config.inputWidth : hidden
            if let x = below {
                for index in 0..<batch { (gates.pointer + index * fourH).update(from: biasSums[layer].pointer, count: fourH) }
                multiply(p + layout.weightIH[layer].offset, rows: fourH, columns: width, x, into: gates.pointer)
            }
            multiply(p + layout.weightHH[layer].offset, rows: fourH, columns: hidden, h[layer].pointer,
                     into: recurrentGates.pointer, accumulate: false)
            for index in 0..<batch {
                let state = index * hidden
                lstmCellForward(gates: gates.pointer + index * fourH, gateStride: hidden,
                                recurrent: recurrentGates.pointer + index * fourH, recurrentStride: hidden,
                                cPrev: c[layer].pointer + state, tanhC: tanhC.pointer + state,
                                hOut: h[layer].pointer + state, cNext: c[layer].pointer + state,
                                hNext: h[layer].pointer + state, resetNext: false, units: hidden)
            }
            below = h[layer].pointer
        }
        logits.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            for index in 0..<batch { (base + index * v).update(from: p + layout.headBias.offset, count: v) }
            multiply(p + layout.headWeight.offset, rows: v, columns: hidden, below!, into: base)
        }
    }

    /// out [B, rows] (+)= x [B, columns] · Wᵀ with W [rows, columns].
    private func multiply(_ w: UnsafePointer<Float>, rows: Int, columns: Int, _ x: UnsafePointer<Float>,
                          into out: UnsafeMutablePointer<Float>, accumulate: Bool = true) {
        let beta: Float = accumulate ? 1 : 0
        if batch == 1 {
            gemv(m: rows, n: columns, alpha: 1, a: w, lda: columns, x: x, beta: beta, y: out, backend: backend)
        } else {
            gemm(.none, .transposed, m: batch, n: rows, k: columns, alpha: 1, a: x, lda: columns, b: w,
                 ldb: columns, beta: beta, c: out, ldc: rows, backend: backend)
        }
    }

    /// Natural-log probabilities of `sequence[1...]`, each given the tokens before it, for stream 0 from
    /// a zero state: feeds `sequence[0]`, scores `sequence[1]`, feeds it, and so on. To score a melody
    /// the way it was trained, pass `[endOfSong] + tokens + [endOfSong]`. Other streams are left as they
    /// were; stream 0 ends in the state after the last token fed.
    public func logProbabilities(of sequence: [Int]) -> [Double] {
        let v = config.vocabularySize
        reset(stream: 0)
        var logits = [Float](repeating: 0, count: batch * v)
        var tokens = [Int](repeating: 0, count: batch)
        var saved = state
        var result: [Double] = []
        for index in 0..<max(sequence.count - 1, 0) {
            // Other streams feed token 0 and get their state back afterwards.
            tokens[0] = sequence[index]
            step(tokens: tokens, logits: &logits)
            result.append(Sampler.logProbabilities(logits: logits[0..<v])[sequence[index + 1]])
        }
        if batch > 1 {
            let mine = state
            for layerState in saved.indices {
                let h = config.hidden
                saved[layerState].replaceSubrange(0..<h, with: mine[layerState][0..<h])
            }
            state = saved
        }
        return result
    }
}

