import Foundation

/// How the streams of a batch are shared among the parts of a team for the recurrence: one contiguous
/// range each, sized by how fast each part has been running.
///
/// On a shared or hybrid machine one core can run much slower than another for seconds at a time (a
/// busy sibling thread on the host, an efficiency core), and an even split would leave the fast part
/// waiting at the end of every pass. Streams are independent and each one's arithmetic does not depend
/// on which part runs it, so moving the boundary changes the time only, never a result.
///
/// Boundaries fall on multiples of `StreamSplit.group` streams (the last range takes the rest).
final class StreamSplit {
    /// Streams move between parts in groups of this many (the smallest tile of the packed product's rows).
    static let group = 4
    let streams: Int, parts: Int
    /// boundaries[p]..<boundaries[p + 1]: the streams of part p.
    private(set) var boundaries: [Int]
    /// Smoothed streams per second of each part (0: not measured yet).
    private var speeds: [Double]
    /// Seconds each part spent running streams in the last pass, and the stream-steps it ran (its own
    /// range's, less what it handed over, plus what it took over: `StreamHandover`).
    let seconds: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>

    init(streams: Int, parts: Int) {
        self.streams = streams
        self.parts = max(1, parts)
        speeds = [Double](repeating: 0, count: self.parts)
        boundaries = [Int](repeating: streams, count: self.parts + 1)
        seconds = .allocate(capacity: self.parts)
        seconds.initialize(repeating: 0, count: self.parts)
        work = .allocate(capacity: self.parts)
        work.initialize(repeating: 0, count: self.parts)
        place(weights: [Double](repeating: 1, count: self.parts))
    }

    deinit { seconds.deallocate(); work.deallocate() }

    func range(part: Int) -> Range<Int> { boundaries[part]..<boundaries[part + 1] }

    /// Groups of `group` streams in the batch (the last may be short).
    var groups: Int { (streams + Self.group - 1) / Self.group }

    /// Folds the last pass's `work` and `seconds` into the speeds and moves the boundaries to match them
    /// (in place: nothing is allocated during training).
    func rebalance() {
        guard parts > 1 else { return }
        for part in 0..<parts {
            guard work[part] > 0, seconds[part] > 0 else { continue }
            let speed = work[part] / seconds[part]
            speeds[part] = speeds[part] == 0 ? speed : 0.75 * speeds[part] + 0.25 * speed
        }
        if speeds.allSatisfy({ $0 > 0 }) { place(weights: speeds) }
    }

    /// Sets the boundaries so that each part has a share of the groups in proportion to `weights`, at
    /// least one group each while there are enough.
    func place(weights: [Double]) {
        let total = weights.reduce(0, +)
        let atLeastOne = groups >= parts
        var cumulative = 0.0
        boundaries[0] = 0
        for part in 1..<parts {
            cumulative += weights[part - 1]
            let wanted = Int((Double(groups) * cumulative / total).rounded())
            let least = boundaries[part - 1] / Self.group + (atLeastOne ? 1 : 0)
            let most = groups - (atLeastOne ? parts - part : 0)
            boundaries[part] = min(streams, Self.group * min(max(wanted, least), most))
        }
        boundaries[parts] = streams
    }
}
