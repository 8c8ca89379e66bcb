/// Arithmetic that reports overflow instead of trapping, for values read from untrusted files: a hostile
/// file can chain durations whose denominators grow past `Int.max`.
extension QuarterLength {
    /// `self + other`, or nil when the exact result does not fit in `Int` fractions.
    public func checkedAdding(_ other: QuarterLength) -> QuarterLength? {
        let g = Self.gcd(denominator, other.denominator)
        let (d, o1) = (denominator / g).multipliedReportingOverflow(by: other.denominator)
        let (a, o2) = numerator.multipliedReportingOverflow(by: d / denominator)
        let (b, o3) = other.numerator.multipliedReportingOverflow(by: d / other.denominator)
        let (s, o4) = a.addingReportingOverflow(b)
        if o1 || o2 || o3 || o4 { return nil }
        return QuarterLength(s, d)
    }

    /// `self * other`, or nil on overflow.
    public func checkedMultiplied(by other: QuarterLength) -> QuarterLength? {
        let g1 = Self.gcd(abs(numerator), other.denominator), g2 = Self.gcd(abs(other.numerator), denominator)
        let (n, o1) = (numerator / max(g1, 1)).multipliedReportingOverflow(by: other.numerator / max(g2, 1))
        let (d, o2) = (denominator / max(g2, 1)).multipliedReportingOverflow(by: other.denominator / max(g1, 1))
        if o1 || o2 || d == 0 { return nil }
        return QuarterLength(n, d)
    }

    /// The value rounded to the nearest multiple of `step` (ties away from zero); `step` must be positive.
    public func rounded(toMultipleOf step: QuarterLength) -> QuarterLength {
        let ratio = self / step
        let whole = Int((Double(ratio.numerator) / Double(ratio.denominator)).rounded())
        return step * QuarterLength(whole)
    }
}
