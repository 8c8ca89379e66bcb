import Foundation
import LiltTerminal
import Synchronization

/// Keys typed on another thread for a `PacedTerminal`, each with the moment it was sent.
final class PacedKeyboard: Sendable {
    fileprivate let arrived = DispatchSemaphore(value: 0)
    fileprivate let queue = Mutex<[(event: InputEvent, sent: ContinuousClock.Instant)]>([])

    /// Hands a key over (from any thread).
    func send(_ event: InputEvent) {
        queue.withLock { $0.append((event, ContinuousClock.now)) }
        arrived.signal()
    }
}

/// A terminal in memory that waits for input the way a real one does: keys come from its `keyboard`
/// (typed on another thread), and `nextEvent` sleeps until one comes or its timeout passes. It measures,
/// for each key, the time from `send` to the next frame presented after the studio took the key — key to
/// screen, wake-up included — so the studio's own loop can be timed under load. Used on one thread.
final class PacedTerminal: Terminal {
    let size: TerminalSize
    let supportsUnicode = true
    let keyboard = PacedKeyboard()
    /// When the key the studio took last was sent (nil once a frame has shown it).
    private var awaiting: ContinuousClock.Instant?
    /// Milliseconds from `send` to the frame after it, one per key, in order.
    private(set) var keyToScreen: [Double] = []
    private(set) var frames = 0

    init(size: TerminalSize) { self.size = size }

    func present(_ canvas: Canvas) {
        frames += 1
        if let sent = awaiting {
            keyToScreen.append((ContinuousClock.now - sent).milliseconds)
            awaiting = nil
        }
    }

    func nextEvent(timeout: Double?) -> InputEvent? {
        let arrived = keyboard.arrived
        let ready = timeout.map { arrived.wait(timeout: .now() + $0) == .success } ?? { arrived.wait(); return true }()
        guard ready, let next = keyboard.queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return nil }
        awaiting = next.sent
        return next.event
    }

    func restore() {}
}
