import LiltKernelsInterface

/// One LSTM layer's workspace for windows of up to T steps over B streams (N = T·B rows, time-major:
/// row t·B + b is stream b at step t).
///
/// Forward keeps: `gates` [N, 4H] (activated), `hPrev` [N, H] and `cPrev` [N, H] (the state each step
/// started from, zero where a song starts), `tanhC` [N, H], `hOut` [N, H]; with dropout the mask and
/// the dropped output `y` [N, H]. Backward reads ∂L/∂y in `dY` [N, H] and turns `gates` into ∂L/∂a.
final class LSTMLayerWorkspace {
    let hidden: Int, input: Int, batch: Int, steps: Int
    let gates: FloatBuffer, hPrev: FloatBuffer, cPrev: FloatBuffer, tanhC: FloatBuffer, hOut: FloatBuffer
    /// Dropout applied to this layer's output (nil without dropout).
    let mask: FloatBuffer?, dropped: FloatBuffer?
    /// ∂L/∂(this layer's output after dropout), then ∂L/∂h.
    let dY: FloatBuffer
    /// The carried state [B, H]: h and c after the last step of the previous window.
    let hState: FloatBuffer, cState: FloatBuffer
    let dhNext: FloatBuffer, dcNext: FloatBuffer
    /// b_ih + b_hh [4H].
    let biasSum: FloatBuffer

    init(hidden: Int, input: Int, batch: Int, steps: Int, dropout: Bool) {
        self.hidden = hidden; self.input = input; self.batch = batch; self.steps = steps
        let n = batch * steps
        gates = FloatBuffer(count: n * 4 * hidden)
        hPrev = FloatBuffer(count: n * hidden)
        cPrev = FloatBuffer(count: n * hidden)
        tanhC = FloatBuffer(count: n * hidden)
        hOut = FloatBuffer(count: n * hidden)
        mask = dropout ? FloatBuffer(count: n * hidden) : nil
        dropped = dropout ? FloatBuffer(count: n * hidden) : nil
        dY = FloatBuffer(count: n * hidden)
        hState = FloatBuffer(count: batch * hidden)
        cState = FloatBuffer(count: batch * hidden)
        dhNext = FloatBuffer(count: batch * hidden)
        dcNext = FloatBuffer(count: batch * hidden)
        biasSum = FloatBuffer(count: 4 * hidden)
    }

    /// The output the next layer (or the head) reads: dropped when dropout is on in training.
    func output(training: Bool) -> UnsafeMutablePointer<Float> {
        training && dropped != nil ? dropped!.pointer : hOut.pointer
    }

    /// The recurrence over `steps` steps, after `gates` holds x·W_ihᵀ + b_ih + b_hh for every row (with
    /// `oneHot`, the input term of a row is instead the row of `oneHot.weights` [V, 4H] of its token);
    /// `resets[t·B + b]` ≠ 0 means stream b starts a song at step t: its state before t is zero.
    ///
    /// Run by every part of a team at once, each part owning the hidden units `units` of all streams:
    /// it multiplies h_{t−1} by its own rows of W_hh (copied to `partWeights` [4U, H] and, where the
    /// kernels have a packed product, packed into `packedWeights` once for the window) into `partGates`
    /// [B, 4U], applies the cell to its units, and meets the other parts at `barrier` once per step (h_t
    /// must be complete before step t + 1).
    func recur(steps: Int, part: Int, weightHH: UnsafePointer<Float>, resets: UnsafePointer<UInt8>,
               barrier: SpinBarrier, partWeights: UnsafeMutablePointer<Float>, packedWeights: UnsafeMutablePointer<Float>,
               partGates: UnsafeMutablePointer<Float>,
               oneHot: (weights: UnsafePointer<Float>, tokens: UnsafePointer<Int32>)? = nil, kernels: CellKernels,
               backend: GemmBackend) {
        let units = unitRange(part: part, of: barrier.count)
        let h = hidden, b = batch, first = units.lowerBound, width = units.count
        var weights: WindowOperand? = nil
        if width > 0 {
            for gate in 0..<4 {
                (partWeights + gate * width * h).update(from: weightHH + (gate * h + first) * h, count: width * h)
            }
            // B[k, j] = W_hh[row j of this part, k]: the part's rows, transposed.
            weights = WindowOperand(source: partWeights, rowStride: 1, columnStride: h, depth: h, columns: 4 * width,
                                    packed: packedWeights, kernels: kernels, backend: backend)
            // The state the first step starts from.
            for row in 0..<b {
                let reset = resets[row] != 0
                for j in units {
                    hPrev.pointer[row * h + j] = reset ? 0 : hState.pointer[row * h + j]
                    cPrev.pointer[row * h + j] = reset ? 0 : cState.pointer[row * h + j]
                }
            }
        }
        barrier.wait()
        for t in 0..<steps {
            if let weights {
                // This part's gates: h_{t-1} · W_hh[rows of its units]ᵀ. From step 1 on, the terms of its own
                // units of h_{t-1} were added before the barrier (while other parts finished their cells);
                // the other parts' units are added now.
                let hLast = hPrev.pointer + t * b * h
                if t == 0 {
                    weights.multiply(rows: b, depthRange: 0..<h, a: hLast, lda: h, c: partGates, ldc: 4 * width,
                                     accumulate: false)
                } else {
                    for other in 0..<barrier.count where other != part {
                        weights.multiply(rows: b, depthRange: unitRange(part: other, of: barrier.count), a: hLast,
                                         lda: h, c: partGates, ldc: 4 * width, accumulate: true)
                    }
                }
                let last = t == steps - 1
                let rows = t * b
                // The next step's state, or the carried state after the window's last step.
                let cNext = last ? cState.pointer : cPrev.pointer + (t + 1) * b * h
                let hNext = last ? hState.pointer : hPrev.pointer + (t + 1) * b * h
                kernels.forward(CellForwardStep(
                    rows: b, units: width, gates: Rows(gates.pointer + rows * 4 * h + first, stride: 4 * h), gateStride: h,
                    // One-hot input: the input term is the table's row of the token (b + W_ih[:, token]).
                    tokenInput: oneHot.map { TokenRows(table: UnsafeMutablePointer(mutating: $0.weights) + first, stride: 4 * h,
                                                       tokens: $0.tokens + rows) },
                    recurrent: Rows(partGates, stride: 4 * width), recurrentStride: width,
                    cPrev: Rows(cPrev.pointer + rows * h + first, stride: h),
                    tanhC: Rows(tanhC.pointer + rows * h + first, stride: h),
                    hOut: Rows(hOut.pointer + rows * h + first, stride: h),
                    cNext: Rows(cNext + first, stride: h), hNext: Rows(hNext + first, stride: h),
                    resetNext: last ? nil : resets + (t + 1) * b))
                if !last {
                    // The next step's terms of this part's own units of h_t.
                    weights.multiply(rows: b, depthRange: units, a: hPrev.pointer + (t + 1) * b * h, lda: h,
                                     c: partGates, ldc: 4 * width, accumulate: false)
                }
            }
            barrier.wait()
        }
    }

    /// The hidden units of part `part` of `parts`: contiguous pieces in multiples of 8 (one vector).
    func unitRange(part: Int, of parts: Int) -> Range<Int> {
        let chunks = (hidden + 7) / 8
        return min(hidden, 8 * (chunks * part / parts))..<min(hidden, 8 * (chunks * (part + 1) / parts))
    }

    /// Backward through the recurrence: from ∂L/∂h in `dY` to ∂L/∂a in `gates`. The gradient does not
    /// flow into the carried state (truncated BPTT) nor across a song start. Run by every part of a team,
    /// each owning the hidden units `units`: the cell for its units, then (once all of ∂L/∂a_t is there)
    /// its columns of ∂L/∂h_{t−1} = ∂L/∂a_t · W_hh.
    ///
    /// With one-hot input, each part also adds its columns of ∂L/∂a_t into ∂W_ihᵀ [V, 4H] row by token
    /// (while they are in cache).
    func recurBackward(steps: Int, units: Range<Int>, weightHH: UnsafePointer<Float>,
                       packedWeights: UnsafeMutablePointer<Float>, resets: UnsafePointer<UInt8>, barrier: SpinBarrier,
                       oneHot: (gradient: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, vocabulary: Int)? = nil,
                       kernels: CellKernels, backend: GemmBackend) {
        let h = hidden, b = batch, first = units.lowerBound, width = units.count
        // B[k, j] = W_hh[k, first + j]: the part's columns of W_hh [4H, H].
        let weights = width > 0 ? WindowOperand(source: weightHH + first, rowStride: h, columnStride: 1, depth: 4 * h,
                                                columns: width, packed: packedWeights, kernels: kernels,
                                                backend: backend) : nil
        for row in 0..<b {
            (dhNext.pointer + row * h + first).update(repeating: 0, count: width)
            (dcNext.pointer + row * h + first).update(repeating: 0, count: width)
        }
        if let oneHot {
            for token in 0..<oneHot.vocabulary {
                for gate in 0..<4 { (oneHot.gradient + token * 4 * h + gate * h + first).update(repeating: 0, count: width) }
            }
        }
        for t in stride(from: steps - 1, through: 0, by: -1) {
            if width > 0 {
                let rows = t * b
                kernels.backward(CellBackwardStep(
                    rows: b, units: width, gates: Rows(gates.pointer + rows * 4 * h + first, stride: 4 * h), gateStride: h,
                    cPrev: Rows(cPrev.pointer + rows * h + first, stride: h),
                    tanhC: Rows(tanhC.pointer + rows * h + first, stride: h),
                    dH: Rows(dY.pointer + rows * h + first, stride: h),
                    dhNext: Rows(dhNext.pointer + first, stride: h), dcNext: Rows(dcNext.pointer + first, stride: h),
                    cut: resets + rows,
                    gradientSums: oneHot.map { TokenRows(table: $0.gradient + first, stride: 4 * h, tokens: $0.tokens + rows) }))
            }
            if t > 0 {
                barrier.wait()
                if let weights {
                    weights.multiply(rows: b, depthRange: 0..<(4 * h), a: gates.pointer + t * b * 4 * h, lda: 4 * h,
                                     c: dhNext.pointer + first, ldc: h, accumulate: false)
                    for row in 0..<b where resets[t * b + row] != 0 {
                        (dhNext.pointer + row * h + first).update(repeating: 0, count: width)
                    }
                }
            }
        }
    }

    func resetState() {
        hState.zero()
        cState.zero()
    }
}
