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

    /// The recurrence over `steps` steps for streams `streams`, after `gates` holds x·W_ihᵀ + b_ih + b_hh
    /// for their rows. `resets[t·B + b]` ≠ 0 means stream b starts a song at step t: its state before t
    /// is zero. Streams are independent, so disjoint ranges can run at the same time.
    func recur(steps: Int, streams: Range<Int>, weightHH: UnsafePointer<Float>, resets: UnsafePointer<UInt8>,
               backend: GemmBackend) {
        let h = hidden, b = batch, first = streams.lowerBound, width = streams.count
        guard width > 0 else { return }
        // The state the first step starts from.
        for row in streams {
            let reset = resets[row] != 0
            for j in 0..<h {
                hPrev.pointer[row * h + j] = reset ? 0 : hState.pointer[row * h + j]
                cPrev.pointer[row * h + j] = reset ? 0 : cState.pointer[row * h + j]
            }
        }
        for t in 0..<steps {
            let rowT = t * b + first
            // gates_t += h_{t-1} · W_hhᵀ
            gemm(.none, .transposed, m: width, n: 4 * h, k: h, alpha: 1, a: hPrev.pointer + rowT * h, lda: h,
                 b: weightHH, ldb: h, beta: 1, c: gates.pointer + rowT * 4 * h, ldc: 4 * h, backend: backend)
            let last = t == steps - 1
            for row in streams {
                let r = t * b + row
                let next = (t + 1) * b + row
                let cNext = last ? cState.pointer + row * h : cPrev.pointer + next * h
                let hNext = last ? hState.pointer + row * h : hPrev.pointer + next * h
                lstmCellForward(
                    gates: gates.pointer + r * 4 * h, cPrev: cPrev.pointer + r * h, tanhC: tanhC.pointer + r * h,
                    hOut: hOut.pointer + r * h, cNext: cNext, hNext: hNext,
                    resetNext: last ? false : resets[next] != 0, hidden: h)
            }
        }
    }

    /// Backward through the recurrence for streams `streams`: from ∂L/∂h in `dY` to ∂L/∂a in `gates`.
    /// The gradient does not flow into the carried state (truncated BPTT) nor across a song start.
    func recurBackward(steps: Int, streams: Range<Int>, weightHH: UnsafePointer<Float>,
                       resets: UnsafePointer<UInt8>, backend: GemmBackend) {
        let h = hidden, b = batch, first = streams.lowerBound, width = streams.count
        guard width > 0 else { return }
        (dhNext.pointer + first * h).update(repeating: 0, count: width * h)
        (dcNext.pointer + first * h).update(repeating: 0, count: width * h)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for row in streams {
                let r = t * b + row
                lstmCellBackward(
                    gates: gates.pointer + r * 4 * h, cPrev: cPrev.pointer + r * h, tanhC: tanhC.pointer + r * h,
                    dH: dY.pointer + r * h, dhNext: dhNext.pointer + row * h, dcNext: dcNext.pointer + row * h,
                    cut: resets[r] != 0, hidden: h)
            }
            if t > 0 {
                // ∂L/∂h_{t-1} = ∂L/∂a_t · W_hh, nothing across a song start.
                gemm(.none, .none, m: width, n: h, k: 4 * h, alpha: 1, a: gates.pointer + (t * b + first) * 4 * h,
                     lda: 4 * h, b: weightHH, ldb: h, beta: 0, c: dhNext.pointer + first * h, ldc: h, backend: backend)
                for row in streams where resets[t * b + row] != 0 {
                    (dhNext.pointer + row * h).update(repeating: 0, count: h)
                }
            }
        }
    }

    func resetState() {
        hState.zero()
        cState.zero()
    }
}
