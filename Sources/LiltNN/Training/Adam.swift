import Foundation
import LiltKernels

/// Adam over the whole parameter buffer at once (β1 0.9, β2 0.999, ε 1e-8, bias-corrected), exactly
/// PyTorch's update: p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε).
final class Adam {
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    let m: FloatBuffer, v: FloatBuffer
    /// Updates made so far.
    var step = 0

    init(count: Int) {
        m = FloatBuffer(count: count)
        v = FloatBuffer(count: count)
    }

    /// One update of every parameter; `parallel` runs the parts of the buffer (`parts` of them) at once.
    func update(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, learningRate: Float,
                parts: Int = 1, parallel: ((Int) -> Void) -> Void = { $0(0) }) {
        step += 1
        let correction1 = 1 - Float(Foundation.pow(Double(beta1), Double(step)))
        let correction2 = 1 - Float(Foundation.pow(Double(beta2), Double(step)))
        let stepSize = FloatVector(repeating: learningRate / correction1)
        let rootCorrection2 = FloatVector(repeating: correction2.squareRoot())
        let b1 = FloatVector(repeating: beta1), b2 = FloatVector(repeating: beta2)
        let oneMinusB1 = FloatVector(repeating: 1 - beta1), oneMinusB2 = FloatVector(repeating: 1 - beta2)
        let eps = FloatVector(repeating: epsilon)
        let total = m.count
        @inline(__always) func update(_ g: FloatVector, _ m0: FloatVector, _ v0: FloatVector, _ p0: FloatVector)
            -> (FloatVector, FloatVector, FloatVector) {
            let mv = b1 * m0 + oneMinusB1 * g
            let vv = b2 * v0 + oneMinusB2 * g * g
            return (mv, vv, p0 - stepSize * mv / (vv.squareRoot() / rootCorrection2 + eps))
        }
        parallel { part in
            // Pieces in multiples of 8 values.
            let chunks = (total + 7) / 8
            let start = min(total, 8 * (chunks * part / parts)), count = min(total, 8 * (chunks * (part + 1) / parts))
            var index = start
            while index + vectorWidth <= count {
                let (mv, vv, p) = update(loadVector(gradients + index), loadVector(m.pointer + index),
                                         loadVector(v.pointer + index), loadVector(parameters + index))
                storeVector(mv, m.pointer + index); storeVector(vv, v.pointer + index); storeVector(p, parameters + index)
                index += vectorWidth
            }
            if index < count {
                let width = count - index
                let (mv, vv, p) = update(loadPartial(gradients + index, width), loadPartial(m.pointer + index, width),
                                         loadPartial(v.pointer + index, width), loadPartial(parameters + index, width))
                storePartial(mv, m.pointer + index, width); storePartial(vv, v.pointer + index, width)
                storePartial(p, parameters + index, width)
            }
        }
    }
}

/// Scales the gradient so its global L2 norm is at most `maxNorm` (PyTorch's `clip_grad_norm_`:
/// factor maxNorm / (norm + 1e-6) when the norm exceeds it). Returns the norm before clipping, which is
/// not finite when the gradient holds NaN or ∞. `partialSums` holds one Double per part.
func clipGradientNorm(_ gradients: UnsafeMutablePointer<Float>, count total: Int, maxNorm: Float?,
                      parts: Int = 1, partialSums: UnsafeMutablePointer<Double>? = nil,
                      parallel: ((Int) -> Void) -> Void = { $0(0) }) -> Double {
    var single = 0.0
    func piece(_ part: Int) -> Range<Int> {
        let chunks = (total + 7) / 8
        return min(total, 8 * (chunks * part / parts))..<min(total, 8 * (chunks * (part + 1) / parts))
    }
    withUnsafeMutablePointer(to: &single) { singlePointer in
        let sums = partialSums ?? singlePointer
        parallel { part in
            let range = piece(part)
            var sum = 0.0
            var index = range.lowerBound
            while index + vectorWidth <= range.upperBound {
                let g = loadVector(gradients + index)
                sum += Double((g * g).sum())
                index += vectorWidth
            }
            while index < range.upperBound { sum += Double(gradients[index] * gradients[index]); index += 1 }
            sums[part] = sum
        }
        if partialSums != nil { singlePointer.pointee = (0..<parts).reduce(0) { $0 + sums[$1] } }
    }
    let norm = single.squareRoot()
    if let maxNorm, norm.isFinite, norm > Double(maxNorm) {
        let factor = Float(Double(maxNorm) / (norm + 1e-6))
        parallel { part in
            for index in piece(part) { gradients[index] *= factor }
        }
    }
    return norm
}
