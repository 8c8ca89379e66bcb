/// An exact length or position in quarter notes, as a reduced fraction.
///
/// Musical time is rational: a triplet eighth is 1/3 of a quarter, and only exact arithmetic can tell
/// whether a melody fits a sixteenth-note grid. Values are kept reduced with a positive denominator.
public struct QuarterLength: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    /// Creates `numerator / denominator` quarter notes. The denominator must not be zero.
    public init(_ numerator: Int, _ denominator: Int = 1) {
        precondition(denominator != 0, "QuarterLength with a zero denominator")
        let sign = denominator < 0 ? -1 : 1
        let divisor = Self.gcd(abs(numerator), abs(denominator))
        self.numerator = sign * numerator / max(divisor, 1)
        self.denominator = sign * denominator / max(divisor, 1)
    }

    public static let zero = QuarterLength(0)
    public static let quarter = QuarterLength(1)

    /// The value as a floating-point number of quarter notes.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// The nearest multiple of `1/denominator` to a floating-point quarter-note value.
    public static func rounded(_ value: Double, toDenominator denominator: Int) -> QuarterLength {
        QuarterLength(Int((value * Double(denominator)).rounded()), denominator)
    }

    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    public static func < (a: QuarterLength, b: QuarterLength) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }
    public static func + (a: QuarterLength, b: QuarterLength) -> QuarterLength {
        let d = lcm(a.denominator, b.denominator)
        return QuarterLength(a.numerator * (d / a.denominator) + b.numerator * (d / b.denominator), d)
    }
    public static func - (a: QuarterLength, b: QuarterLength) -> QuarterLength { a + (-b) }
    public static prefix func - (a: QuarterLength) -> QuarterLength { QuarterLength(-a.numerator, a.denominator) }
    public static func * (a: QuarterLength, b: QuarterLength) -> QuarterLength {
        let g1 = gcd(abs(a.numerator), b.denominator), g2 = gcd(abs(b.numerator), a.denominator)
        return QuarterLength((a.numerator / max(g1, 1)) * (b.numerator / max(g2, 1)),
                             (a.denominator / max(g2, 1)) * (b.denominator / max(g1, 1)))
    }
    public static func / (a: QuarterLength, b: QuarterLength) -> QuarterLength {
        precondition(b.numerator != 0, "QuarterLength division by zero")
        return a * QuarterLength(b.denominator, b.numerator)
    }
    public static func += (a: inout QuarterLength, b: QuarterLength) { a = a + b }
    public static func -= (a: inout QuarterLength, b: QuarterLength) { a = a - b }

    /// Whether this length is a whole multiple of `step`.
    public func isMultiple(of step: QuarterLength) -> Bool { (self / step).denominator == 1 }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
    static func lcm(_ a: Int, _ b: Int) -> Int { a / gcd(a, b) * b }
}

extension QuarterLength: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension QuarterLength: Codable {
    /// Encoded as a number of quarter notes (JSON has no fractions); decoded to the nearest 1/960.
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Double.self)
        self = .rounded(value, toDenominator: 960)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(doubleValue)
    }
}
