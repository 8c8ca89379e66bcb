import LiltKernelsInterface

/// The right operand B of the many products of one window (the recurrent weights, used at every step):
/// packed once into panels for the cell kernels' packed product where the build has one, otherwise
/// multiplied by `gemm` where it is stored (which packs it again inside every call).
///
/// B is `depth` × `columns` with B[k, j] = source[k·rowStride + j·columnStride]; one of the two strides
/// must be 1 (a row-major matrix, as stored or transposed).
///
/// Every thread reads the whole operand at every step: from its L2 cache where it fits (1 MiB for 256
/// units), streamed from L3 where it does not (4 MiB for 512), which still measured at least as fast
/// as `gemm` copying it again for every product.
struct WindowOperand {
    let source: UnsafePointer<Float>
    let rowStride: Int, columnStride: Int
    let depth: Int, columns: Int
    /// `packedCount(depth:columns:)` floats, used when `product` is there.
    let packed: UnsafeMutablePointer<Float>
    let product: (@Sendable (PackedProductStep) -> Void)?
    let backend: GemmBackend
    /// Whether an operand is packed: the kernels have a packed product and the backend is the fast one
    /// (the naive backend is the reference the fast path is checked against: it keeps its own loop).
    static func isPacked(kernels: CellKernels, backend: GemmBackend) -> Bool {
        kernels.product != nil && backend == .blas
    }

    /// Floats the `packed` buffer needs for this shape (0 when it is not packed).
    static func packedFloats(depth: Int, columns: Int, kernels: CellKernels, backend: GemmBackend) -> Int {
        isPacked(kernels: kernels, backend: backend)
            ? packedCount(depth: depth, columns: columns) : 0
    }

    init(source: UnsafePointer<Float>, rowStride: Int, columnStride: Int, depth: Int, columns: Int,
         packed: UnsafeMutablePointer<Float>, kernels: CellKernels, backend: GemmBackend) {
        precondition(rowStride == 1 || columnStride == 1, "WindowOperand: a row-major matrix or its transpose")
        self.source = source; self.rowStride = rowStride; self.columnStride = columnStride
        self.depth = depth; self.columns = columns; self.packed = packed
        self.product = Self.isPacked(kernels: kernels, backend: backend)
            ? kernels.product : nil
        self.backend = backend
    }

    /// Packs the part `part` of `parts` of the panels (every part of a team at once, before any product;
    /// nothing to do where B is multiplied as stored).
    func pack(part: Int, of parts: Int) {
        guard product != nil else { return }
        let width = packedPanelWidth, panels = (columns + width - 1) / width
        let firstPanel = panels * part / parts, endPanel = panels * (part + 1) / parts
        guard endPanel > firstPanel else { return }
        let firstColumn = firstPanel * width
        packPanels(source + firstColumn * columnStride, rowStride: rowStride, columnStride: columnStride, depth: depth,
                   columns: min(columns, endPanel * width) - firstColumn, into: packed + firstPanel * depth * width)
    }

    /// C[rows × columns] = A[rows × depth] · B, where A has row stride `lda` and C row stride `ldc`.
    func multiply(rows: Int, a: UnsafePointer<Float>, lda: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if let product {
            product(PackedProductStep(rows: rows, columns: columns, depthRange: 0..<depth, a: a, aRowStride: lda,
                                      aDepthStride: 1, packed: packed, packedDepth: depth, c: c, cRowStride: ldc,
                                      accumulate: false))
        } else {
            let stored = columnStride == 1
            gemm(.none, stored ? .none : .transposed, m: rows, n: columns, k: depth, alpha: 1, a: a, lda: lda,
                 b: source, ldb: stored ? rowStride : columnStride, beta: 0, c: c, ldc: ldc, backend: backend)
        }
    }
}
