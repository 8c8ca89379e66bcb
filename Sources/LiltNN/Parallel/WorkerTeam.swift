import Foundation
import Synchronization

/// A fixed team of threads that run the parts of one job together: the caller's thread is part 0 and
/// `count − 1` threads of the team's own take the other parts. `run` returns when every part has run.
///
/// Dedicated threads (not a shared pool) are what make `SpinBarrier` safe inside a job: every part is
/// running at the same time, so a part waiting at a barrier is always waited for by running threads.
final class WorkerTeam {
    let count: Int
    private let shared: Shared

    /// What the team's threads share with the caller.
    ///
    /// `@unchecked Sendable` is safe: `job` is written only by `run` before it signals the `start`
    /// semaphores and cleared after it has waited on `done` for every worker, so a worker reads it only
    /// between those points (the semaphores order the accesses); `stopping` is written only in the owner's
    /// `deinit`, before the final signals.
    private final class Shared: @unchecked Sendable {
        var job: ((Int) -> Void)?
        var stopping = false
        let start: [DispatchSemaphore]
        let done = DispatchSemaphore(value: 0)

        init(workers: Int) { start = (0..<workers).map { _ in DispatchSemaphore(value: 0) } }
    }

    init(count: Int) {
        self.count = max(1, count)
        shared = Shared(workers: self.count - 1)
        for worker in 0..<(self.count - 1) {
            let shared = self.shared
            let thread = Thread {
                while true {
                    shared.start[worker].wait()
                    if shared.stopping { return }
                    shared.job?(worker + 1)
                    shared.done.signal()
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.stopping = true
        for semaphore in shared.start { semaphore.signal() }
    }

    /// Runs `body(part)` for every part 0..<count at the same time; returns when all have finished.
    func run(_ body: (Int) -> Void) {
        if count == 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            shared.job = body
            for semaphore in shared.start { semaphore.signal() }
            body(0)
            for _ in 1..<count { shared.done.wait() }
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
