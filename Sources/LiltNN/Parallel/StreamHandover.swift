import Foundation
import Synchronization

/// Work sharing inside one pass of the recurrence: a part that has finished its streams takes over
/// streams from a part still running, at a step boundary.
///
/// `StreamSplit` sizes the parts by their past speeds, but a shared machine's cores change speed within
/// a pass (measured here: one part waited for the other 11–18% of the recurrence's time). So a running
/// part, between two steps, looks whether a part is idle; if so it keeps the lower half of its groups of
/// streams and hands the upper half over, from the next step on, to the idle part. Every stream's state
/// lives in the layer's buffers, and a stream's arithmetic does not depend on the part that runs it, so
/// a handover changes the time only, never a result.
///
/// One parcel at a time. `busy` counts the parts running streams plus a parcel not yet taken: an idle
/// part leaves when it reaches zero, since then nobody can hand anything over any more.
final class StreamHandover: @unchecked Sendable {
    /// The streams, the next step and the steps left of a handed-over piece of work.
    struct Parcel {
        var streams: Range<Int>
        var nextStep: Int
        var stepsLeft: Int
    }

    let parts: Int
    /// Parts running streams, plus one for a parcel posted and not yet taken.
    private let busy = Atomic<Int>(0)
    /// 0: empty; 1: being filled; 2: ready; 3: being taken.
    private let slot = Atomic<Int>(0)
    /// Written only while `slot` is 1 by the part filling it, read only while it is 3 by the part taking it.
    private var parcel = Parcel(streams: 0..<0, nextStep: 0, stepsLeft: 0)
    /// Fewest steps left for which a handover is worth its cost (the giver's products get fewer rows).
    static let leastSteps = 2

    /// Stream-steps each part runs in this pass: its own streams' steps, less what it hands over, plus
    /// what it takes over. Final once `next()` has returned nil to every part.
    let work: UnsafeMutablePointer<Int>

    init(parts: Int) {
        self.parts = max(1, parts)
        work = .allocate(capacity: self.parts)
        work.initialize(repeating: 0, count: self.parts)
    }

    deinit { work.deallocate() }

    /// Before a pass of `steps` steps: every part is running its own streams, `streams(part)`.
    func begin(steps: Int, streams: (Int) -> Range<Int>) {
        for part in 0..<parts { work[part] = streams(part).count * steps }
        busy.store(parts, ordering: .relaxed)
        slot.store(0, ordering: .releasing)
    }

    /// Called by running part `part` between two steps, with its streams (starting at a group boundary)
    /// and the steps still to run: the upper bound of the streams it keeps. The rest, if any, is handed
    /// over from `nextStep` on; everything the part wrote before this call is visible to the part that
    /// takes it.
    func offer(part: Int, streams: Range<Int>, nextStep: Int, stepsLeft: Int) -> Int {
        let group = StreamSplit.group, groups = (streams.count + group - 1) / group
        guard groups >= 2, stepsLeft >= Self.leastSteps, busy.load(ordering: .relaxed) < parts,
              slot.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged
        else { return streams.upperBound }
        let keep = streams.lowerBound + group * (groups / 2)
        parcel = Parcel(streams: keep..<streams.upperBound, nextStep: nextStep, stepsLeft: stepsLeft)
        work[part] -= (streams.upperBound - keep) * stepsLeft
        busy.add(1, ordering: .relaxed)
        slot.store(2, ordering: .releasing)
        return keep
    }

    /// Called by part `part` when it has finished its streams: the next parcel it takes over, or nil when
    /// every part is done.
    func next(part: Int) -> Parcel? {
        busy.subtract(1, ordering: .acquiringAndReleasing)
        var spins = 0
        while true {
            if slot.load(ordering: .acquiring) == 2,
               slot.compareExchange(expected: 2, desired: 3, ordering: .acquiring).exchanged {
                let taken = parcel
                slot.store(0, ordering: .releasing)
                work[part] += taken.streams.count * taken.stepsLeft
                return taken
            }
            if busy.load(ordering: .acquiring) == 0 { return nil }
            spins += 1
            if spins > 4000 { sched_yield() }
        }
    }
}
