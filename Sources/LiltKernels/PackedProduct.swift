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

/// 8 rows × 32 columns of C in 16 registers, two loads of B and eight broadcasts of A per depth step.
@inline(__always)
private func productTile(depth: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, cRowStride: Int, columns: Int, accumulate: Bool) {
    let zero = FloatVector(repeating: 0)
    var c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero
    var c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero
    let s = cRowStride
    if accumulate {
        (c00, c01) = loadRow(c, columns); (c10, c11) = loadRow(c + s, columns)
        (c20, c21) = loadRow(c + 2 * s, columns); (c30, c31) = loadRow(c + 3 * s, columns)
        (c40, c41) = loadRow(c + 4 * s, columns); (c50, c51) = loadRow(c + 5 * s, columns)
        (c60, c61) = loadRow(c + 6 * s, columns); (c70, c71) = loadRow(c + 7 * s, columns)
    }
    let r = rowStride
    let a0 = a, a1 = a + r, a2 = a + 2 * r, a3 = a + 3 * r, a4 = a + 4 * r, a5 = a + 5 * r, a6 = a + 6 * r, a7 = a + 7 * r
    var q = b, offset = 0
    for _ in 0..<depth {
        let b0 = loadVector(q), b1 = loadVector(q + 16)
        var x = FloatVector(repeating: a0[offset]); c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
        x = FloatVector(repeating: a1[offset]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
        x = FloatVector(repeating: a2[offset]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
        x = FloatVector(repeating: a3[offset]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
        x = FloatVector(repeating: a4[offset]); c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
        x = FloatVector(repeating: a5[offset]); c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
        x = FloatVector(repeating: a6[offset]); c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1)
        x = FloatVector(repeating: a7[offset]); c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1)
        q += 32; offset += depthStride
    }
    storeRow((c00, c01), c, columns); storeRow((c10, c11), c + s, columns)
    storeRow((c20, c21), c + 2 * s, columns); storeRow((c30, c31), c + 3 * s, columns)
    storeRow((c40, c41), c + 4 * s, columns); storeRow((c50, c51), c + 5 * s, columns)
    storeRow((c60, c61), c + 6 * s, columns); storeRow((c70, c71), c + 7 * s, columns)
}

/// 4 rows × 32 columns of C in 8 registers: the rest of a part whose rows are not a multiple of 8.
@inline(__always)
private func productQuad(depth: Int, a: UnsafePointer<Float>, rowStride: Int, depthStride: Int, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, cRowStride: Int, columns: Int, accumulate: Bool) {
    let zero = FloatVector(repeating: 0)
    var c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero
    let s = cRowStride
    if accumulate {
        (c00, c01) = loadRow(c, columns); (c10, c11) = loadRow(c + s, columns)
        (c20, c21) = loadRow(c + 2 * s, columns); (c30, c31) = loadRow(c + 3 * s, columns)
    }
    let r = rowStride
    let a0 = a, a1 = a + r, a2 = a + 2 * r, a3 = a + 3 * r
    var q = b, offset = 0
    for _ in 0..<depth {
        let b0 = loadVector(q), b1 = loadVector(q + 16)
        var x = FloatVector(repeating: a0[offset]); c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
        x = FloatVector(repeating: a1[offset]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
        x = FloatVector(repeating: a2[offset]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
        x = FloatVector(repeating: a3[offset]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
        q += 32; offset += depthStride
    }
    storeRow((c00, c01), c, columns); storeRow((c10, c11), c + s, columns)
    storeRow((c20, c21), c + 2 * s, columns); storeRow((c30, c31), c + 3 * s, columns)
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
