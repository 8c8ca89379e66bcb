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

    /// The recurrence over `steps` steps, after `gates` holds x·W_ihᵀ + b_ih + b_hh for every row.
    /// `resets[t·B + b]` ≠ 0 means stream b starts a song at step t: its state before t is zero.
    func recur(steps: Int, weightHH: UnsafePointer<Float>, resets: UnsafePointer<UInt8>, backend: GemmBackend) {
        let h = hidden, b = batch
        // The state the first step starts from.
        for row in 0..<b {
            let reset = resets[row] != 0
            for j in 0..<h {
                hPrev.pointer[row * h + j] = reset ? 0 : hState.pointer[row * h + j]
                cPrev.pointer[row * h + j] = reset ? 0 : cState.pointer[row * h + j]
            }
        }
        for t in 0..<steps {
            let gatesT = gates.pointer + t * b * 4 * h
            // gates_t += h_{t-1} · W_hhᵀ
            gemm(.none, .transposed, m: b, n: 4 * h, k: h, alpha: 1, a: hPrev.pointer + t * b * h, lda: h,
                 b: weightHH, ldb: h, beta: 1, c: gatesT, ldc: 4 * h, backend: backend)
            let last = t == steps - 1
            for row in 0..<b {
                let r = t * b + row
                let next = last ? nil : (t + 1) * b + row
                lstmCellForward(
                    gates: gatesT + row * 4 * h, cPrev: cPrev.pointer + r * h, tanhC: tanhC.pointer + r * h,
                    hOut: hOut.pointer + r * h,
                    cNext: next.map { cPrev.pointer + $0 * h } ?? cState.pointer + row * h,
                    hNext: next.map { hPrev.pointer + $0 * h } ?? hState.pointer + row * h,
                    resetNext: next.map { resets[$0] != 0 } ?? false, hidden: h)
            }
        }
    }

    /// Backward through the recurrence: from ∂L/∂h in `dY` to ∂L/∂a in `gates`. The gradient does not
    /// flow into the carried state (truncated BPTT) nor across a song start.
    func recurBackward(steps: Int, weightHH: UnsafePointer<Float>, resets: UnsafePointer<UInt8>,
                       backend: GemmBackend) {
        let h = hidden, b = batch
        dhNext.zero()
        dcNext.zero()
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let gatesT = gates.pointer + t * b * 4 * h
            for row in 0..<b {
                let r = t * b + row
                lstmCellBackward(
                    gates: gatesT + row * 4 * h, cPrev: cPrev.pointer + r * h, tanhC: tanhC.pointer + r * h,
                    dH: dY.pointer + r * h, dhNext: dhNext.pointer + row * h, dcNext: dcNext.pointer + row * h,
                    cut: resets[r] != 0, hidden: h)
            }
            if t > 0 {
                // ∂L/∂h_{t-1} = ∂L/∂a_t · W_hh, nothing across a song start.
                gemm(.none, .none, m: b, n: h, k: 4 * h, alpha: 1, a: gatesT, lda: 4 * h,
                     b: weightHH, ldb: h, beta: 0, c: dhNext.pointer, ldc: h, backend: backend)
                for row in 0..<b where resets[t * b + row] != 0 {
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
