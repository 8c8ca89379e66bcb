/// A dense row-major matrix of `Float`, owning its storage.
///
/// Shapes are `rows × columns`; element (r, c) lives at `r * columns + c`.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var storage: [Float]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix with a negative dimension")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    /// A `rows × columns` matrix over `storage` (row-major, exactly `rows * columns` values).
    public init(rows: Int, columns: Int, storage: [Float]) {
        precondition(storage.count == rows * columns,
                     "Matrix \(rows)×\(columns) needs \(rows * columns) values, got \(storage.count)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// The transpose, as a new matrix.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for r in 0..<rows { for c in 0..<columns { result[c, r] = self[r, c] } }
        return result
    }

    /// A matrix of uniform values in `range`, drawn from `generator`.
    public static func random<G: RandomNumberGenerator>(
        rows: Int, columns: Int, in range: ClosedRange<Float> = -1...1, using generator: inout G
    ) -> Matrix {
        Matrix(rows: rows, columns: columns,
               storage: (0..<rows * columns).map { _ in Float.random(in: range, using: &generator) })
    }
}
