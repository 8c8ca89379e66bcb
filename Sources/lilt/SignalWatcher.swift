import Foundation

/// Calls a handler, on a thread of its own, when the process receives one of the given signals (Ctrl-C, SIGTERM).
///
/// A plain handler writes the signal's number into a pipe and a reader thread acts on it. Unlike a Dispatch
/// signal source (signalfd on Linux), this does not depend on every thread blocking the signal: the audio and
/// BLAS threads started before the watcher do not, and a signal the kernel hands to one of them would be lost.
final class SignalWatcher: Sendable {
    /// The pipe's write end, for the handler (which can capture nothing); set once, before any handler runs.
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    private static let setUp = NSLock()

    /// Installs the handlers at once; `handler` runs for every signal received from now on.
    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        SignalWatcher.setUp.lock()
        defer { SignalWatcher.setUp.unlock() }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        SignalWatcher.writeEnd = ends[1]
        let readEnd = ends[0]
        let thread = Thread {
            var number: Int32 = 0
            while true {
                let count = read(readEnd, &number, MemoryLayout<Int32>.size)
                if count == MemoryLayout<Int32>.size { handler(number) } else if count < 0 && errno == EINTR { continue } else { return }
            }
        }
        thread.name = "signals"
        thread.start()
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in signals {
            signal(number) { received in
                var value = received
                _ = write(SignalWatcher.writeEnd, &value, MemoryLayout<Int32>.size)
            }
            sigaddset(&unblock, number)
        }
        // A parent may have started us with these signals blocked; they must reach the handler.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }
}
