/// The elementwise part of one LSTM step for one batch row, fused and vectorized.
///
/// Gate order is PyTorch's: a row of `gates` holds the pre-activations [i | f | g | o], H values each.
/// Forward:  i = σ(aᵢ), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c = f ⊙ c₋ + i ⊙ g; h = o ⊙ tanh c.
/// It keeps for the backward pass: the activated gates (in place of the pre-activations), tanh c, and
/// c₋ (written by the previous step as this step's `cPrev`).

/// One forward step of one row. `cNext`/`hNext` receive c and h for the next step (or the carried
/// state), or zeros when `resetNext` (the next step starts a new song).
@inline(__always)
func lstmCellForward(
    gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
    hOut: UnsafeMutablePointer<Float>, cNext: UnsafeMutablePointer<Float>, hNext: UnsafeMutablePointer<Float>,
    resetNext: Bool, hidden: Int
) {
    let zero = FloatVector(repeating: 0)
    var j = 0
    while j < hidden {
        let width = min(8, hidden - j)
        let full = width == 8
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> FloatVector {
            full ? loadVector(p) : loadPartial(p, width)
        }
        @inline(__always) func store(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>) {
            if full { storeVector(v, p) } else { storePartial(v, p, width) }
        }
        let i = vectorSigmoid(load(gates + j))
        let f = vectorSigmoid(load(gates + hidden + j))
        let g = vectorTanh(load(gates + 2 * hidden + j))
        let o = vectorSigmoid(load(gates + 3 * hidden + j))
        let c = f * load(cPrev + j) + i * g
        let tc = vectorTanh(c)
        let h = o * tc
        store(i, gates + j)
        store(f, gates + hidden + j)
        store(g, gates + 2 * hidden + j)
        store(o, gates + 3 * hidden + j)
        store(tc, tanhC + j)
        store(h, hOut + j)
        store(resetNext ? zero : c, cNext + j)
        store(resetNext ? zero : h, hNext + j)
        j += 8
    }
}

/// One backward step of one row. In: the activated gates, c₋, tanh c, `dH` (∂L/∂h from the layer above
/// or the head), `dhNext` (∂L/∂h from step t+1 through the recurrence) and `dcNext` (∂L/∂c from step
/// t+1). Out: the pre-activation gradients in place of the gates, and ∂L/∂c₋ in `dcNext` (zero when
/// `cut`: this step started a song, so nothing flows into the state before it).
@inline(__always)
func lstmCellBackward(
    gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
    dH: UnsafePointer<Float>, dhNext: UnsafePointer<Float>, dcNext: UnsafeMutablePointer<Float>,
    cut: Bool, hidden: Int
) {
    let one = FloatVector(repeating: 1)
    let zero = FloatVector(repeating: 0)
    var j = 0
    while j < hidden {
        let width = min(8, hidden - j)
        let full = width == 8
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> FloatVector {
            full ? loadVector(p) : loadPartial(p, width)
        }
        @inline(__always) func store(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>) {
            if full { storeVector(v, p) } else { storePartial(v, p, width) }
        }
        let i = load(gates + j)
        let f = load(gates + hidden + j)
        let g = load(gates + 2 * hidden + j)
        let o = load(gates + 3 * hidden + j)
        let tc = load(tanhC + j)
        let dh = load(dH + j) + load(dhNext + j)
        let dc = load(dcNext + j) + dh * o * (one - tc * tc)
        let di = dc * g
        let df = dc * load(cPrev + j)
        let dg = dc * i
        let dOut = dh * tc
        store(di * i * (one - i), gates + j)
        store(df * f * (one - f), gates + hidden + j)
        store(dg * (one - g * g), gates + 2 * hidden + j)
        store(dOut * o * (one - o), gates + 3 * hidden + j)
        store(cut ? zero : dc * f, dcNext + j)
        j += 8
    }
}
