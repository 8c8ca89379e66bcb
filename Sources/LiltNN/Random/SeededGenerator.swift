/// xoshiro256** seeded through SplitMix64: the engine's one random number generator.
///
/// Every random choice (weight init, dropout masks, song shuffling, the train/validation split, sampling)
/// draws from a generator made from a seed, so runs repeat exactly. The four state words can be saved
/// and restored (resuming training continues the same random stream).
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The four state words, to save and later restore with `init?(state:)`.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        // SplitMix64 words, without an array (dropout seeds a generator per row inside a training step).
        @inline(__always) func splitMix(_ index: UInt64) -> UInt64 {
            var z = seed &+ index &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        (s0, s1, s2, s3) = (splitMix(1), splitMix(2), splitMix(3), splitMix(4))
    }

    /// A generator continuing from saved state words (four, not all zero).
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    /// A uniform value in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform value in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
