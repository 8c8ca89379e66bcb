/// Loss, accuracy and counts of one forward pass over a window.
public struct WindowTotals: Sendable, Equatable {
    /// Sum of the natural-log cross-entropy over counted steps.
    public var loss: Double = 0
    /// Steps with a target (the loss is `loss / count`).
    public var count = 0
    /// Steps whose most likely token was the target.
    public var correct = 0
    /// The same over the steps whose target is an onset token.
    public var onsetLoss: Double = 0, onsetCount = 0, onsetCorrect = 0

    public init() {}

    public static func += (lhs: inout WindowTotals, rhs: WindowTotals) {
        lhs.loss += rhs.loss; lhs.count += rhs.count; lhs.correct += rhs.correct
        lhs.onsetLoss += rhs.onsetLoss; lhs.onsetCount += rhs.onsetCount; lhs.onsetCorrect += rhs.onsetCorrect
    }

    /// Mean cross-entropy per counted step (nats); 0 when nothing was counted.
    public var meanLoss: Double { count > 0 ? loss / Double(count) : 0 }
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }
    public var meanOnsetLoss: Double { onsetCount > 0 ? onsetLoss / Double(onsetCount) : 0 }
    public var onsetAccuracy: Double { onsetCount > 0 ? Double(onsetCorrect) / Double(onsetCount) : 0 }
}

/// The training graph of a model for windows of up to `steps` steps over `batch` parallel streams:
/// parameters and gradients (one buffer each, `ParameterLayout` order), carried LSTM state, and every
/// workspace, allocated once. A forward + backward pass allocates nothing.
///
/// A window is given as `inputs`, `targets` (−1: no loss) and `resets` (≠ 0: the stream starts a song at
/// this step, so its state before the step is zero), each [T, B] time-major (index t·B + b).
public final class LSTMNetwork {
    public let config: LSTMConfig
    public let layout: ParameterLayout
    public let batch: Int
    public let steps: Int
    let backend: GemmBackend
    let parameters: FloatBuffer
    let gradients: FloatBuffer
    let layers: [LSTMLayerWorkspace]

    /// Embedded input [N, E] and its gradient (with an embedding); W_ih of layer 0 transposed [V, 4H] and
    /// its gradient (one-hot input: a row gather instead of a multiply).
    let embedded: FloatBuffer?, dEmbedded: FloatBuffer?
    let oneHotWeights: FloatBuffer?, dOneHotWeights: FloatBuffer?
    let logits: FloatBuffer
    let inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
    let resets: UnsafeMutablePointer<UInt8>
    /// onsets[token]: the token counts as an onset in the onset-only figures.
    let onsets: UnsafeMutablePointer<Bool>
    var dropoutGenerator: SeededGenerator
    /// Steps of the last forward pass, and whether it was a training pass.
    private var lastSteps = 0
    private var lastTraining = false

    /// A graph over `model`'s parameters. `onsetTokens` are counted apart in the onset-only figures.
    public init(model: LSTMModel, batch: Int, steps: Int, onsetTokens: Set<Int> = [], dropoutSeed: UInt64 = 0,
                backend: GemmBackend = .blas) {
        precondition(batch >= 1 && steps >= 1, "a window needs at least one stream and one step")
        config = model.config
        layout = model.layout
        self.batch = batch
        self.steps = steps
        self.backend = backend
        parameters = FloatBuffer(model.parameters)
        gradients = FloatBuffer(count: layout.count)
        let n = batch * steps, h = config.hidden, v = config.vocabularySize
        let modelConfig = model.config
        layers = (0..<modelConfig.layers).map { layer in
            LSTMLayerWorkspace(hidden: h, input: layer == 0 ? modelConfig.inputWidth : h, batch: batch,
                               steps: steps, dropout: modelConfig.dropout > 0)
        }
        if config.embedding > 0 {
            embedded = FloatBuffer(count: n * config.embedding)
            dEmbedded = FloatBuffer(count: n * config.embedding)
            oneHotWeights = nil; dOneHotWeights = nil
        } else {
            embedded = nil; dEmbedded = nil
            oneHotWeights = FloatBuffer(count: v * 4 * h)
            dOneHotWeights = FloatBuffer(count: v * 4 * h)
        }
        logits = FloatBuffer(count: n * v)
        inputs = .allocate(capacity: n); inputs.initialize(repeating: 0, count: n)
        targets = .allocate(capacity: n); targets.initialize(repeating: -1, count: n)
        resets = .allocate(capacity: n); resets.initialize(repeating: 1, count: n)
        onsets = .allocate(capacity: max(v, 1)); onsets.initialize(repeating: false, count: max(v, 1))
        for token in onsetTokens where token >= 0 && token < v { onsets[token] = true }
        dropoutGenerator = SeededGenerator(seed: dropoutSeed)
    }

    deinit {
        inputs.deallocate(); targets.deallocate(); resets.deallocate(); onsets.deallocate()
    }

    /// The current parameters as a model value.
    public var model: LSTMModel { LSTMModel(config: config, parameters: parameters.array) }

    /// Replaces the parameters (same configuration).
    public func load(_ model: LSTMModel) {
        precondition(model.config == config, "load: configuration differs")
        model.parameters.withUnsafeBufferPointer { parameters.pointer.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// The gradient of the last backward pass, `ParameterLayout` order.
    public var gradient: [Float] { gradients.array }

    /// Zeroes the carried state of every stream.
    public func resetState() { for layer in layers { layer.resetState() } }

    /// The carried state, layer by layer: h [B, H] then c [B, H].
    public var state: [[Float]] {
        get { layers.flatMap { [$0.hState.array, $0.cState.array] } }
        set {
            precondition(newValue.count == 2 * layers.count, "state: two arrays per layer")
            for (index, layer) in layers.enumerated() {
                for (buffer, values) in [(layer.hState, newValue[2 * index]), (layer.cState, newValue[2 * index + 1])] {
                    precondition(values.count == buffer.count, "state: wrong size")
                    values.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: $0.count) }
                }
            }
        }
    }

    /// The random stream of the dropout masks (to save and restore when resuming).
    public var dropoutState: SeededGenerator {
        get { dropoutGenerator }
        set { dropoutGenerator = newValue }
    }

    /// Runs the window: `windowInputs`, `windowTargets` (−1: no loss), `windowResets` are [T, B] with
    /// T = count / B ≤ `steps`. With `training`, dropout is applied and the pass is ready for `backward()`;
    /// without, the logits stay readable in `logitsOfLastPass`. The carried state moves on to the state
    /// after the window's last step.
    @discardableResult
    public func forward(inputs windowInputs: [Int32], targets windowTargets: [Int32], resets windowResets: [UInt8],
                        training: Bool) -> WindowTotals {
        let count = windowInputs.count
        precondition(count % batch == 0 && count / batch <= steps && count > 0, "window shape")
        precondition(windowTargets.count == count && windowResets.count == count, "window arrays differ in size")
        windowInputs.withUnsafeBufferPointer { inputs.update(from: $0.baseAddress!, count: count) }
        windowTargets.withUnsafeBufferPointer { targets.update(from: $0.baseAddress!, count: count) }
        windowResets.withUnsafeBufferPointer { resets.update(from: $0.baseAddress!, count: count) }
        return forwardLoaded(steps: count / batch, training: training)
    }

    /// The forward pass over the window already written in `inputs`, `targets`, `resets`.
    func forwardLoaded(steps t: Int, training: Bool) -> WindowTotals {
        let n = t * batch, h = config.hidden, v = config.vocabularySize
        let p = parameters.pointer
        for token in UnsafeBufferPointer(start: inputs, count: n) {
            precondition(token >= 0 && Int(token) < v, "input token \(token) outside the vocabulary 0..<\(v)")
        }
        for token in UnsafeBufferPointer(start: targets, count: n) {
            precondition(token < Int32(v), "target token \(token) outside the vocabulary 0..<\(v)")
        }
        lastSteps = t
        lastTraining = training
        var below: UnsafeMutablePointer<Float>? = nil
        if let embedded {
            let e = config.embedding
            let table = p + layout.embedding!.offset
            for row in 0..<n { (embedded.pointer + row * e).update(from: table + Int(inputs[row]) * e, count: e) }
            below = embedded.pointer
        }
        for (index, layer) in layers.enumerated() {
            let fourH = 4 * h
            let wih = p + layout.weightIH[index].offset
            let bih = p + layout.biasIH[index].offset, bhh = p + layout.biasHH[index].offset
            for j in 0..<fourH { layer.biasSum[j] = bih[j] + bhh[j] }
            if let x = below {
                // gates = x · W_ihᵀ + b for all T steps in one gemm.
                for row in 0..<n { (layer.gates.pointer + row * fourH).update(from: layer.biasSum.pointer, count: fourH) }
                gemm(.none, .transposed, m: n, n: fourH, k: layer.input, alpha: 1, a: x, lda: layer.input,
                     b: wih, ldb: layer.input, beta: 1, c: layer.gates.pointer, ldc: fourH, backend: backend)
            } else {
                // One-hot input: gates = W_ih[:, token] + b, a row of W_ihᵀ.
                let transposed = oneHotWeights!.pointer
                for j in 0..<fourH { for token in 0..<v { transposed[token * fourH + j] = wih[j * v + token] } }
                for row in 0..<n {
                    let out = layer.gates.pointer + row * fourH
                    out.update(from: layer.biasSum.pointer, count: fourH)
                    addInPlace(out, transposed + Int(inputs[row]) * fourH, count: fourH)
                }
            }
            layer.recur(steps: t, weightHH: p + layout.weightHH[index].offset, resets: resets, backend: backend)
            if training, let mask = layer.mask, let dropped = layer.dropped {
                Dropout.forward(layer.hOut.pointer, dropped.pointer, mask: mask.pointer, count: n * h,
                                probability: config.dropout, generator: &dropoutGenerator)
            }
            below = layer.output(training: training)
        }
        // Head: logits = y · W_headᵀ + b.
        let top = below!
        let headBias = p + layout.headBias.offset
        for row in 0..<n { (logits.pointer + row * v).update(from: headBias, count: v) }
        gemm(.none, .transposed, m: n, n: v, k: h, alpha: 1, a: top, lda: h, b: p + layout.headWeight.offset, ldb: h,
             beta: 1, c: logits.pointer, ldc: v, backend: backend)
        let rows = SoftmaxCrossEntropy.apply(logits: logits.pointer, rows: n, vocabulary: v, targets: targets,
                                             onsets: onsets, gradient: training)
        var totals = WindowTotals()
        totals.loss = rows.loss; totals.count = rows.count; totals.correct = rows.correct
        totals.onsetLoss = rows.onsetLoss; totals.onsetCount = rows.onsetCount; totals.onsetCorrect = rows.onsetCorrect
        return totals
    }

    /// The logits [T·B, V] of the last forward pass that was not a training pass.
    public var logitsOfLastPass: [Float] {
        precondition(!lastTraining, "the logits of a training pass have become gradients")
        return Array(UnsafeBufferPointer(start: logits.pointer, count: lastSteps * batch * config.vocabularySize))
    }

    /// Backward through the last forward pass, which must have been a training pass: writes
    /// ∂(mean loss)/∂parameters into the gradient buffer (overwriting it).
    public func backward() {
        precondition(lastTraining && lastSteps > 0, "backward() needs a training forward pass before it")
        let t = lastSteps, n = t * batch, h = config.hidden, v = config.vocabularySize, fourH = 4 * h
        let p = parameters.pointer, g = gradients.pointer
        gradients.zero()
        let training = lastTraining
        // Head: ∂W = ∂logitsᵀ · y, ∂b = Σ rows ∂logits, ∂y = ∂logits · W.
        let top = layers.last!
        let y = top.output(training: training)
        gemm(.transposed, .none, m: v, n: h, k: n, alpha: 1, a: logits.pointer, lda: v, b: y, ldb: h,
             beta: 0, c: g + layout.headWeight.offset, ldc: h, backend: backend)
        for row in 0..<n { addInPlace(g + layout.headBias.offset, logits.pointer + row * v, count: v) }
        gemm(.none, .none, m: n, n: h, k: v, alpha: 1, a: logits.pointer, lda: v, b: p + layout.headWeight.offset,
             ldb: h, beta: 0, c: top.dY.pointer, ldc: h, backend: backend)
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[index]
            if training, let mask = layer.mask { Dropout.backward(layer.dY.pointer, mask: mask.pointer, count: n * h) }
            let whh = p + layout.weightHH[index].offset
            layer.recurBackward(steps: t, weightHH: whh, resets: resets, backend: backend)
            let dG = layer.gates.pointer
            // Weight gradients of the whole window, one gemm per matrix.
            gemm(.transposed, .none, m: fourH, n: h, k: n, alpha: 1, a: dG, lda: fourH, b: layer.hPrev.pointer,
                 ldb: h, beta: 0, c: g + layout.weightHH[index].offset, ldc: h, backend: backend)
            let dbih = g + layout.biasIH[index].offset
            for row in 0..<n { addInPlace(dbih, dG + row * fourH, count: fourH) }
            (g + layout.biasHH[index].offset).update(from: dbih, count: fourH)
            let dwih = g + layout.weightIH[index].offset
            if index > 0 || embedded != nil {
                let x = index > 0 ? layers[index - 1].output(training: training) : embedded!.pointer
                gemm(.transposed, .none, m: fourH, n: layer.input, k: n, alpha: 1, a: dG, lda: fourH, b: x,
                     ldb: layer.input, beta: 0, c: dwih, ldc: layer.input, backend: backend)
                // ∂x = ∂a · W_ih, into the layer below's ∂y (or the embedding's gradient rows).
                let dX = index > 0 ? layers[index - 1].dY.pointer : dEmbedded!.pointer
                gemm(.none, .none, m: n, n: layer.input, k: fourH, alpha: 1, a: dG, lda: fourH,
                     b: p + layout.weightIH[index].offset, ldb: layer.input, beta: 0, c: dX, ldc: layer.input,
                     backend: backend)
            } else {
                // One-hot: scatter rows of ∂a into ∂W_ihᵀ, then transpose into place.
                let dT = dOneHotWeights!.pointer
                dOneHotWeights!.zero()
                for row in 0..<n { addInPlace(dT + Int(inputs[row]) * fourH, dG + row * fourH, count: fourH) }
                for j in 0..<fourH { for token in 0..<v { dwih[j * v + token] = dT[token * fourH + j] } }
            }
        }
        if let dEmbedded {
            let e = config.embedding
            let dTable = g + layout.embedding!.offset
            for row in 0..<n { addInPlace(dTable + Int(inputs[row]) * e, dEmbedded.pointer + row * e, count: e) }
        }
    }
}
