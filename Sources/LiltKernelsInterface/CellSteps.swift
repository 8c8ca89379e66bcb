/// What the cell kernels are given: one step of the LSTM cell over the batch rows of a part's hidden
/// units. Shared by every CPU-specific build of the kernels (which cannot share types of their own).

/// Rows of a row-major matrix as the cell kernels see them: the first element of the columns in use
/// (a part's units, or its block of a gate) and the distance from one row to the next.
package struct Rows {
    package let base: UnsafeMutablePointer<Float>
    package let stride: Int

    @inlinable package init(_ base: UnsafeMutablePointer<Float>, stride: Int) {
        self.base = base
        self.stride = stride
    }

    @inlinable @inline(__always) package subscript(row: Int) -> UnsafeMutablePointer<Float> { base + row * stride }
}

/// A one-hot input term: for batch row r, row `tokens[r]` of `table` ([V, 4H] rows of b + W_ih[:, token],
/// offset to the part's first unit).
package struct TokenRows {
    package let table: UnsafeMutablePointer<Float>
    package let stride: Int
    package let tokens: UnsafePointer<Int32>

    @inlinable package init(table: UnsafeMutablePointer<Float>, stride: Int, tokens: UnsafePointer<Int32>) {
        self.table = table
        self.stride = stride
        self.tokens = tokens
    }

    @inlinable @inline(__always) package subscript(row: Int) -> UnsafeMutablePointer<Float> {
        table + Int(tokens[row]) * stride
    }
}

/// One forward step for `rows` batch rows and `units` hidden units. Gate blocks are `gateStride` apart
/// in `gates` (and in `tokenInput`'s rows), `recurrentStride` apart in `recurrent`.
///
/// In: the input term of each row (`tokenInput`'s row when given, otherwise what `gates` holds), the
/// recurrent term h₋·W_hhᵀ in `recurrent`, c₋ in `cPrev`. Out: the activated gates in `gates`, tanh c,
/// h, and c and h for the next step in `cNext`/`hNext` — zeros for a row whose `resetNext` is ≠ 0
/// (nil: none is).
package struct CellForwardStep {
    package var rows: Int, units: Int
    package var gates: Rows, gateStride: Int
    package var tokenInput: TokenRows?
    package var recurrent: Rows, recurrentStride: Int
    package var cPrev: Rows, tanhC: Rows, hOut: Rows, cNext: Rows, hNext: Rows
    package var resetNext: UnsafePointer<UInt8>?

    @inlinable package init(rows: Int, units: Int, gates: Rows, gateStride: Int, tokenInput: TokenRows?,
                            recurrent: Rows, recurrentStride: Int, cPrev: Rows, tanhC: Rows, hOut: Rows,
                            cNext: Rows, hNext: Rows, resetNext: UnsafePointer<UInt8>?) {
        self.rows = rows; self.units = units; self.gates = gates; self.gateStride = gateStride
        self.tokenInput = tokenInput; self.recurrent = recurrent; self.recurrentStride = recurrentStride
        self.cPrev = cPrev; self.tanhC = tanhC; self.hOut = hOut; self.cNext = cNext; self.hNext = hNext
        self.resetNext = resetNext
    }
}

/// One backward step for `rows` batch rows and `units` hidden units.
///
/// In: the activated gates, c₋, tanh c, ∂L/∂h from above (`dH`) and through the recurrence (`dhNext`),
/// ∂L/∂c from the next step (`dcNext`). Out: the pre-activation gradients in place of the gates, and
/// ∂L/∂c₋ in `dcNext` — zero for a row whose `cut` is ≠ 0 (it started a song at this step). With
/// `gradientSums`, each row's pre-activation gradients are also added into its token's row there.
package struct CellBackwardStep {
    package var rows: Int, units: Int
    package var gates: Rows, gateStride: Int
    package var cPrev: Rows, tanhC: Rows, dH: Rows, dhNext: Rows, dcNext: Rows
    package var cut: UnsafePointer<UInt8>
    package var gradientSums: TokenRows?

    @inlinable package init(rows: Int, units: Int, gates: Rows, gateStride: Int, cPrev: Rows, tanhC: Rows,
                            dH: Rows, dhNext: Rows, dcNext: Rows, cut: UnsafePointer<UInt8>,
                            gradientSums: TokenRows?) {
        self.rows = rows; self.units = units; self.gates = gates; self.gateStride = gateStride
        self.cPrev = cPrev; self.tanhC = tanhC; self.dH = dH; self.dhNext = dhNext; self.dcNext = dcNext
        self.cut = cut; self.gradientSums = gradientSums
    }
}
