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
    var j = 0
    while j + 8 <= hidden {
        let i = vectorSigmoid(loadVector(gates + j))
        let f = vectorSigmoid(loadVector(gates + hidden + j))
        let g = vectorTanh(loadVector(gates + 2 * hidden + j))
        let o = vectorSigmoid(loadVector(gates + 3 * hidden + j))
        let c = f * loadVector(cPrev + j) + i * g
        let tc = vectorTanh(c)
        let h = o * tc
        storeVector(i, gates + j)
        storeVector(f, gates + hidden + j)
        storeVector(g, gates + 2 * hidden + j)
        storeVector(o, gates + 3 * hidden + j)
        storeVector(tc, tanhC + j)
        storeVector(h, hOut + j)
        storeVector(resetNext ? FloatVector(repeating: 0) : c, cNext + j)
        storeVector(resetNext ? FloatVector(repeating: 0) : h, hNext + j)
        j += 8
    }
    if j < hidden {
        // The last (< 8) units: the same arithmetic on a padded vector.
        let width = hidden - j
        let i = vectorSigmoid(loadPartial(gates + j, width))
        let f = vectorSigmoid(loadPartial(gates + hidden + j, width))
        let g = vectorTanh(loadPartial(gates + 2 * hidden + j, width))
        let o = vectorSigmoid(loadPartial(gates + 3 * hidden + j, width))
        let c = f * loadPartial(cPrev + j, width) + i * g
        let tc = vectorTanh(c)
        let h = o * tc
        storePartial(i, gates + j, width)
        storePartial(f, gates + hidden + j, width)
        storePartial(g, gates + 2 * hidden + j, width)
        storePartial(o, gates + 3 * hidden + j, width)
        storePartial(tc, tanhC + j, width)
        storePartial(h, hOut + j, width)
        storePartial(resetNext ? FloatVector(repeating: 0) : c, cNext + j, width)
        storePartial(resetNext ? FloatVector(repeating: 0) : h, hNext + j, width)
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
    var j = 0
    while j + 8 <= hidden {
        let (dA, dcPrev) = cellBackwardMath(
            i: loadVector(gates + j), f: loadVector(gates + hidden + j), g: loadVector(gates + 2 * hidden + j),
            o: loadVector(gates + 3 * hidden + j), tc: loadVector(tanhC + j), cp: loadVector(cPrev + j),
            dh: loadVector(dH + j) + loadVector(dhNext + j), dcNext: loadVector(dcNext + j))
        storeVector(dA.0, gates + j)
        storeVector(dA.1, gates + hidden + j)
        storeVector(dA.2, gates + 2 * hidden + j)
        storeVector(dA.3, gates + 3 * hidden + j)
        storeVector(cut ? FloatVector(repeating: 0) : dcPrev, dcNext + j)
        j += 8
    }
    if j < hidden {
        let width = hidden - j
        let (dA, dcPrev) = cellBackwardMath(
            i: loadPartial(gates + j, width), f: loadPartial(gates + hidden + j, width),
            g: loadPartial(gates + 2 * hidden + j, width), o: loadPartial(gates + 3 * hidden + j, width),
            tc: loadPartial(tanhC + j, width), cp: loadPartial(cPrev + j, width),
            dh: loadPartial(dH + j, width) + loadPartial(dhNext + j, width), dcNext: loadPartial(dcNext + j, width))
        storePartial(dA.0, gates + j, width)
        storePartial(dA.1, gates + hidden + j, width)
        storePartial(dA.2, gates + 2 * hidden + j, width)
        storePartial(dA.3, gates + 3 * hidden + j, width)
        storePartial(cut ? FloatVector(repeating: 0) : dcPrev, dcNext + j, width)
    }
}

/// ∂L/∂(aᵢ, a_f, a_g, a_o) and ∂L/∂c₋ from the activations and the incoming ∂L/∂h, ∂L/∂c.
@inline(__always)
private func cellBackwardMath(i: FloatVector, f: FloatVector, g: FloatVector, o: FloatVector, tc: FloatVector,
                              cp: FloatVector, dh: FloatVector, dcNext: FloatVector)
    -> ((FloatVector, FloatVector, FloatVector, FloatVector), FloatVector) {
    let one = FloatVector(repeating: 1)
    let dc = dcNext + dh * o * (one - tc * tc)
    let di = dc * g, df = dc * cp, dg = dc * i, dOut = dh * tc
    return ((di * i * (one - i), df * f * (one - f), dg * (one - g * g), dOut * o * (one - o)), dc * f)
}
