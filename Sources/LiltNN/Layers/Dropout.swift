/// Inverted dropout: y = x ⊙ m with m = 0 (probability p) or 1/(1 − p), so evaluation needs no scaling.
/// Forward keeps the mask; backward multiplies the incoming gradient by it.
enum Dropout {
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>,
                        count: Int, probability: Float, generator: inout SeededGenerator) {
        let scale = 1 / (1 - probability)
        for index in 0..<count {
            let keep = generator.nextUnitFloat() >= probability
            mask[index] = keep ? scale : 0
            y[index] = x[index] * mask[index]
        }
    }

    static func backward(_ gradient: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        var index = 0
        while index + 8 <= count {
            storeVector(loadVector(gradient + index) * loadVector(mask + index), gradient + index)
            index += 8
        }
        while index < count { gradient[index] *= mask[index]; index += 1 }
    }
}
