import Foundation
import Synchronization

/// A time line in milliseconds that a live player schedules against. Reading it is safe from any thread.
public protocol PlaybackClock: Sendable {
    /// Now, in milliseconds since the clock's own start.
    var milliseconds: Double { get }
}

/// Real time: milliseconds since the clock was made, from the monotonic system clock.
public struct MonotonicPlaybackClock: PlaybackClock {
    private let start = ContinuousClock.now

    public init() {}

    public var milliseconds: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}

/// A clock that moves only when told to, so tests decide exactly when "now" is.
public final class ManualPlaybackClock: PlaybackClock {
    private let now: Mutex<Double>

    public init(milliseconds: Double = 0) { now = Mutex(milliseconds) }

    public var milliseconds: Double { now.withLock { $0 } }

    /// Moves time forward by `milliseconds`.
    public func advance(by milliseconds: Double) {
        now.withLock { $0 += max(0, milliseconds) }
    }
}
