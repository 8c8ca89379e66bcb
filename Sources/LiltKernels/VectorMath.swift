/// Vectorized elementwise math on `Float` buffers: exp, sigmoid and tanh on `FloatVector` lanes.
///
/// The exponential is the Cephes single-precision one (range reduction by ln 2, a degree-6 polynomial,
/// 2ⁿ built in the exponent bits): relative error about 2e-7 over the whole range, no table, no branch.
/// Scalar tails go through the same code, padded into one vector, so every element of a buffer is
/// computed the same way whatever its position.
///
/// 16 lanes: measured a little faster than 8 or 4 for the LSTM cell on x86-64 (more independent work
/// per loop for the compiler to schedule), the same elsewhere.
@usableFromInline package typealias FloatVector = SIMD16<Float>
@usableFromInline package typealias BitsVector = SIMD16<UInt32>
/// Random words filling one `BitsVector` (the same 64 bytes).
@usableFromInline package typealias WordVector = SIMD8<UInt64>
/// Lanes of `FloatVector`.
@inlinable package var vectorWidth: Int { FloatVector.scalarCount }

@inlinable @inline(__always)
package func vectorExp(_ input: FloatVector) -> FloatVector {
    // Clamp to the range where 2ⁿ is a normal float, as a bitwise select (it compiles to a few vector
    // instructions, where the generic `clamped` does not inline).
    let low = FloatVector(repeating: -87.3), high = FloatVector(repeating: 88.3)
    let below = unsafeBitCast(input .< low, to: BitsVector.self)
    let above = unsafeBitCast(input .> high, to: BitsVector.self)
    let inputBits = unsafeBitCast(input, to: BitsVector.self)
    let clampedBits = (inputBits & ~(below | above)) | (unsafeBitCast(low, to: BitsVector.self) & below)
        | (unsafeBitCast(high, to: BitsVector.self) & above)
    let x = unsafeBitCast(clampedBits, to: FloatVector.self)
    // n = round(x / ln 2) by the 1.5·2²³ trick: adding it rounds to an integer held in the low mantissa bits.
    let magic = FloatVector(repeating: 12_582_912)
    let shifted = multiplyAdd(x, FloatVector(repeating: 1.442_695_04), magic)
    let n = shifted - magic
    var r = multiplyAdd(n, FloatVector(repeating: -0.693_359_375), x)
    r = multiplyAdd(n, FloatVector(repeating: 2.121_944_4e-4), r)
    var p = FloatVector(repeating: 1.987_569_15e-4)
    p = multiplyAdd(p, r, FloatVector(repeating: 1.398_199_95e-3))
    p = multiplyAdd(p, r, FloatVector(repeating: 8.333_451_9e-3))
    p = multiplyAdd(p, r, FloatVector(repeating: 4.166_579_6e-2))
    p = multiplyAdd(p, r, FloatVector(repeating: 1.666_666_55e-1))
    p = multiplyAdd(p, r, FloatVector(repeating: 5.000_000_1e-1))
    p = multiplyAdd(p, r * r, r) + FloatVector(repeating: 1)
    // 2ⁿ: the integer n sits in the low bits of `shifted`; move it (plus the bias 127) into the exponent.
    let bits = unsafeBitCast(shifted, to: BitsVector.self)
    let exponent = (bits &- BitsVector(repeating: 0x4B40_0000) &+ BitsVector(repeating: 127)) &<< 23
    return p * unsafeBitCast(exponent, to: FloatVector.self)
}

@inlinable @inline(__always)
package func vectorSigmoid(_ x: FloatVector) -> FloatVector {
    FloatVector(repeating: 1) / (FloatVector(repeating: 1) + vectorExp(-x))
}

@inlinable @inline(__always)
package func vectorTanh(_ x: FloatVector) -> FloatVector {
    // tanh x = 2σ(2x) − 1; absolute error below 2e-7.
    multiplyAdd(FloatVector(repeating: 2), vectorSigmoid(FloatVector(repeating: 2) * x), FloatVector(repeating: -1))
}

/// a · b + c: one fused multiply-add in the builds for instruction sets that have it (`LILT_FMA`, one
/// rounding), a multiply and an add in the baseline build, where `addingProduct` would be a library call.
@inlinable @inline(__always)
package func multiplyAdd(_ a: FloatVector, _ b: FloatVector, _ c: FloatVector) -> FloatVector {
    #if LILT_FMA
    c.addingProduct(a, b)
    #else
    a * b + c
    #endif
}

@inlinable @inline(__always)
package func loadVector(_ pointer: UnsafePointer<Float>) -> FloatVector {
    UnsafeRawPointer(pointer).loadUnaligned(as: FloatVector.self)
}

@inlinable @inline(__always)
package func storeVector(_ value: FloatVector, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: FloatVector.self)
}

/// Loads `count` (< vectorWidth) values into a vector whose other lanes are zero.
@inlinable @inline(__always)
package func loadPartial(_ pointer: UnsafePointer<Float>, _ count: Int) -> FloatVector {
    var value = FloatVector(repeating: 0)
    for lane in 0..<count { value[lane] = pointer[lane] }
    return value
}

@inlinable @inline(__always)
package func storePartial(_ value: FloatVector, _ pointer: UnsafeMutablePointer<Float>, _ count: Int) {
    for lane in 0..<count { pointer[lane] = value[lane] }
}

/// Scalar forms of the same approximations, for code that works one value at a time.
@inlinable @inline(__always)
package func approximateExp(_ x: Float) -> Float { vectorExp(FloatVector(repeating: x))[0] }

/// y[i] += x[i] for i in 0..<count.
@inlinable @inline(__always)
package func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    var i = 0
    while i + vectorWidth <= count {
        storeVector(loadVector(y + i) + loadVector(x + i), y + i)
        i += vectorWidth
    }
    while i < count { y[i] += x[i]; i += 1 }
}
