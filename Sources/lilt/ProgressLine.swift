import Foundation
import Synchronization

/// The progress line of a long command (`corpus import`, `play`, `train`) on standard output.
///
/// On a terminal it is one line rewritten in place with `\r`, clipped to the terminal's width (a line that
/// wrapped could not be rewritten), at most once per `redrawInterval`; `printLine` erases it before a line
/// that stays. When standard output is not a terminal nothing is rewritten: `update` prints a plain line
/// only when the caller marks a new milestone (a quarter of the files, ten more seconds), so a log gets a
/// few lines rather than thousands. Safe to use from any thread.
final class ProgressLine: Sendable {
    /// Whether standard output is a terminal (decided once, when the line is made).
    let isTerminal: Bool
    /// When the line was made.
    let started = ContinuousClock.now
    private let redrawInterval: Duration
    private let state = Mutex(State())

    private struct State {
        var lastDraw: ContinuousClock.Instant?
        /// The highest milestone printed when not on a terminal; milestones above it print.
        var lastMilestone = 0
    }

    init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1, redrawInterval: Duration = .milliseconds(100)) {
        self.isTerminal = isTerminal
        self.redrawInterval = redrawInterval
    }

    /// Seconds since the line was made.
    var elapsedSeconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Shows `text` as the progress.
    ///
    /// On a terminal the line is rewritten, unless it was drawn less than `redrawInterval` ago and `force`
    /// is false. Otherwise `plain` (default: `text`) is printed as a line of its own when `milestone` is
    /// above every milestone printed before (the first above 0), and nothing is printed when it is nil.
    func update(_ text: String, force: Bool = false, milestone: Int? = nil, plain: String? = nil) {
        state.withLock { state in
            if isTerminal {
                let now = ContinuousClock.now
                if !force, let last = state.lastDraw, now - last < redrawInterval { return }
                state.lastDraw = now
                let columns = Self.terminalColumns()
                // The last column stays empty: a line that fills it would leave the cursor on the next line.
                write("\r" + String(text.prefix(max(columns - 1, 1))) + "\u{1B}[K")
            } else if let milestone, milestone > state.lastMilestone {
                state.lastMilestone = milestone
                write((plain ?? text) + "\n")
            }
        }
    }

    /// Prints `text` as a line that stays, in place of the progress line on a terminal.
    func printLine(_ text: String) {
        state.withLock { _ in
            write((isTerminal ? "\r\u{1B}[K" : "") + text + "\n")
        }
    }

    /// Erases the progress line on a terminal, with anything the terminal echoed after it (a "^C").
    func clear() {
        guard isTerminal else { return }
        state.withLock { _ in write("\r\u{1B}[K") }
    }

    /// Columns of the terminal on standard output: its window size, else `$COLUMNS`, else 80.
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 80
    }

    /// Through the same buffered stream as the commands' own `print`s, so the order holds when piped.
    private func write(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }
}
