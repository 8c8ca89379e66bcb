import Foundation
import Synchronization

/// A fixed team of threads that run the parts of one job together: the caller's thread is part 0 and
/// `count − 1` threads of the team's own take the other parts. `run` returns when every part has run.
///
/// Dedicated threads (not a shared pool) are what make `SpinBarrier` safe inside a job: every part is
/// running at the same time, so a part waiting at a barrier is always waited for by running threads.
///
/// Between jobs a worker spins for a while (`spinLimit`) before it sleeps on its semaphore: the jobs of a
/// training step follow each other microseconds apart, and waking a sleeping thread costs tens to
/// hundreds of microseconds (more in a virtual machine), which every part would then wait for at its
/// first barrier. A team left idle sleeps and costs nothing.
final class WorkerTeam {
    let count: Int
    private let shared: Shared

    /// What the team's threads share with the caller.
    ///
    /// `@unchecked Sendable` is safe: `job` is written only by `run`, before it publishes a new
    /// `generation` (release) and after every worker has counted itself `finished` (acquire), so a worker
    /// reads it only between those points; `stopping` is written only in the owner's `deinit`, before the
    /// final generation and signals.
    private final class Shared: @unchecked Sendable {
        var job: ((Int) -> Void)?
        var stopping = false
        /// Bumped once per job (and once to stop).
        let generation = Atomic<Int>(0)
        /// Workers done with the current job.
        let finished = Atomic<Int>(0)
        /// Bit w set: worker w is asleep (or about to be) on its semaphore and must be signalled.
        let sleeping = Atomic<Int>(0)
        let start: [DispatchSemaphore]

        init(workers: Int) {
            start = (0..<workers).map { _ in DispatchSemaphore(value: 0) }
        }

        /// Waits until `generation` moves past `seen`: spinning first, then asleep.
        func awaitJob(after seen: Int, worker: Int) -> Int {
            for spin in 0..<WorkerTeam.spinLimit {
                let now = generation.load(ordering: .acquiring)
                if now != seen { return now }
                if spin % 64 == 63 { sched_yield() }
            }
            while true {
                // Announce the sleep, then look once more: `run` bumps the generation before it reads the
                // flag, so either this look sees the new job or `run` sees the flag and signals.
                sleeping.bitwiseOr(1 << worker, ordering: .sequentiallyConsistent)
                let now = generation.load(ordering: .sequentiallyConsistent)
                if now != seen {
                    sleeping.bitwiseAnd(~(1 << worker), ordering: .sequentiallyConsistent)
                    return now
                }
                start[worker].wait()   // a signal left from an earlier job only costs one more look
                sleeping.bitwiseAnd(~(1 << worker), ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Spins of a worker waiting for the next job before it sleeps (a fraction of a millisecond).
    static let spinLimit = 20_000

    init(count: Int) {
        self.count = max(1, count)
        shared = Shared(workers: self.count - 1)
        for worker in 0..<(self.count - 1) {
            let shared = self.shared
            let thread = Thread {
                var seen = 0
                while true {
                    seen = shared.awaitJob(after: seen, worker: worker)
                    if shared.stopping { return }
                    shared.job?(worker + 1)
                    shared.finished.add(1, ordering: .releasing)
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.stopping = true
        shared.generation.add(1, ordering: .sequentiallyConsistent)
        for semaphore in shared.start { semaphore.signal() }
    }

    /// Runs `body(part)` for every part 0..<count at the same time; returns when all have finished.
    func run(_ body: (Int) -> Void) {
        if count == 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            shared.job = body
            shared.finished.store(0, ordering: .relaxed)
            shared.generation.add(1, ordering: .sequentiallyConsistent)
            let sleepers = shared.sleeping.load(ordering: .sequentiallyConsistent)
            for worker in 0..<(count - 1) where sleepers & (1 << worker) != 0 { shared.start[worker].signal() }
            body(0)
            var spins = 0
            while shared.finished.load(ordering: .acquiring) < count - 1 {
                spins += 1
                if spins > 4000 { sched_yield() }
            }
            shared.job = nil
        }
    }
}

/// A barrier for the parts of one `WorkerTeam` job: each `wait()` returns once every part has called it
/// (reusable, generation-counted). Spins briefly, then yields the processor while it waits.
final class SpinBarrier: Sendable {
    let count: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(count: Int) { self.count = max(1, count) }

    func wait() {
        if count == 1 { return }
        let current = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == count {
            arrived.store(0, ordering: .relaxed)
            generation.store(current &+ 1, ordering: .releasing)
        } else {
            var spins = 0
            while generation.load(ordering: .acquiring) == current {
                spins += 1
                if spins > 4000 { sched_yield() }
            }
        }
    }
}

