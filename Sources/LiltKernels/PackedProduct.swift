import LiltKernelsInterface

/// Depth of one pass over a panel: 256 rows of 32 floats (32 KiB) stay in the L1 cache while every row
/// block of A runs over them.
private let depthBlock = 256

/// C (+)= A · B with B packed into panels (see `PackedProductStep`). The work is split into tiles of C,
/// each kept in registers over a depth block: 8 rows × 32 columns where a build has 32 vector registers
/// (AVX-512, then one tile of 4 rows for a remainder of 4 or more), 4 rows × 16 columns where it has 16;
/// remaining rows one at a time.
///
/// Not inlinable on purpose: each CPU-specific build of this module compiles it for its own instruction
/// set. Only builds with fused multiply-add use it (`CellKernels`); elsewhere each `addingProduct` would
/// be a library call.
package func packedProduct(_ step: PackedProductStep) {
    let width = packedPanelWidth
    if step.depthRange.isEmpty {
        if !step.accumulate {
            for row in 0..<step.rows { (step.c + row * step.cRowStride).update(repeating: 0, count: step.columns) }
        }
        return
    }
    var start = step.depthRange.lowerBound
    while start < step.depthRange.upperBound {
        let end = min(start + depthBlock, step.depthRange.upperBound)
        let accumulate = step.accumulate || start > step.depthRange.lowerBound
        for panel in 0..<(step.columns + width - 1) / width {
            let columns = min(width, step.columns - panel * width)
            let b = step.packed + (panel * step.packedDepth + start) * width
            var row = 0
            while row + tileRows <= step.rows {
                productTile(depth: end - start, a: step.a + row * step.aRowStride + start * step.aDepthStride,
                            rowStride: step.aRowStride, depthStride: step.aDepthStride, b: b,
                            c: step.c + row * step.cRowStride + panel * width, cRowStride: step.cRowStride,
                            columns: columns, accumulate: accumulate)
                row += tileRows
            }
            #if LILT_VECTOR_REGISTERS_32
            if row + 4 <= step.rows {
                productQuad(depth: end - start, a: step.a + row * step.aRowStride + start * step.aDepthStride,
                            rowStride: step.aRowStride, depthStride: step.aDepthStride, b: b,
                            c: step.c + row * step.cRowStride + panel * width, cRowStride: step.cRowStride,
                            columns: columns, accumulate: accumulate)
                row += 4
            }
            #endif
            while row < step.rows {
                productRow(depth: end - start, a: step.a + row * step.aRowStride + start * step.aDepthStride,
                           depthStride: step.aDepthStride, b: b, c: step.c + row * step.cRowStride + panel * width,
                           columns: columns, accumulate: accumulate)
                row += 1
            }
        }
        start = end
    }
}

/// Up to 32 values of a row of C as two vectors (zeros past `columns`).
@inline(__always)
private func loadRow(_ pointer: UnsafePointer<Float>, _ columns: Int) -> (FloatVector, FloatVector) {
    if columns == 32 { return (loadVector(pointer), loadVector(pointer + 16)) }
    return (columns >= 16 ? loadVector(pointer) : loadPartial(pointer, columns),
            columns > 16 ? loadPartial(pointer + 16, columns - 16) : FloatVector(repeating: 0))
}

@inline(__always)
private func storeRow(_ values: (FloatVector, FloatVector), _ pointer: UnsafeMutablePointer<Float>, _ columns: Int) {
    if columns == 32 { storeVector(values.0, pointer); storeVector(values.1, pointer + 16); return }
    if columns >= 16 { storeVector(values.0, pointer) } else { storePartial(values.0, pointer, columns) }
    if columns > 16 { storePartial(values.1, pointer + 16, columns - 16) }
}

/// One row of C: 32 columns of a panel over `depth`.
@inline(__always)
private func productRow(depth: Int, a: UnsafePointer<Float>, depthStride: Int, b: UnsafePointer<Float>,
                        c: UnsafeMutablePointer<Float>, columns: Int, accumulate: Bool) {
    var (c0, c1) = accumulate ? loadRow(c, columns) : (FloatVector(repeating: 0), FloatVector(repeating: 0))
    var q = b, offset = 0
    for _ in 0..<depth {
        let x = FloatVector(repeating: a[offset])
        c0 = c0.addingProduct(x, loadVector(q)); c1 = c1.addingProduct(x, loadVector(q + 16))
        q += 32; offset += depthStride
    }
    storeRow((c0, c1), c, columns)
}

#if LILT_VECTOR_REGISTERS_32
/// Rows of one tile.
private let tileRows = 8

/// The first elements of 4 rows of A.
private struct QuadRows {
    let a0, a1, a2, a3: UnsafePointer<Float>

    @inline(__always) init(_ a: UnsafePointer<Float>, rowStride r: Int) {
        a0 = a; a1 = a + r; a2 = a + 2 * r; a3 = a + 3 * r
    }
}

/// 4 rows × 32 columns of C in 8 registers.
private struct Quad {
    var c00, c01, c10, c11, c20, c21, c30, c31: FloatVector

    @inline(__always)
    init(_ c: UnsafeMutablePointer<Float>, rowStride s: Int, columns: Int, accumulate: Bool) {
        let zero = FloatVector(repeating: 0)
        (c00, c01) = accumulate ? loadRow(c, columns) : (zero, zero)
        (c10, c11) = accumulate ? loadRow(c + s, columns) : (zero, zero)
        (c20, c21) = accumulate ? loadRow(c + 2 * s, columns) : (zero, zero)
        (c30, c31) = accumulate ? loadRow(c + 3 * s, columns) : (zero, zero)
    }

    /// One depth step: A's values at `offset` of its 4 rows times B's row (b0, b1).
    @inline(__always)
    mutating func add(_ a: QuadRows, offset: Int, _ b0: FloatVector, _ b1: FloatVector) {
        var x = FloatVector(repeating: a.a0[offset]); c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
        x = FloatVector(repeating: a.a1[offset]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
        x = FloatVector(repeating: a.a2[offset]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
        x = FloatVector(repeating: a.a3[offset]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
    }

    @inline(__always)
    func store(_ c: UnsafeMutablePointer<Float>, rowStride s: Int, columns: Int) {
        storeRow((c00, c01), c, columns); storeRow((c10, c11), c + s, columns)
        storeRow((c20, c21), c + 2 * s, columns); storeRow((c30, c31), c + 3 * s, columns)
    }
}

/// 8 rows × 32 columns of C in 16 registers (two quads), two loads of B and eight broadcasts of A per
/// depth step.
@inline(__always)
private func productTile(depth: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, cRowStride: Int, columns: Int, accumulate: Bool) {
    let s = cRowStride, r = rowStride
    var top = Quad(c, rowStride: s, columns: columns, accumulate: accumulate)
    var bottom = Quad(c + 4 * s, rowStride: s, columns: columns, accumulate: accumulate)
    let upperRows = QuadRows(a, rowStride: r), lowerRows = QuadRows(a + 4 * r, rowStride: r)
    var q = b, offset = 0
    for _ in 0..<depth {
        let b0 = loadVector(q), b1 = loadVector(q + 16)
        top.add(upperRows, offset: offset, b0, b1)
        bottom.add(lowerRows, offset: offset, b0, b1)
        q += 32; offset += depthStride
    }
    top.store(c, rowStride: s, columns: columns)
    bottom.store(c + 4 * s, rowStride: s, columns: columns)
}

/// 4 rows × 32 columns of C: the rest of a part whose rows are not a multiple of 8.
@inline(__always)
private func productQuad(depth: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, cRowStride: Int, columns: Int, accumulate: Bool) {
    var quad = Quad(c, rowStride: cRowStride, columns: columns, accumulate: accumulate)
    let rows = QuadRows(a, rowStride: rowStride)
    var q = b, offset = 0
    for _ in 0..<depth {
        quad.add(rows, offset: offset, loadVector(q), loadVector(q + 16))
        q += 32; offset += depthStride
    }
    quad.store(c, rowStride: cRowStride, columns: columns)
}
#else
/// Rows of one tile.
private let tileRows = 4

/// 4 rows × 32 columns of C, taken as two halves of 16 columns (8 registers of 8 lanes each).
@inline(__always)
private func productTile(depth: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, cRowStride: Int, columns: Int, accumulate: Bool) {
    let r = rowStride, s = cRowStride
    let a0 = a, a1 = a + r, a2 = a + 2 * r, a3 = a + 3 * r
    for half in 0..<2 where half * 16 < columns {
        let count = min(16, columns - half * 16)
        let zero = FloatVector(repeating: 0)
        @inline(__always) func load(_ pointer: UnsafeMutablePointer<Float>) -> FloatVector {
            count == 16 ? loadVector(pointer) : loadPartial(pointer, count)
        }
        @inline(__always) func store(_ value: FloatVector, _ pointer: UnsafeMutablePointer<Float>) {
            if count == 16 { storeVector(value, pointer) } else { storePartial(value, pointer, count) }
        }
        let c0p = c + half * 16, c1p = c0p + s, c2p = c0p + 2 * s, c3p = c0p + 3 * s
        var c0 = accumulate ? load(c0p) : zero, c1 = accumulate ? load(c1p) : zero
        var c2 = accumulate ? load(c2p) : zero, c3 = accumulate ? load(c3p) : zero
        var q = b + half * 16, offset = 0
        for _ in 0..<depth {
            let bv = loadVector(q)
            c0 = c0.addingProduct(FloatVector(repeating: a0[offset]), bv)
            c1 = c1.addingProduct(FloatVector(repeating: a1[offset]), bv)
            c2 = c2.addingProduct(FloatVector(repeating: a2[offset]), bv)
            c3 = c3.addingProduct(FloatVector(repeating: a3[offset]), bv)
            q += 32; offset += depthStride
        }
        store(c0, c0p); store(c1, c1p); store(c2, c2p); store(c3, c3p)
    }
}
#endif
