import Foundation
import LiltMusic

/// Figures of one melody's tokens (model key, on the step grid).
public struct MelodyStatistics: Sendable, Codable, Equatable {
    /// Note onsets per pitch class (C = 0).
    public var pitchClasses: [Double]
    /// Intervals between consecutive notes (rests skipped), −12…+12 semitones (wider ones clipped), index 0 = −12.
    public var intervals: [Double]
    public var notes: Int
    public var steps: Int
    /// Highest minus lowest MIDI pitch (0 without notes).
    public var range: Int
    /// Share of steps inside rests.
    public var restRatio: Double
    /// Share of notes in the key's scale (the white keys: C major, A minor and their modes after transposition).
    public var inScaleRatio: Double
    /// Note onsets per quarter note.
    public func density(step: QuarterLength) -> Double {
        steps > 0 ? Double(notes) / (Double(steps) * step.doubleValue) : 0
    }

    public init(_ tokens: [TimeStepToken]) {
        var pitchClasses = [Double](repeating: 0, count: 12)
        var intervals = [Double](repeating: 0, count: 25)
        var notes = 0, steps = 0, restSteps = 0, inScale = 0
        var low = Int.max, high = Int.min
        var previous: Int? = nil
        var inRest = false
        let scale = Key(tonic: 0, mode: .major).pitchClasses
        for token in tokens {
            switch token {
            case .end, .chord, .noChord: continue
            case .note(let midi):
                notes += 1
                pitchClasses[midi % 12] += 1
                if scale.contains(midi % 12) { inScale += 1 }
                low = min(low, midi); high = max(high, midi)
                if let previous { intervals[max(-12, min(12, midi - previous)) + 12] += 1 }
                previous = midi
                inRest = false
            case .rest: inRest = true; restSteps += 1
            case .hold: if inRest { restSteps += 1 }
            }
            steps += 1
        }
        self.pitchClasses = pitchClasses
        self.intervals = intervals
        self.notes = notes
        self.steps = steps
        range = notes > 0 ? high - low : 0
        restRatio = steps > 0 ? Double(restSteps) / Double(steps) : 0
        inScaleRatio = notes > 0 ? Double(inScale) / Double(notes) : 0
    }
}

/// Generated melodies against a corpus: pooled histograms compared by Jensen–Shannon distance (the
/// square root of the divergence in bits: 0 same, 1 disjoint), and means of the per-melody figures.
public struct CorpusComparison: Sendable, Codable, Equatable {
    public struct Side: Sendable, Codable, Equatable {
        public var melodies: Int
        public var meanRange: Double
        /// Notes per quarter note.
        public var meanDensity: Double
        public var meanRestRatio: Double
        public var meanInScaleRatio: Double
    }
    public var generated: Side
    public var corpus: Side
    public var pitchClassDistance: Double
    public var intervalDistance: Double

    public init(generated: [MelodyStatistics], corpus: [MelodyStatistics], step: QuarterLength) {
        func side(_ list: [MelodyStatistics]) -> Side {
            let n = Double(max(list.count, 1))
            return Side(melodies: list.count, meanRange: list.reduce(0) { $0 + Double($1.range) } / n,
                        meanDensity: list.reduce(0) { $0 + $1.density(step: step) } / n,
                        meanRestRatio: list.reduce(0) { $0 + $1.restRatio } / n,
                        meanInScaleRatio: list.reduce(0) { $0 + $1.inScaleRatio } / n)
        }
        self.generated = side(generated)
        self.corpus = side(corpus)
        (pitchClassDistance, intervalDistance) = PooledHistograms(generated).distances(to: PooledHistograms(corpus))
    }

    /// √JSD in bits of two histograms (normalised here); 0 when either is empty.
    public static func jensenShannonDistance(_ a: [Double], _ b: [Double]) -> Double {
        let sa = a.reduce(0, +), sb = b.reduce(0, +)
        guard sa > 0, sb > 0 else { return 0 }
        var divergence = 0.0
        for (x, y) in zip(a, b) {
            let p = x / sa, q = y / sb, m = (p + q) / 2
            if p > 0 { divergence += 0.5 * p * log2(p / m) }
            if q > 0 { divergence += 0.5 * q * log2(q / m) }
        }
        return sqrt(max(0, divergence))
    }
}

/// Pitch-class and interval histograms pooled over melodies (a corpus's songs, or a take), as shares, for
/// pictures beside each other.
public struct PooledHistograms: Sendable, Equatable {
    /// Shares of note onsets per pitch class (C = 0), summing to 1 (all 0 without notes).
    public var pitchClasses: [Double]
    /// Shares of intervals −12…+12 semitones (index 0 = −12).
    public var intervals: [Double]
    public var melodies: Int
    public var notes: Int

    public init(_ list: [MelodyStatistics]) {
        var pitchClasses = [Double](repeating: 0, count: 12), intervals = [Double](repeating: 0, count: 25)
        for item in list {
            for index in 0..<12 { pitchClasses[index] += item.pitchClasses[index] }
            for index in 0..<25 { intervals[index] += item.intervals[index] }
        }
        func shares(_ counts: [Double]) -> [Double] {
            let total = counts.reduce(0, +)
            return total > 0 ? counts.map { $0 / total } : counts
        }
        self.pitchClasses = shares(pitchClasses)
        self.intervals = shares(intervals)
        melodies = list.count
        notes = list.reduce(0) { $0 + $1.notes }
    }

    /// The histograms of a corpus's songs.
    public init(corpus: EncodedCorpus) {
        self.init(corpus.songs.map { song in MelodyStatistics(song.tokens.map { corpus.vocabulary.tokens[$0] }) })
    }

    /// Jensen–Shannon distances to `other`: pitch classes, intervals.
    public func distances(to other: PooledHistograms) -> (pitchClasses: Double, intervals: Double) {
        (CorpusComparison.jensenShannonDistance(pitchClasses, other.pitchClasses),
         CorpusComparison.jensenShannonDistance(intervals, other.intervals))
    }
}
