import Foundation
import LiltMusic

/// A hidden Markov model harmonizer, the baseline for a lead-sheet model: one hidden chord (root and
/// quality) per change point, chord-to-chord transitions and chord-to-melody-note emissions (each
/// pitch class sounding in the segment, weighted by its length in quarter notes) counted on training
/// songs with add-one smoothing, and the best chord sequence for a melody found by Viterbi.
public struct ChordHMM: Sendable {
    public let changes: ChordChanges
    /// The chords seen in training (bass dropped), in vocabulary order.
    public let states: [ChordToken]
    let initial: [Double]
    let transition: [[Double]]
    let emission: [[Double]]

    /// Counts on `melodies` (with their chords, all in one key as a corpus has them).
    public init(training melodies: [Melody], changes: ChordChanges) {
        self.changes = changes
        var seen = Set<ChordToken>()
        var labelled: [[(chord: ChordToken, weights: [Double])]] = []
        for melody in melodies {
            let segments = Self.segments(of: melody, changes: changes).compactMap { segment -> (ChordToken, [Double])? in
                guard let chord = Self.chord(at: segment.start, in: melody.chords) else { return nil }
                return (ChordToken(root: chord.rootPitchClass, quality: chord.quality), segment.weights)
            }
            seen.formUnion(segments.map(\.0))
            labelled.append(segments.map { (chord: $0.0, weights: $0.1) })
        }
        let states = seen.sorted()
        let index = Dictionary(uniqueKeysWithValues: states.enumerated().map { ($1, $0) })
        let n = states.count
        var initial = [Double](repeating: 1, count: n)
        var transition = [[Double]](repeating: [Double](repeating: 1, count: n), count: n)
        var emission = [[Double]](repeating: [Double](repeating: 1, count: 12), count: n)
        for song in labelled {
            for (position, segment) in song.enumerated() {
                let state = index[segment.chord]!
                if position == 0 { initial[state] += 1 } else { transition[index[song[position - 1].chord]!][state] += 1 }
                for pitchClass in 0..<12 { emission[state][pitchClass] += segment.weights[pitchClass] }
            }
        }
        func logNormalized(_ row: [Double]) -> [Double] {
            let total = row.reduce(0, +)
            return row.map { log($0 / total) }
        }
        self.states = states
        self.initial = logNormalized(initial)
        self.transition = transition.map(logNormalized)
        self.emission = emission.map(logNormalized)
    }

    /// The melody with one chord per change point, the most likely sequence under the model (its own
    /// chords are ignored; the result is in the melody's key, spelled as in C major).
    public func harmonize(_ melody: Melody) -> [ChordSymbol] {
        let segments = Self.segments(of: melody, changes: changes)
        guard !segments.isEmpty, !states.isEmpty else { return [] }
        let n = states.count
        func emit(_ state: Int, _ weights: [Double]) -> Double {
            (0..<12).reduce(0) { $0 + weights[$1] * emission[state][$1] }
        }
        var score = (0..<n).map { initial[$0] + emit($0, segments[0].weights) }
        var back: [[Int]] = []
        for segment in segments.dropFirst() {
            var next = [Double](repeating: -.infinity, count: n), from = [Int](repeating: 0, count: n)
            for state in 0..<n {
                for previous in 0..<n where score[previous] + transition[previous][state] > next[state] {
                    next[state] = score[previous] + transition[previous][state]
                    from[state] = previous
                }
                next[state] += emit(state, segment.weights)
            }
            score = next
            back.append(from)
        }
        var state = score.indices.max { score[$0] < score[$1] || (score[$0] == score[$1] && $0 > $1) }!
        var path = [state]
        for from in back.reversed() { state = from[state]; path.append(state) }
        path.reverse()
        return zip(segments, path).map { segment, state in
            states[state].symbol(onset: segment.start, duration: segment.end - segment.start)
        }
    }

    /// The chord sounding at `onset`, if any.
    static func chord(at onset: QuarterLength, in chords: [ChordSymbol]) -> ChordSymbol? {
        chords.last { $0.onset <= onset && onset < $0.end }
    }

    /// The melody cut at the change points: each segment's span and the quarter notes each pitch class
    /// sounds in it.
    static func segments(of melody: Melody, changes: ChordChanges) -> [(start: QuarterLength, end: QuarterLength, weights: [Double])] {
        let length = changes.length(in: melody.meter ?? Meter(4, 4))
        let total = melody.length
        var result: [(start: QuarterLength, end: QuarterLength, weights: [Double])] = []
        var start = QuarterLength.zero
        // After a pickup the change points fall on the bars (as `Harmonizer`'s do).
        let pickup = Harmonizer.leadIn(melody, length: length)
        while start < total {
            let end = min(start == .zero && pickup > .zero ? pickup : start + length, total)
            var weights = [Double](repeating: 0, count: 12)
            for note in melody.notes where note.onset < end && note.end > start {
                guard let pitch = note.pitch else { continue }
                let overlap = min(note.end, end) - max(note.onset, start)
                weights[((pitch.midi % 12) + 12) % 12] += overlap.doubleValue
            }
            result.append((start, end, weights))
            start = end
        }
        return result
    }
}
