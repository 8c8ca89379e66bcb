import Foundation
import LiltKernels
import LiltKernelsInterface

/// Loss, accuracy and counts of one forward pass over a window.
public struct WindowTotals: Sendable, Equatable, Codable {
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
///
/// Work is shared among `threads` (a team of dedicated threads): the recurrence by streams, one range
/// for each thread through the whole window (streams are independent, so threads never wait for each
/// other between steps), sized by how fast each thread has been running (`StreamSplit`); the large
/// products and elementwise passes by rows or columns. Each thread's OpenBLAS call runs single-threaded
/// in that thread. Results depend on the seed and the thread count only.
public final class LSTMNetwork {
    public let config: LSTMConfig
    public let layout: ParameterLayout
    public let batch: Int
    public let steps: Int
    let backend: GemmBackend
    /// The build of the cell kernels in use.
    let kernels: CellKernels
    /// Threads sharing a pass.
    public let threads: Int
    let parameters: FloatBuffer
    let gradients: FloatBuffer
    let layers: [LSTMLayerWorkspace]
    let team: WorkerTeam
    /// Per thread: the recurrent gate products of its streams [rows, 4H].
    let partGates: [FloatBuffer]
    /// W_hh packed for the recurrent products of the layer being run (see `WindowOperand`), shared by
    /// every thread: W_hhᵀ going forward, W_hh going backward.
    let packedWeights: FloatBuffer

    /// Embedded input [N, E] and its gradient (with an embedding); W_ih of layer 0 transposed [V, 4H] and
    /// its gradient (one-hot input: a row gather instead of a multiply).
    let embedded: FloatBuffer?, dEmbedded: FloatBuffer?
    let oneHotWeights: FloatBuffer?
    /// One-hot input: each stream group's sums of ∂a rows by token [V, 4H], added up in group order after
    /// the recurrence (so the gradient does not depend on which thread ran which streams).
    let dOneHotGroups: FloatBuffer?
    /// The streams of each thread in the recurrence.
    let split: StreamSplit
    /// Streams handed from part to part inside a pass of the recurrence.
    let handover: StreamHandover
    let logits: FloatBuffer
    let inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
    let resets: UnsafeMutablePointer<UInt8>
    /// onsets[token]: the token counts as an onset in the onset-only figures.
    let onsets: UnsafeMutablePointer<Bool>
    /// Loss totals of each thread's rows in the last pass.
    let partTotals: UnsafeMutablePointer<SoftmaxCrossEntropy.RowTotals>
    let dropoutSeed: UInt64
    /// Training passes made so far: with the seed, it fixes the next dropout masks.
    public var passes: UInt64 = 0
    /// Steps of the last forward pass, and whether it was a training pass.
    private var lastSteps = 0
    private var lastTraining = false

    /// A graph over `model`'s parameters. `onsetTokens` are counted apart in the onset-only figures.
    /// `threads` > 1 sets OpenBLAS to one thread per call (the threads here share the work instead).
    /// `kernels` chooses the build of the cell kernels (every build gives the same results).
    public init(model: LSTMModel, batch: Int, steps: Int, onsetTokens: Set<Int> = [], dropoutSeed: UInt64 = 0,
                threads: Int = 2, backend: GemmBackend = .blas, kernels: KernelInstructionSet = .selected) {
        precondition(batch >= 1 && steps >= 1, "a window needs at least one stream and one step")
        config = model.config
        layout = model.layout
        self.batch = batch
        self.steps = steps
        self.backend = backend
        self.kernels = CellKernels(kernels)
        self.threads = max(1, threads)
        if self.threads > 1 { BLASInfo.setThreads(1) }
        parameters = FloatBuffer(model.parameters)
        gradients = FloatBuffer(count: layout.count)
        team = WorkerTeam(count: self.threads)
        let n = batch * steps, h = config.hidden, v = config.vocabularySize
        let modelConfig = model.config
        layers = (0..<modelConfig.layers).map { layer in
            LSTMLayerWorkspace(hidden: h, input: layer == 0 ? modelConfig.inputWidth : h, batch: batch,
                               steps: steps, dropout: modelConfig.dropout > 0)
        }
        split = StreamSplit(streams: batch, parts: self.threads)
        handover = StreamHandover(parts: self.threads)
        partGates = (0..<self.threads).map { _ in FloatBuffer(count: batch * 4 * h) }
        packedWeights = FloatBuffer(count: max(
            WindowOperand.packedFloats(depth: h, columns: 4 * h, kernels: self.kernels, backend: backend),
            WindowOperand.packedFloats(depth: 4 * h, columns: h, kernels: self.kernels, backend: backend)))
        if config.embedding > 0 {
            embedded = FloatBuffer(count: n * config.embedding)
            dEmbedded = FloatBuffer(count: n * config.embedding)
            oneHotWeights = nil; dOneHotGroups = nil
        } else {
            embedded = nil; dEmbedded = nil
            oneHotWeights = FloatBuffer(count: v * 4 * h)
            dOneHotGroups = FloatBuffer(count: split.groups * v * 4 * h)
        }
        logits = FloatBuffer(count: n * v)
        inputs = .allocate(capacity: n); inputs.initialize(repeating: 0, count: n)
        targets = .allocate(capacity: n); targets.initialize(repeating: -1, count: n)
        resets = .allocate(capacity: n); resets.initialize(repeating: 1, count: n)
        onsets = .allocate(capacity: max(v, 1)); onsets.initialize(repeating: false, count: max(v, 1))
        for token in onsetTokens where token >= 0 && token < v { onsets[token] = true }
        partTotals = .allocate(capacity: self.threads)
        partTotals.initialize(repeating: .init(), count: self.threads)
        self.dropoutSeed = dropoutSeed
    }

    deinit {
        inputs.deallocate(); targets.deallocate(); resets.deallocate(); onsets.deallocate(); partTotals.deallocate()
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

    /// Runs a pass of the recurrence over `steps` steps: `body(streams, firstStep, part)` on every part
    /// with its range of streams from the pass's first step (`firstStep` nil), then, as parts finish, on
    /// the streams they take over from the others (`handover`). Times each part's running and moves the
    /// ranges toward the parts' measured speeds.
    private func recurrence(steps: Int, _ body: (Range<Int>, Int?, Int) -> Void) {
        handover.begin(steps: steps, streams: split.range(part:))
        parallel { part in
            var streams = split.range(part: part), firstStep: Int? = nil
            var nanoseconds: UInt64 = 0
            while true {
                let start = DispatchTime.now().uptimeNanoseconds
                body(streams, firstStep, part)
                nanoseconds += DispatchTime.now().uptimeNanoseconds - start
                guard let parcel = handover.next(part: part) else { break }
                (streams, firstStep) = (parcel.streams, parcel.nextStep)
            }
            split.seconds[part] = Double(nanoseconds) / 1e9
        }
        for part in 0..<threads { split.work[part] = Double(handover.work[part]) }
        split.rebalance()
    }

    /// Runs `body(part)` for every part 0..<threads, at the same time.
    private func parallel(_ body: (Int) -> Void) { team.run(body) }


    /// The `part`-th of `threads` contiguous pieces of `0..<count`.
    private func piece(_ part: Int, of count: Int) -> Range<Int> {
        (count * part / threads)..<(count * (part + 1) / threads)
    }

    /// Runs the window: `windowInputs`, `windowTargets` (−1: no loss), `windowResets` are [T, B] with
    /// T = count / B ≤ `steps`. With `training`, dropout is applied and the pass is ready for `backward()`;
    /// without, the logits stay readable in `logitsOfLastPass`. The carried state moves on to the state
    /// after the window's last step.
    @discardableResult
    public func forward(inputs windowInputs: [Int32], targets windowTargets: [Int32], resets windowResets: [UInt8],
                        training: Bool) -> WindowTotals {
        forwardLoaded(steps: loadWindow(inputs: windowInputs, targets: windowTargets, resets: windowResets),
                      training: training)
    }

    /// Copies a window into the network's buffers; returns its number of steps.
    func loadWindow(inputs windowInputs: [Int32], targets windowTargets: [Int32], resets windowResets: [UInt8]) -> Int {
        let count = windowInputs.count
        precondition(count % batch == 0 && count / batch <= steps && count > 0, "window shape")
        precondition(windowTargets.count == count && windowResets.count == count, "window arrays differ in size")
        windowInputs.withUnsafeBufferPointer { inputs.update(from: $0.baseAddress!, count: count) }
        windowTargets.withUnsafeBufferPointer { targets.update(from: $0.baseAddress!, count: count) }
        windowResets.withUnsafeBufferPointer { resets.update(from: $0.baseAddress!, count: count) }
        return count / batch
    }

    /// The forward pass over the window already written in `inputs`, `targets`, `resets`.
    func forwardLoaded(steps t: Int, training: Bool) -> WindowTotals {
        let n = t * batch, h = config.hidden, v = config.vocabularySize, fourH = 4 * h
        let p = parameters.pointer
        for token in UnsafeBufferPointer(start: inputs, count: n) {
            precondition(token >= 0 && Int(token) < v, "input token \(token) outside the vocabulary 0..<\(v)")
        }
        var counted = 0
        for token in UnsafeBufferPointer(start: targets, count: n) {
            precondition(token < Int32(v), "target token \(token) outside the vocabulary 0..<\(v)")
            if token >= 0 { counted += 1 }
        }
        lastSteps = t
        lastTraining = training
        if training { passes += 1 }
        let pass = passes
        var below: UnsafeMutablePointer<Float>? = nil
        if let embedded {
            let e = config.embedding
            let table = p + layout.embedding!.offset
            for row in 0..<n { (embedded.pointer + row * e).update(from: table + Int(inputs[row]) * e, count: e) }
            below = embedded.pointer
        }
        for (index, layer) in layers.enumerated() {
            let wih = p + layout.weightIH[index].offset
            let bih = p + layout.biasIH[index].offset, bhh = p + layout.biasHH[index].offset
            for j in 0..<fourH { layer.biasSum[j] = bih[j] + bhh[j] }
            let transposed = oneHotWeights?.pointer
            if below == nil, let transposed {
                // Row `token`: b_ih + b_hh + W_ih[:, token], the whole input term of a step with that token.
                for j in 0..<fourH {
                    for token in 0..<v { transposed[token * fourH + j] = wih[j * v + token] + layer.biasSum[j] }
                }
            }
            // B[k, j] = W_hh[j, k]: the recurrent product h_{t−1} · W_hhᵀ.
            let weights = WindowOperand(source: p + layout.weightHH[index].offset, rowStride: 1, columnStride: h,
                                        depth: h, columns: fourH, packed: packedWeights.pointer, kernels: kernels,
                                        backend: backend)
            parallel { part in
                weights.pack(part: part, of: threads)
                if let x = below {
                    // gates = x · W_ihᵀ + b for all T steps in one gemm (shared by rows).
                    let rows = piece(part, of: n)
                    for row in rows { (layer.gates.pointer + row * fourH).update(from: layer.biasSum.pointer, count: fourH) }
                    gemm(.none, .transposed, m: rows.count, n: fourH, k: layer.input, alpha: 1,
                         a: x + rows.lowerBound * layer.input, lda: layer.input, b: wih, ldb: layer.input, beta: 1,
                         c: layer.gates.pointer + rows.lowerBound * fourH, ldc: fourH, backend: backend)
                }
            }
            // One-hot input: the cell reads b + W_ih[:, token] (a row of the table above) directly.
            let oneHot = below == nil ? transposed.map { (weights: UnsafePointer($0), tokens: UnsafePointer(inputs)) } : nil
            let dropout = training && layer.mask != nil
                ? LSTMLayerWorkspace.DropoutPass(probability: config.dropout, seed: dropoutSeed, pass: pass, layer: index)
                : nil
            recurrence(steps: t) { streams, firstStep, part in
                layer.recur(steps: t, from: firstStep ?? 0, streams: streams, weights: weights, resets: resets,
                            scratch: partGates[part].pointer, oneHot: oneHot, dropout: dropout, kernels: kernels,
                            handover: handover, part: part)
            }
            below = layer.output(training: training)
        }
        // Head: logits = y · W_headᵀ + b, then softmax cross-entropy, rows shared among threads.
        let top = below!
        let headBias = p + layout.headBias.offset
        let scale = counted > 0 ? 1 / Float(counted) : 0
        parallel { part in
            let rows = piece(part, of: n)
            for row in rows { (logits.pointer + row * v).update(from: headBias, count: v) }
            gemm(.none, .transposed, m: rows.count, n: v, k: h, alpha: 1, a: top + rows.lowerBound * h, lda: h,
                 b: p + layout.headWeight.offset, ldb: h, beta: 1, c: logits.pointer + rows.lowerBound * v, ldc: v,
                 backend: backend)
            partTotals[part] = SoftmaxCrossEntropy.apply(logits: logits.pointer, rows: rows, vocabulary: v,
                                                         targets: targets, onsets: onsets, gradient: training,
                                                         scale: scale)
        }
        var totals = WindowTotals()
        for rows in UnsafeBufferPointer(start: partTotals, count: threads) {
            totals.loss += rows.loss; totals.count += rows.count; totals.correct += rows.correct
            totals.onsetLoss += rows.onsetLoss; totals.onsetCount += rows.onsetCount
            totals.onsetCorrect += rows.onsetCorrect
        }
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
        // Every gradient is written whole below except these sums, which start from zero.
        for tensor in [layout.headBias] + layout.biasIH + (layout.embedding.map { [$0] } ?? []) {
            (g + tensor.offset).update(repeating: 0, count: tensor.count)
        }
        let training = lastTraining
        // Head: ∂W = ∂logitsᵀ · y (shared by hidden columns: a product of all V rows runs faster than one
        // of V / threads), ∂b = Σ rows ∂logits (shared by vocabulary rows), ∂y = ∂logits · W (shared by
        // window rows).
        let top = layers.last!
        let y = top.output(training: training)
        parallel { part in
            let tokens = piece(part, of: v), rows = piece(part, of: n), columns = piece(part, of: h)
            gemm(.transposed, .none, m: v, n: columns.count, k: n, alpha: 1, a: logits.pointer, lda: v,
                 b: y + columns.lowerBound, ldb: h, beta: 0, c: g + layout.headWeight.offset + columns.lowerBound,
                 ldc: h, backend: backend)
            let dBias = g + layout.headBias.offset
            for row in 0..<n {
                for token in tokens { dBias[token] += logits.pointer[row * v + token] }
            }
            gemm(.none, .none, m: rows.count, n: h, k: v, alpha: 1, a: logits.pointer + rows.lowerBound * v, lda: v,
                 b: p + layout.headWeight.offset, ldb: h, beta: 0, c: top.dY.pointer + rows.lowerBound * h, ldc: h,
                 backend: backend)
        }
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[index]
            // B[k, j] = W_hh[k, j]: the recurrent product ∂a_t · W_hh.
            let weights = WindowOperand(source: p + layout.weightHH[index].offset, rowStride: h, columnStride: 1,
                                        depth: fourH, columns: h, packed: packedWeights.pointer, kernels: kernels,
                                        backend: backend)
            parallel { part in weights.pack(part: part, of: threads) }
            let oneHotGroups = index == 0 && embedded == nil ? dOneHotGroups?.pointer : nil
            recurrence(steps: t) { streams, firstStep, part in
                layer.recurBackward(steps: t, from: firstStep, streams: streams, weights: weights, resets: resets,
                                    mask: training ? layer.mask.map { UnsafePointer($0.pointer) } : nil,
                                    oneHot: oneHotGroups.map { (gradient: $0,
                                                                tokens: UnsafePointer(inputs), vocabulary: v) },
                                    kernels: kernels, handover: handover, part: part)
            }
            let dG = layer.gates.pointer
            let denseInput = index > 0 || embedded != nil
            let x = index > 0 ? layers[index - 1].output(training: training) : embedded?.pointer
            let dX = index > 0 ? layers[index - 1].dY.pointer : dEmbedded?.pointer
            let dwih = g + layout.weightIH[index].offset, dwhh = g + layout.weightHH[index].offset
            let dbih = g + layout.biasIH[index].offset
            let input = layer.input
            parallel { part in
                // Weight gradients of the whole window, one gemm per matrix (shared by gate rows).
                let gateRows = piece(part, of: fourH), rows = piece(part, of: n)
                gemm(.transposed, .none, m: gateRows.count, n: h, k: n, alpha: 1, a: dG + gateRows.lowerBound, lda: fourH,
                     b: layer.hPrev.pointer, ldb: h, beta: 0, c: dwhh + gateRows.lowerBound * h, ldc: h, backend: backend)
                if denseInput, let x, let dX {
                    for row in 0..<n {
                        addInPlace(dbih + gateRows.lowerBound, dG + row * fourH + gateRows.lowerBound, count: gateRows.count)
                    }
                    gemm(.transposed, .none, m: gateRows.count, n: input, k: n, alpha: 1, a: dG + gateRows.lowerBound,
                         lda: fourH, b: x, ldb: input, beta: 0, c: dwih + gateRows.lowerBound * input, ldc: input,
                         backend: backend)
                    // ∂x = ∂a · W_ih, into the layer below's ∂y (or the embedding's rows).
                    gemm(.none, .none, m: rows.count, n: input, k: fourH, alpha: 1, a: dG + rows.lowerBound * fourH,
                         lda: fourH, b: p + layout.weightIH[index].offset, ldb: input, beta: 0,
                         c: dX + rows.lowerBound * input, ldc: input, backend: backend)
                } else if let dT = dOneHotGroups?.pointer {
                    // One-hot: the recurrence scattered ∂a rows into each stream group's ∂W_ihᵀ; add the
                    // groups up into the first one's (in group order) and transpose it into place.
                    for group in 1..<split.groups {
                        for token in 0..<v {
                            addInPlace(dT + token * fourH + gateRows.lowerBound,
                                       dT + (group * v + token) * fourH + gateRows.lowerBound, count: gateRows.count)
                        }
                    }
                    for j in gateRows { for token in 0..<v { dwih[j * v + token] = dT[token * fourH + j] } }
                    // ∂b = Σ rows ∂a = Σ tokens ∂W_ihᵀ rows.
                    for token in 0..<v {
                        addInPlace(dbih + gateRows.lowerBound, dT + token * fourH + gateRows.lowerBound, count: gateRows.count)
                    }
                }
            }
            (g + layout.biasHH[index].offset).update(from: dbih, count: fourH)
        }
        if let dEmbedded {
            let e = config.embedding
            let dTable = g + layout.embedding!.offset
            parallel { part in
                let columns = piece(part, of: e)
                for row in 0..<n {
                    addInPlace(dTable + Int(inputs[row]) * e + columns.lowerBound,
                               dEmbedded.pointer + row * e + columns.lowerBound, count: columns.count)
                }
            }
        }
    }
}
