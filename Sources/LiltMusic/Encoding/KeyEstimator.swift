/// Estimates a melody's key with the Krumhansl–Schmuckler method: the duration-weighted pitch-class
/// histogram is correlated with the Krumhansl–Kessler major and minor profiles rotated to each tonic, and
/// the best-correlated key wins (ties go to the earlier candidate).
public enum KeyEstimator {
    /// Krumhansl–Kessler probe-tone ratings for C major and C minor.
    static let majorProfile: [Double] = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
    static let minorProfile: [Double] = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

    /// The 24 major and minor keys, C major first.
    public static let allMajorMinor: [Key] = (0..<12).map { Key(tonic: $0, mode: .major) }
        + (0..<12).map { Key(tonic: $0, mode: .minor) }

    /// The best key among `candidates` (all 24 major and minor keys by default); nil for a melody
    /// without notes. Modal candidates use the major or minor profile by their third.
    public static func estimate(_ notes: [Note], among candidates: [Key] = allMajorMinor) -> Key? {
        var histogram = [Double](repeating: 0, count: 12)
        for note in notes {
            guard let pitch = note.pitch else { continue }
            histogram[pitch.pitchClass] += note.duration.doubleValue
        }
        guard histogram.contains(where: { $0 > 0 }) else { return nil }
        var best: Key?
        var bestScore = -Double.infinity
        for key in candidates {
            let profile = key.mode.isMajorLike ? majorProfile : minorProfile
            let rotated = (0..<12).map { profile[(($0 - key.tonic) % 12 + 12) % 12] }
            let score = correlation(histogram, rotated)
            if score > bestScore {
                bestScore = score
                best = key
            }
        }
        return best
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let meanA = a.reduce(0, +) / 12, meanB = b.reduce(0, +) / 12
        var numerator = 0.0, sumA = 0.0, sumB = 0.0
        for i in 0..<12 {
            let x = a[i] - meanA, y = b[i] - meanB
            numerator += x * y
            sumA += x * x
            sumB += y * y
        }
        let denominator = (sumA * sumB).squareRoot()
        return denominator > 0 ? numerator / denominator : 0
    }
}
