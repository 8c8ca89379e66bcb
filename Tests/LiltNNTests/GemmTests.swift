import Testing
@testable import LiltNN

/// A small fixed-seed generator so failures repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test("BLAS gemm equals the naive reference on random shapes and every transpose combination",
      arguments: [Transpose.none, .transposed], [Transpose.none, .transposed])
func blasMatchesNaive(transA: Transpose, transB: Transpose) {
    var generator = SplitMix64(state: 7)
    for _ in 0..<12 {
        let m = Int.random(in: 1...40, using: &generator)
        let n = Int.random(in: 1...40, using: &generator)
        let k = Int.random(in: 1...40, using: &generator)
        let a = transA == .none
            ? Matrix.random(rows: m, columns: k, using: &generator)
            : Matrix.random(rows: k, columns: m, using: &generator)
        let b = transB == .none
            ? Matrix.random(rows: k, columns: n, using: &generator)
            : Matrix.random(rows: n, columns: k, using: &generator)
        let fast = Matrix.product(a, b, transposeA: transA, transposeB: transB, backend: .blas)
        let reference = Matrix.product(a, b, transposeA: transA, transposeB: transB, backend: .naive)
        #expect(fast.rows == m && fast.columns == n)
        let worst = zip(fast.storage, reference.storage)
            .map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0
        #expect(worst <= 1e-4, "m \(m) n \(n) k \(k): relative error \(worst)")
    }
}

@Test("The naive reference computes a known product, transposes included")
func naiveKnownProduct() {
    let a = Matrix(rows: 2, columns: 3, storage: [1, 2, 3, 4, 5, 6])
    let b = Matrix(rows: 3, columns: 2, storage: [7, 8, 9, 10, 11, 12])
    #expect(Matrix.product(a, b, backend: .naive).storage == [58, 64, 139, 154])
    #expect(Matrix.product(a.transposed, b, transposeA: .transposed, backend: .naive).storage == [58, 64, 139, 154])
    #expect(Matrix.product(a, b.transposed, transposeB: .transposed, backend: .blas).storage == [58, 64, 139, 154])
}

@Test("gemm accumulates into C with beta")
func gemmAccumulates() {
    let a: [Float] = [1, 0, 0, 1]
    let b: [Float] = [2, 3, 4, 5]
    for backend in [GemmBackend.blas, .naive] {
        var c: [Float] = [1, 1, 1, 1]
        c.withUnsafeMutableBufferPointer { pc in
            gemm(.none, .none, m: 2, n: 2, k: 2, alpha: 2, a: a, lda: 2, b: b, ldb: 2,
                 beta: 0.5, c: pc.baseAddress!, ldc: 2, backend: backend)
        }
        #expect(c == [4.5, 6.5, 8.5, 10.5])
    }
}
