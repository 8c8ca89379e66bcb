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

    /// The recurrence over a window of `steps` steps for the streams `streams`, after `gates` holds
    /// x·W_ihᵀ + b_ih + b_hh for every row (with `oneHot`, the input term of a row is instead the row of
    /// `oneHot.weights` [V, 4H] of its token); `resets[t·B + b]` ≠ 0 means stream b starts a song at step
    /// t: its state before t is zero. It runs from step `firstStep` (the streams' state at that step is
    /// already in `hPrev`, `cPrev` when it is not 0) to the window's end; between steps it offers the
    /// upper part of its streams to `handover` (as part `part`), and goes on with the rest.
    ///
    /// Streams are independent, so ranges of them run on different threads with no meeting between
    /// steps, and a stream's results do not depend on the range it is in. Each step multiplies the
    /// range's h_{t−1} by W_hhᵀ (`weights`, shared by every thread) into
    /// `scratch` [rows, 4H], then applies the cell; with `dropout` (and the layer's mask), the step's output
    /// rows are dropped.
    func recur(steps: Int, from firstStep: Int = 0, streams: Range<Int>, weights: WindowOperand,
               resets: UnsafePointer<UInt8>, scratch: UnsafeMutablePointer<Float>,
               oneHot: (weights: UnsafePointer<Float>, tokens: UnsafePointer<Int32>)? = nil,
               dropout: DropoutPass? = nil, kernels: CellKernels, handover: StreamHandover? = nil, part: Int = 0) {
        let h = hidden, b = batch, fourH = 4 * h, first = streams.lowerBound
        var rows = streams.count
        guard rows > 0 else { return }
        if firstStep == 0 {
            // The state the first step starts from.
            for row in streams {
                if resets[row] != 0 {
                    (hPrev.pointer + row * h).update(repeating: 0, count: h)
                    (cPrev.pointer + row * h).update(repeating: 0, count: h)
                } else {
                    (hPrev.pointer + row * h).update(from: hState.pointer + row * h, count: h)
                    (cPrev.pointer + row * h).update(from: cState.pointer + row * h, count: h)
                }
            }
        }
        for t in firstStep..<steps {
            if t > firstStep, let handover {
                rows = handover.offer(part: part, streams: first..<first + rows, nextStep: t, stepsLeft: steps - t) - first
            }
            let base = t * b + first
            weights.multiply(rows: rows, a: hPrev.pointer + base * h, lda: h, c: scratch, ldc: fourH)
            let last = t == steps - 1
            // The next step's state, or the carried state after the window's last step.
            let cNext = last ? cState.pointer : cPrev.pointer + (t + 1) * b * h
            let hNext = last ? hState.pointer : hPrev.pointer + (t + 1) * b * h
            kernels.forward(CellForwardStep(
                rows: rows, units: h, gates: Rows(gates.pointer + base * fourH, stride: fourH), gateStride: h,
                // One-hot input: the input term is the table's row of the token (b + W_ih[:, token]).
                tokenInput: oneHot.map { TokenRows(table: UnsafeMutablePointer(mutating: $0.weights), stride: fourH,
                                                   tokens: $0.tokens + base) },
                recurrent: Rows(scratch, stride: fourH), recurrentStride: h,
                cPrev: Rows(cPrev.pointer + base * h, stride: h),
                tanhC: Rows(tanhC.pointer + base * h, stride: h),
                hOut: Rows(hOut.pointer + base * h, stride: h),
                cNext: Rows(cNext + first * h, stride: h), hNext: Rows(hNext + first * h, stride: h),
                resetNext: last ? nil : resets + (t + 1) * b + first))
            if let dropout, let mask, let dropped {
                for row in base..<base + rows {
                    Dropout.forward(hOut.pointer, dropped.pointer, mask: mask.pointer, row: row, width: h,
                                    probability: dropout.probability, seed: dropout.seed, pass: dropout.pass,
                                    layer: dropout.layer)
                }
            }
        }
    }

    /// Backward through the recurrence for the streams `streams`: from ∂L/∂y in `dY` (times the dropout
    /// `mask`, when given) to ∂L/∂a in `gates`. The gradient does not flow into the carried state
    /// (truncated BPTT) nor across a song start. Each step runs the cell, then ∂L/∂h_{t−1} = ∂L/∂a_t ·
    /// W_hh (`weights`, shared by every thread). It runs from step `firstStep` (the window's last when
    /// nil; otherwise the streams' ∂L/∂h and ∂L/∂c from the step after it are already in `dhNext`,
    /// `dcNext`) down to step 0, offering streams to `handover` between steps as `recur` does.
    ///
    /// With one-hot input, ∂L/∂a rows are also added by token into `oneHot.gradient`, while they are in
    /// cache: one table [V, 4H] for each group of `StreamSplit.group` streams (g · V · 4H floats in for
    /// group g), so the sums do not depend on how streams are shared among threads. `streams` must start
    /// at a multiple of the group.
    func recurBackward(steps: Int, from firstStep: Int? = nil, streams: Range<Int>, weights: WindowOperand,
                       resets: UnsafePointer<UInt8>, mask: UnsafePointer<Float>?,
                       oneHot: (gradient: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, vocabulary: Int)? = nil,
                       kernels: CellKernels, handover: StreamHandover? = nil, part: Int = 0) {
        let h = hidden, b = batch, fourH = 4 * h, first = streams.lowerBound, lastStep = firstStep ?? steps - 1
        var rows = streams.count
        guard rows > 0 else { return }
        let group = StreamSplit.group, tableSize = (oneHot?.vocabulary ?? 0) * fourH
        precondition(oneHot == nil || first % group == 0, "recurBackward: streams must start at a group")
        if lastStep == steps - 1 {
            (dhNext.pointer + first * h).update(repeating: 0, count: rows * h)
            (dcNext.pointer + first * h).update(repeating: 0, count: rows * h)
            if let oneHot {
                (oneHot.gradient + first / group * tableSize).update(repeating: 0, count: (rows + group - 1) / group * tableSize)
            }
        }
        for t in stride(from: lastStep, through: 0, by: -1) {
            if t < lastStep, let handover {
                rows = handover.offer(part: part, streams: first..<first + rows, nextStep: t, stepsLeft: t + 1) - first
            }
            let streams = first..<first + rows
            let base = t * b + first
            if let mask { Dropout.backward(dY.pointer + base * h, mask: mask + base * h, count: rows * h) }
            // One call for the range, or one for each group with its own gradient table.
            var start = first
            while start < streams.upperBound {
                let end = oneHot == nil ? streams.upperBound : min(streams.upperBound, start + group)
                let row = t * b + start
                kernels.backward(CellBackwardStep(
                    rows: end - start, units: h, gates: Rows(gates.pointer + row * fourH, stride: fourH), gateStride: h,
                    cPrev: Rows(cPrev.pointer + row * h, stride: h),
                    tanhC: Rows(tanhC.pointer + row * h, stride: h),
                    dH: Rows(dY.pointer + row * h, stride: h),
                    dhNext: Rows(dhNext.pointer + start * h, stride: h), dcNext: Rows(dcNext.pointer + start * h, stride: h),
                    cut: resets + row,
                    gradientSums: oneHot.map { TokenRows(table: $0.gradient + start / group * tableSize, stride: fourH,
                                                         tokens: $0.tokens + row) }))
                start = end
            }
            if t > 0 {
                weights.multiply(rows: rows, a: gates.pointer + base * fourH, lda: fourH, c: dhNext.pointer + first * h,
                                 ldc: h)
                for row in streams where resets[t * b + row] != 0 {
                    (dhNext.pointer + row * h).update(repeating: 0, count: h)
                }
            }
        }
    }

    /// What fixes a training pass's dropout masks (see `Dropout`).
    struct DropoutPass {
        var probability: Float, seed: UInt64, pass: UInt64, layer: Int
    }

    func resetState() {
        hState.zero()
        cState.zero()
    }
}
