/// A matrix product C (+)= A · B whose right operand B is used for many products in a row (the recurrent
/// weights, every step of a window): B is packed once into panels, so each product reads it as stored
/// there instead of copying it again, as a general matrix product must.

/// Columns of one panel: two 16-lane vectors.
package let packedPanelWidth = 32

/// Floats that `packPanels` writes for a `depth` × `columns` operand (columns rounded up to whole panels).
package func packedCount(depth: Int, columns: Int) -> Int {
    (columns + packedPanelWidth - 1) / packedPanelWidth * packedPanelWidth * depth
}

/// Packs B (`depth` × `columns`, B[k, j] = source[k·rowStride + j·columnStride]) into panels of
/// `packedPanelWidth` columns: panel p holds, for k = 0, 1, …, the values B[k, 32p ..< 32p + 32]
/// (zeros past the last column), so a panel's k-th row is 32 contiguous floats.
package func packPanels(_ source: UnsafePointer<Float>, rowStride: Int, columnStride: Int, depth: Int, columns: Int,
                        into packed: UnsafeMutablePointer<Float>) {
    let width = packedPanelWidth
    for panel in 0..<(columns + width - 1) / width {
        let first = panel * width, count = min(width, columns - first)
        let out = packed + panel * depth * width
        for k in 0..<depth {
            let row = out + k * width
            let from = source + k * rowStride + first * columnStride
            if columnStride == 1 && count == width {
                copy32(from, row)
            } else if columnStride == 1 {
                row.update(from: from, count: count)
            } else {
                for j in 0..<count { row[j] = from[j * columnStride] }
            }
            if count < width { (row + count).update(repeating: 0, count: width - count) }
        }
    }
}

/// Copies 32 floats in two vector moves (a call to memmove for each row would cost more than the copy).
@inline(__always)
private func copy32(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>) {
    let source = UnsafeRawPointer(from), target = UnsafeMutableRawPointer(to)
    target.storeBytes(of: source.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
    target.storeBytes(of: source.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), toByteOffset: 64,
                      as: SIMD16<Float>.self)
}

/// One product C[m × n] (+)= A[m, depthRange] · B[depthRange, n] with B packed by `packPanels` (its full
/// depth `packedDepth`). A[r, k] = a[r·aRowStride + k·aDepthStride], with k counted from 0 (not from the
/// range's start); C is row-major with row stride `cRowStride`. Without `accumulate` C is overwritten.
///
/// Every element of C is one chain of fused multiply-adds in increasing k (starting from C's value when
/// accumulating), whatever the vector width: every build that has this product gives the same bits.
package struct PackedProductStep {
    package var rows: Int, columns: Int
    package var depthRange: Range<Int>
    package var a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int
    package var packed: UnsafePointer<Float>, packedDepth: Int
    package var c: UnsafeMutablePointer<Float>, cRowStride: Int
    package var accumulate: Bool

    @inlinable package init(rows: Int, columns: Int, depthRange: Range<Int>, a: UnsafePointer<Float>, aRowStride: Int,
                            aDepthStride: Int, packed: UnsafePointer<Float>, packedDepth: Int,
                            c: UnsafeMutablePointer<Float>, cRowStride: Int, accumulate: Bool) {
        self.rows = rows; self.columns = columns; self.depthRange = depthRange
        self.a = a; self.aRowStride = aRowStride; self.aDepthStride = aDepthStride
        self.packed = packed; self.packedDepth = packedDepth
        self.c = c; self.cRowStride = cRowStride; self.accumulate = accumulate
    }
}
