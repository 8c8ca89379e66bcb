import LiltKernelsInterface

/// The elementwise part of one LSTM step for one batch row and a range of hidden units, fused and
/// vectorized.
///
/// Gate order is PyTorch's: a row of gates holds [i | f | g | o], H values each; the kernels see `units`
/// units of each gate, `gateStride` (H) apart. The pre-activation of a gate is `gates` (x·W_ihᵀ + b) plus
/// `recurrent` (h₋·W_hhᵀ, laid out with its own `recurrentStride`).
/// Forward:  i = σ(aᵢ), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c = f ⊙ c₋ + i ⊙ g; h = o ⊙ tanh c.
/// It keeps for the backward pass: the activated gates (in `gates`), tanh c, and c₋ (written by the
/// previous step as this step's `cPrev`).

/// One forward step. The input term is read from `input` (same gate stride as `gates`; it may be `gates`
/// itself) and the activated gates are written to `gates`. `cNext`/`hNext` receive c and h for the next
/// step (or the carried state), or zeros when `resetNext` (the next step starts a new song).
@inline(__always)
func lstmCellForward(
    gates: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, gateStride: Int,
    recurrent: UnsafePointer<Float>, recurrentStride: Int, cPrev: UnsafePointer<Float>, tanhC: UnsafeMutablePointer<Float>, hOut: UnsafeMutablePointer<Float>,
    cNext: UnsafeMutablePointer<Float>, hNext: UnsafeMutablePointer<Float>, resetNext: Bool, units: Int
) {
    let s = gateStride, r = recurrentStride
    var j = 0
    while j + vectorWidth <= units {
        let i = vectorSigmoid(loadVector(input + j) + loadVector(recurrent + j))
        let f = vectorSigmoid(loadVector(input + s + j) + loadVector(recurrent + r + j))
        let g = vectorTanh(loadVector(input + 2 * s + j) + loadVector(recurrent + 2 * r + j))
        let o = vectorSigmoid(loadVector(input + 3 * s + j) + loadVector(recurrent + 3 * r + j))
        let c = multiplyAdd(f, loadVector(cPrev + j), i * g)
        let tc = vectorTanh(c)
        let h = o * tc
        storeVector(i, gates + j)
        storeVector(f, gates + s + j)
        storeVector(g, gates + 2 * s + j)
        storeVector(o, gates + 3 * s + j)
        storeVector(tc, tanhC + j)
        storeVector(h, hOut + j)
        storeVector(resetNext ? FloatVector(repeating: 0) : c, cNext + j)
        storeVector(resetNext ? FloatVector(repeating: 0) : h, hNext + j)
        j += vectorWidth
    }
    if j < units {
        // The last (< vectorWidth) units: the same arithmetic on a padded vector.
        let w = units - j
        let i = vectorSigmoid(loadPartial(input + j, w) + loadPartial(recurrent + j, w))
        let f = vectorSigmoid(loadPartial(input + s + j, w) + loadPartial(recurrent + r + j, w))
        let g = vectorTanh(loadPartial(input + 2 * s + j, w) + loadPartial(recurrent + 2 * r + j, w))
        let o = vectorSigmoid(loadPartial(input + 3 * s + j, w) + loadPartial(recurrent + 3 * r + j, w))
        let c = multiplyAdd(f, loadPartial(cPrev + j, w), i * g)
        let tc = vectorTanh(c)
        let h = o * tc
        storePartial(i, gates + j, w)
        storePartial(f, gates + s + j, w)
        storePartial(g, gates + 2 * s + j, w)
        storePartial(o, gates + 3 * s + j, w)
        storePartial(tc, tanhC + j, w)
        storePartial(h, hOut + j, w)
        storePartial(resetNext ? FloatVector(repeating: 0) : c, cNext + j, w)
        storePartial(resetNext ? FloatVector(repeating: 0) : h, hNext + j, w)
    }
}

/// One backward step. In: the activated gates, c₋, tanh c, `dH` (∂L/∂h from the layer above or the
/// head), `dhNext` (∂L/∂h from step t+1 through the recurrence) and `dcNext` (∂L/∂c from step t+1).
/// Out: the pre-activation gradients in place of the gates, and ∂L/∂c₋ in `dcNext` (zero when `cut`:
/// this step started a song, so nothing flows into the state before it).
/// With `gradientSum` (same gate stride), the pre-activation gradients are also added into it.
@inline(__always)
func lstmCellBackward(
    gates: UnsafeMutablePointer<Float>, gateStride: Int, cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
    dH: UnsafePointer<Float>, dhNext: UnsafePointer<Float>, dcNext: UnsafeMutablePointer<Float>,
    cut: Bool, units: Int, gradientSum: UnsafeMutablePointer<Float>? = nil
) {
    let s = gateStride
    var j = 0
    while j + vectorWidth <= units {
        let (dA, dcPrev) = cellBackwardMath(
            i: loadVector(gates + j), f: loadVector(gates + s + j), g: loadVector(gates + 2 * s + j),
            o: loadVector(gates + 3 * s + j), tc: loadVector(tanhC + j), cp: loadVector(cPrev + j),
            dh: loadVector(dH + j) + loadVector(dhNext + j), dcNext: loadVector(dcNext + j))
        storeVector(dA.0, gates + j)
        storeVector(dA.1, gates + s + j)
        storeVector(dA.2, gates + 2 * s + j)
        storeVector(dA.3, gates + 3 * s + j)
        if let sum = gradientSum {
            storeVector(loadVector(sum + j) + dA.0, sum + j)
            storeVector(loadVector(sum + s + j) + dA.1, sum + s + j)
            storeVector(loadVector(sum + 2 * s + j) + dA.2, sum + 2 * s + j)
            storeVector(loadVector(sum + 3 * s + j) + dA.3, sum + 3 * s + j)
        }
        storeVector(cut ? FloatVector(repeating: 0) : dcPrev, dcNext + j)
        j += vectorWidth
    }
    if j < units {
        let w = units - j
        let (dA, dcPrev) = cellBackwardMath(
            i: loadPartial(gates + j, w), f: loadPartial(gates + s + j, w),
            g: loadPartial(gates + 2 * s + j, w), o: loadPartial(gates + 3 * s + j, w),
            tc: loadPartial(tanhC + j, w), cp: loadPartial(cPrev + j, w),
            dh: loadPartial(dH + j, w) + loadPartial(dhNext + j, w), dcNext: loadPartial(dcNext + j, w))
        storePartial(dA.0, gates + j, w)
        storePartial(dA.1, gates + s + j, w)
        storePartial(dA.2, gates + 2 * s + j, w)
        storePartial(dA.3, gates + 3 * s + j, w)
        if let sum = gradientSum {
            storePartial(loadPartial(sum + j, w) + dA.0, sum + j, w)
            storePartial(loadPartial(sum + s + j, w) + dA.1, sum + s + j, w)
            storePartial(loadPartial(sum + 2 * s + j, w) + dA.2, sum + 2 * s + j, w)
            storePartial(loadPartial(sum + 3 * s + j, w) + dA.3, sum + 3 * s + j, w)
        }
        storePartial(cut ? FloatVector(repeating: 0) : dcPrev, dcNext + j, w)
    }
}

/// ∂L/∂(aᵢ, a_f, a_g, a_o) and ∂L/∂c₋ from the activations and the incoming ∂L/∂h, ∂L/∂c.
@inline(__always)
private func cellBackwardMath(i: FloatVector, f: FloatVector, g: FloatVector, o: FloatVector, tc: FloatVector,
                              cp: FloatVector, dh: FloatVector, dcNext: FloatVector)
    -> ((FloatVector, FloatVector, FloatVector, FloatVector), FloatVector) {
    let one = FloatVector(repeating: 1)
    let dc = multiplyAdd(dh * o, multiplyAdd(-tc, tc, one), dcNext)
    let di = dc * g, df = dc * cp, dg = dc * i, dOut = dh * tc
    return ((di * i * (one - i), df * f * (one - f), dg * multiplyAdd(-g, g, one), dOut * o * (one - o)), dc * f)
}

/// One forward step of the cell over the rows of `step` (see `CellForwardStep`).
///
/// Not inlinable on purpose: each CPU-specific build of this module compiles it for its own instruction set.
package func lstmForwardRows(_ step: CellForwardStep) {
    for row in 0..<step.rows {
        let out = step.gates[row]
        lstmCellForward(
            gates: out, input: step.tokenInput.map { UnsafePointer($0[row]) } ?? UnsafePointer(out),
            gateStride: step.gateStride, recurrent: step.recurrent[row], recurrentStride: step.recurrentStride,
            cPrev: step.cPrev[row], tanhC: step.tanhC[row], hOut: step.hOut[row], cNext: step.cNext[row],
            hNext: step.hNext[row], resetNext: step.resetNext.map { $0[row] != 0 } ?? false, units: step.units)
    }
}

/// One backward step of the cell over the rows of `step` (see `CellBackwardStep`).
package func lstmBackwardRows(_ step: CellBackwardStep) {
    for row in 0..<step.rows {
        lstmCellBackward(
            gates: step.gates[row], gateStride: step.gateStride, cPrev: step.cPrev[row], tanhC: step.tanhC[row],
            dH: step.dH[row], dhNext: step.dhNext[row], dcNext: step.dcNext[row], cut: step.cut[row] != 0,
            units: step.units, gradientSum: step.gradientSums?[row])
    }
}
