import LiltKernels
import LiltKernelsInterface

/// Stateful generation over a batch of streams: each call feeds one token per stream and returns the
/// next-token logits, carrying every stream's LSTM state to the next call (variations run as one batch).
///
/// No dropout. Weights are copied in at creation (a snapshot: training may go on elsewhere). A step
/// allocates nothing. With `threads` > 1 each thread owns a slice of the hidden units of every layer
/// (its rows of W_ih and W_hh, copied together at creation) and a slice of the vocabulary for the head,
/// so a step reads each weight once, split between the cores; with batch 1 the products are
/// matrix–vector products, bound by how fast the weights stream from the shared cache. A step computes
/// half of the top layer's recurrent term first and the other half last (before the top cell), and the
/// halves trade places every step: so the first weights a step reads are the last the step before read,
/// still in the core's own cache (one megabyte fewer to stream per core for 3 × 512).
public final class InferenceSession {
    public let config: LSTMConfig
    public let batch: Int
    public let threads: Int
    let backend: GemmBackend
    let kernels: CellKernels
    let team: WorkerTeam
    let barrier: SpinBarrier
    /// The embedding table [V, E] (embedding input), head weights [V, H] and bias [V].
    let embedding: FloatBuffer?, headWeight: FloatBuffer, headBias: FloatBuffer
    /// Per layer: h and c of every stream [B, H].
    let h: [FloatBuffer], c: [FloatBuffer]
    /// Per layer: h of the step being computed [B, H], copied into `h` once every part has read the old h
    /// (so the parts meet once per layer, not twice).
    let hNew: [FloatBuffer]
    /// The embedded input [B, E].
    let input: FloatBuffer
    let parts: [Part]
    /// Which half of the top layer's recurrent rows a step computes first: the one the step before
    /// computed last (they alternate).
    var topHalfFirst = 0

    /// What one thread owns: hidden units `units` (U of them) of every layer, vocabulary rows `tokens`.
    final class Part {
        let units: Range<Int>
        let tokens: Range<Int>
        /// Per layer, this part's gate rows [i; f; g; o] of its units: W_ih [4U, In] (for one-hot input
        /// transposed, [V, 4U]), W_hh [4U, H], b_ih + b_hh [4U].
        let inputWeights: [FloatBuffer], recurrentWeights: [FloatBuffer], bias: [FloatBuffer]
        /// [B, 4U] input and recurrent terms; tanh c [B, U].
        let inputTerm: FloatBuffer, recurrentTerm: FloatBuffer, tanhC: FloatBuffer
        /// [B, 4U] the top layer's recurrent term, computed in two halves of its rows (see `step`).
        let topRecurrentTerm: FloatBuffer

        /// Half 0 or 1 of this part's 4U gate rows.
        func topHalf(_ half: Int) -> Range<Int> { half == 0 ? 0..<2 * units.count : 2 * units.count..<4 * units.count }

        init(units: Range<Int>, tokens: Range<Int>, model: LSTMModel, batch: Int) {
            self.units = units
            self.tokens = tokens
            let config = model.config, layout = model.layout, hidden = config.hidden, width = units.count
            var inputs: [FloatBuffer] = [], recurrents: [FloatBuffer] = [], biases: [FloatBuffer] = []
            for layer in 0..<config.layers {
                let inputWidth = layer == 0 ? config.inputWidth : hidden
                let wih = layout.weightIH[layer].offset, whh = layout.weightHH[layer].offset
                let bih = layout.biasIH[layer].offset, bhh = layout.biasHH[layer].offset
                let input = FloatBuffer(count: 4 * width * inputWidth)
                let recurrent = FloatBuffer(count: 4 * width * hidden)
                let bias = FloatBuffer(count: 4 * width)
                let oneHot = layer == 0 && config.embedding == 0
                for gate in 0..<4 {
                    for (k, unit) in units.enumerated() {
                        let row = gate * hidden + unit, mine = gate * width + k
                        for column in 0..<inputWidth {
                            let value = model.parameters[wih + row * inputWidth + column]
                            if oneHot { input[column * 4 * width + mine] = value } else { input[mine * inputWidth + column] = value }
                        }
                        for column in 0..<hidden { recurrent[mine * hidden + column] = model.parameters[whh + row * hidden + column] }
                        bias[mine] = model.parameters[bih + row] + model.parameters[bhh + row]
                    }
                }
                inputs.append(input); recurrents.append(recurrent); biases.append(bias)
            }
            inputWeights = inputs; recurrentWeights = recurrents; bias = biases
            inputTerm = FloatBuffer(count: batch * 4 * width)
            recurrentTerm = FloatBuffer(count: batch * 4 * width)
            topRecurrentTerm = FloatBuffer(count: batch * 4 * width)
            tanhC = FloatBuffer(count: batch * width)
        }
    }

    /// A session over `model` for `batch` streams, all starting from the zero state. `threads` nil picks
    /// by the size of the weights: one thread when they fit a core's cache (below 4 MB: waking a second
    /// thread costs more than it saves), two above. More than one sets OpenBLAS to one thread per call.
    public init(model: LSTMModel, batch: Int, threads: Int? = nil, backend: GemmBackend = .blas,
                kernels: KernelInstructionSet = .selected) {
        precondition(batch >= 1, "a session needs at least one stream")
        config = model.config
        self.batch = batch
        self.backend = backend
        self.kernels = CellKernels(kernels)
        let hidden = config.hidden, v = config.vocabularySize, layout = model.layout
        let wanted = threads ?? (model.parameters.count * 4 >= 4 << 20 ? 2 : 1)
        self.threads = max(1, min(wanted, (hidden + 7) / 8))
        // The team's threads share the work; OpenBLAS must not add threads of its own inside each part.
        if self.threads > 1 { BLASInfo.setThreads(1) }
        team = WorkerTeam(count: self.threads)
        barrier = SpinBarrier(count: self.threads)
        embedding = layout.embedding.map { FloatBuffer(Array(model.parameters[$0.offset..<$0.offset + $0.count])) }
        headWeight = FloatBuffer(Array(model.parameters[layout.headWeight.offset..<layout.headWeight.offset + v * hidden]))
        headBias = FloatBuffer(Array(model.parameters[layout.headBias.offset..<layout.headBias.offset + v]))
        h = (0..<config.layers).map { _ in FloatBuffer(count: batch * hidden) }
        hNew = (0..<config.layers).map { _ in FloatBuffer(count: batch * hidden) }
        c = (0..<config.layers).map { _ in FloatBuffer(count: batch * hidden) }
        input = FloatBuffer(count: batch * max(config.embedding, 1))
        let count = self.threads, chunks = (hidden + 7) / 8
        parts = (0..<count).map { part in
            Part(units: min(hidden, 8 * (chunks * part / count))..<min(hidden, 8 * (chunks * (part + 1) / count)),
                 tokens: (v * part / count)..<(v * (part + 1) / count), model: model, batch: batch)
        }
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
        let v = config.vocabularySize, hidden = config.hidden
        precondition(tokens.count == batch, "step: one token per stream")
        precondition(logits.count == batch * v, "step: logits must hold batch × vocabulary values")
        for token in tokens { precondition(token >= 0 && token < v, "token \(token) outside the vocabulary 0..<\(v)") }
        if let embedding {
            let e = config.embedding
            for (index, token) in tokens.enumerated() {
                (input.pointer + index * e).update(from: embedding.pointer + token * e, count: e)
            }
        }
        defer { topHalfFirst = 1 - topHalfFirst }
        tokens.withUnsafeBufferPointer { tokens in
            logits.withUnsafeMutableBufferPointer { out in
                let logits = out.baseAddress!
                let top = config.layers - 1, leadingHalf = topHalfFirst
                team.run { index in
                    let part = parts[index]
                    let width = part.units.count, first = part.units.lowerBound
                    // Half of the top layer's recurrent term first: its weights are the last this part read in
                    // the step before (the other half, below), so they are still in the core's cache.
                    if width > 0 {
                        let rows = part.topHalf(leadingHalf)
                        multiply(part.recurrentWeights[top].pointer + rows.lowerBound * hidden, rows: rows.count,
                                 columns: hidden, h[top].pointer, into: part.topRecurrentTerm.pointer + rows.lowerBound,
                                 outputStride: 4 * width, beta: 0)
                    }
                    for layer in 0..<config.layers {
                        if width > 0 {
                            let inputTerm = part.inputTerm.pointer
                            let recurrentTerm = layer == top ? part.topRecurrentTerm.pointer : part.recurrentTerm.pointer
                            for row in 0..<batch { (inputTerm + row * 4 * width).update(from: part.bias[layer].pointer, count: 4 * width) }
                            if layer == 0 && embedding == nil {
                                for row in 0..<batch {
                                    addInPlace(inputTerm + row * 4 * width,
                                               part.inputWeights[0].pointer + tokens[row] * 4 * width, count: 4 * width)
                                }
                            } else {
                                let x = layer == 0 ? input.pointer : hNew[layer - 1].pointer
                                multiply(part.inputWeights[layer].pointer, rows: 4 * width,
                                         columns: layer == 0 ? config.inputWidth : hidden, x, into: inputTerm, beta: 1)
                            }
                            let rows = layer == top ? part.topHalf(1 - leadingHalf) : 0..<4 * width
                            multiply(part.recurrentWeights[layer].pointer + rows.lowerBound * hidden, rows: rows.count,
                                     columns: hidden, h[layer].pointer, into: recurrentTerm + rows.lowerBound,
                                     outputStride: 4 * width, beta: 0)
                            // The new h goes to `hNew`: other parts may still be reading the old one. c is this
                            // part's own, updated in place (each row's values are read before they are written).
                            let c = Rows(c[layer].pointer + first, stride: hidden)
                            let hOut = Rows(hNew[layer].pointer + first, stride: hidden)
                            kernels.forward(CellForwardStep(
                                rows: batch, units: width, gates: Rows(part.inputTerm.pointer, stride: 4 * width),
                                gateStride: width, tokenInput: nil,
                                recurrent: Rows(recurrentTerm, stride: 4 * width), recurrentStride: width,
                                cPrev: c, tanhC: Rows(part.tanhC.pointer, stride: width), hOut: hOut, cNext: c,
                                hNext: hOut, resetNext: nil))
                        }
                        // The layer's new h is complete before the next layer (or the head) reads it, and every
                        // part has read the old h: each part moves its units of the new one into place.
                        barrier.wait()
                        for row in 0..<batch {
                            (h[layer].pointer + row * hidden + first).update(from: hNew[layer].pointer + row * hidden + first,
                                                                             count: width)
                        }
                    }
                    // Head: this part's vocabulary rows.
                    let tokenRows = part.tokens
                    if !tokenRows.isEmpty {
                        let top = hNew[config.layers - 1].pointer
                        for row in 0..<batch {
                            (logits + row * v + tokenRows.lowerBound).update(from: headBias.pointer + tokenRows.lowerBound,
                                                                             count: tokenRows.count)
                        }
                        let w = headWeight.pointer + tokenRows.lowerBound * hidden
                        if batch == 1 {
                            gemv(m: tokenRows.count, n: hidden, alpha: 1, a: w, lda: hidden, x: top, beta: 1,
                                 y: logits + tokenRows.lowerBound, backend: backend)
                        } else {
                            gemm(.none, .transposed, m: batch, n: tokenRows.count, k: hidden, alpha: 1, a: top, lda: hidden,
                                 b: w, ldb: hidden, beta: 1, c: logits + tokenRows.lowerBound, ldc: v, backend: backend)
                        }
                    }
                }
            }
        }
    }

    /// out [B, rows] = x [B, columns] · Wᵀ + β · out, with W [rows, columns] and out's rows
    /// `outputStride` apart (rows when nil).
    private func multiply(_ w: UnsafePointer<Float>, rows: Int, columns: Int, _ x: UnsafePointer<Float>,
                          into out: UnsafeMutablePointer<Float>, outputStride: Int? = nil, beta: Float) {
        if rows == 0 { return }
        if batch == 1 {
            gemv(m: rows, n: columns, alpha: 1, a: w, lda: columns, x: x, beta: beta, y: out, backend: backend)
        } else {
            gemm(.none, .transposed, m: batch, n: rows, k: columns, alpha: 1, a: x, lda: columns, b: w,
                 ldb: columns, beta: beta, c: out, ldc: outputStride ?? rows, backend: backend)
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

