import LiltKernels

/// Inverted dropout: y = x ⊙ m with m = 0 (probability p) or 1/(1 − p), so evaluation needs no scaling.
/// Forward keeps the mask; backward multiplies the incoming gradient by it.
///
/// The mask of each row is drawn from its own generator, seeded from (seed, pass, layer, row): masks do
/// not depend on how rows are shared among threads, and resuming needs only the pass counter.
enum Dropout {
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>,
                        row: Int, width: Int, probability: Float, seed: UInt64, pass: UInt64, layer: Int) {
        var generator = SeededGenerator(seed: seed ^ (pass &* 0x9E37_79B9_7F4A_7C15)
            ^ (UInt64(layer + 1) &* 0xC2B2_AE3D_27D4_EB4F) ^ (UInt64(row + 1) &* 0x1656_67B1_9E37_79F9))
        let scale = 1 / (1 - probability)
        // Two 32-bit draws per 64-bit word; keep when the draw is at least p · 2³².
        let threshold = UInt32(min(Double(probability) * 4_294_967_296, 4_294_967_295))
        let offset = row * width, end = offset + width
        var index = offset
        let scaleBits = BitsVector(repeating: scale.bitPattern), thresholdVector = BitsVector(repeating: threshold)
        while index + vectorWidth <= end {
            // vectorWidth / 2 words, low half first, as in the scalar loop below.
            var words = WordVector()
            for k in 0..<WordVector.scalarCount { words[k] = generator.next() }
            let draws = unsafeBitCast(words, to: BitsVector.self)
            let keep = unsafeBitCast(draws .>= thresholdVector, to: BitsVector.self)
            let m = unsafeBitCast(keep & scaleBits, to: FloatVector.self)
            storeVector(m, mask + index)
            storeVector(loadVector(x + index) * m, y + index)
            index += vectorWidth
        }
        while index < end {
            let word = generator.next()
            for half in 0..<2 where index < end {
                let draw = UInt32(truncatingIfNeeded: word >> (32 * UInt64(half)))
                mask[index] = draw >= threshold ? scale : 0
                y[index] = x[index] * mask[index]
                index += 1
            }
        }
    }

    static func backward(_ gradient: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        var index = 0
        while index + vectorWidth <= count {
            storeVector(loadVector(gradient + index) * loadVector(mask + index), gradient + index)
            index += vectorWidth
        }
        while index < count { gradient[index] *= mask[index]; index += 1 }
    }
}
