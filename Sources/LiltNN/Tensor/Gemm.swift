internal import COpenBLAS

/// Whether an operand of `gemm` is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed
}

/// The two implementations of `gemm`: OpenBLAS for speed, a plain loop to check it against.
public enum GemmBackend: Sendable {
    case blas, naive
}

/// C ← α · op(A) · op(B) + β · C, on row-major buffers.
///
/// Shapes: op(A) is M × K, op(B) is K × N, C is M × N. `lda`, `ldb`, `ldc` are the row strides of the
/// matrices as stored (so A stored transposed is K × M with `lda ≥ M`).
public func gemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    backend: GemmBackend = .blas
) {
    switch backend {
    case .blas:
        // blasint is 32-bit in Debian's OpenBLAS.
        cblas_sgemm(CblasRowMajor,
                    transA == .none ? CblasNoTrans : CblasTrans,
                    transB == .none ? CblasNoTrans : CblasTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    case .naive:
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aValue = transA == .none ? a[i * lda + p] : a[p * lda + i]
                    let bValue = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
                    sum += aValue * bValue
                }
                let scaled = alpha * sum
                c[i * ldc + j] = beta == 0 ? scaled : scaled + beta * c[i * ldc + j]
            }
        }
    }
}

extension Matrix {
    /// op(A) · op(B) as a new matrix.
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA transA: Transpose = .none, transposeB transB: Transpose = .none,
        backend: GemmBackend = .blas
    ) -> Matrix {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kB = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        precondition(k == kB, "Matrix product: inner dimensions \(k) and \(kB) differ")
        var result = Matrix(rows: m, columns: n)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                result.storage.withUnsafeMutableBufferPointer { pc in
                    gemm(transA, transB, m: m, n: n, k: k,
                         alpha: 1, a: pa.baseAddress!, lda: max(a.columns, 1),
                         b: pb.baseAddress!, ldb: max(b.columns, 1),
                         beta: 0, c: pc.baseAddress!, ldc: max(n, 1), backend: backend)
                }
            }
        }
        return result
    }
}

/// y ← α · A · x + β · y with A row-major m × n (`lda` its row stride): OpenBLAS or a plain loop.
func gemv(m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
          beta: Float, y: UnsafeMutablePointer<Float>, backend: GemmBackend = .blas) {
    switch backend {
    case .blas:
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    case .naive:
        for i in 0..<m {
            var sum: Float = 0
            for j in 0..<n { sum += a[i * lda + j] * x[j] }
            y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i]
        }
    }
}
