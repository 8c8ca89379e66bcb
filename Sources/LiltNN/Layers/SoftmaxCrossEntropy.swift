import Foundation
import LiltKernels

/// Softmax cross-entropy over rows of logits [N, V] with integer targets (−1: no loss at this row).
///
/// Forward turns each counted row into ∂L/∂logits = (softmax − onehot) / count in place, where count is
/// the number of counted rows (the loss is their mean); ignored rows become zero.
enum SoftmaxCrossEntropy {
    struct RowTotals {
        var loss: Double = 0, count = 0, correct = 0
        var onsetLoss: Double = 0, onsetCount = 0, onsetCorrect = 0
    }

    /// Loss and accuracy of every counted row in `rows`, and the gradient (scaled by `scale`, 1 / the
    /// number of counted rows of the whole window) in place of the logits when `gradient`
    /// (otherwise the logits are left as they are).
    static func apply(logits: UnsafeMutablePointer<Float>, rows: Range<Int>, vocabulary v: Int,
                      targets: UnsafePointer<Int32>, onsets: UnsafePointer<Bool>?, gradient: Bool,
                      scale: Float) -> RowTotals {
        var totals = RowTotals()
        for row in rows {
            let x = logits + row * v
            let target = Int(targets[row])
            if target < 0 {
                if gradient { x.update(repeating: 0, count: v) }
                continue
            }
            var maximum = x[0], best = 0
            for k in 1..<max(v, 1) where x[k] > maximum { maximum = x[k]; best = k }
            let targetLogit = x[target]
            var sum: Float = 0
            var k = 0
            let shift = FloatVector(repeating: maximum)
            while k + vectorWidth <= v {
                let e = vectorExp(loadVector(x + k) - shift)
                if gradient { storeVector(e, x + k) }
                sum += e.sum()
                k += vectorWidth
            }
            if k < v {
                let e = vectorExp(loadPartial(x + k, v - k) - shift)
                if gradient { storePartial(e, x + k, v - k) }
                for lane in 0..<(v - k) { sum += e[lane] }
            }
            let loss = Double(logf(sum) + maximum - targetLogit)
            let correct = best == target ? 1 : 0
            totals.loss += loss
            totals.count += 1
            totals.correct += correct
            if let onsets, onsets[target] {
                totals.onsetLoss += loss
                totals.onsetCount += 1
                totals.onsetCorrect += correct
            }
            if gradient {
                let factor = scale / sum
                for k in 0..<v { x[k] *= factor }
                x[target] -= scale
            }
        }
        return totals
    }
}
