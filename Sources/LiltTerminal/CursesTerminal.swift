import Foundation
import Synchronization
internal import CNcursesw

/// Why the terminal could not be used.
public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotStart(term: String?)

    public var description: String {
        switch self {
        case .notATerminal:
            "standard input and output must be a terminal (run lilt in a terminal window, not through a pipe)"
        case .cannotStart(let term):
            "curses could not start on TERM=\(term ?? "(unset)"): set TERM to your terminal's type (e.g. xterm-256color)"
        }
    }
}

/// The real terminal, through ncursesw.
///
/// Starts with `newterm` (which reports a bad `TERM` instead of exiting), takes the keyboard raw
/// (Ctrl-C arrives as a key), and restores the terminal on `restore()`, on deinit, when SIGINT,
/// SIGTERM or SIGHUP arrive (reported as `.signal` events so the app can save first) and when the
/// process crashes.
public final class CursesTerminal: Terminal {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: Canvas?
    private var colorPairs: [ColorPairKey: Int16] = [:]
    private let colorCount: Int
    private let pairLimit: Int
    private var restored = false
    public let supportsUnicode: Bool

    private struct ColorPairKey: Hashable { var foreground: Int, background: Int }

    /// Takes over the process's terminal (standard input and output).
    public init() throws(TerminalError) {
        guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
        setlocale(LC_ALL, "")
        supportsUnicode = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        guard let output = fdopen(1, "w"), let input = fdopen(0, "r"),
              let screen = newterm(nil, output, input), let window = lilt_stdscr() else {
            throw .cannotStart(term: ProcessInfo.processInfo.environment["TERM"])
        }
        self.screen = screen
        set_term(screen)
        self.window = window
        raw()
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        colorCount = Int(lilt_colors())
        pairLimit = Int(lilt_color_pairs())
        mousemask(lilt_all_mouse_events, nil)
        mouseinterval(0)
        TerminalSignals.install()
    }

    deinit { restore() }

    public var size: TerminalSize {
        TerminalSize(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
    }

    public func present(_ canvas: Canvas) {
        let fullRedraw = previous.map { $0.width != canvas.width || $0.height != canvas.height } ?? true
        if fullRedraw { werase(window) }
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let cell = canvas[x, y]
                if !fullRedraw, let previous, previous[x, y] == cell { continue }
                let (attributes, pair) = curses(cell.style)
                // The bottom-right cell may report an error after writing (the cursor cannot advance).
                _ = lilt_mvwadd_scalar(window, Int32(y), Int32(x), wchar_t(bitPattern: cell.character.value),
                                       attributes, pair)
            }
        }
        previous = canvas
        wnoutrefresh(window)
        doupdate()
    }

    public func nextEvent(timeout: Double?) -> InputEvent? {
        // Wait in short slices so a termination signal is noticed promptly.
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        while true {
            if let signal = TerminalSignals.takePending() { return .terminate(signal: signal) }
            let remaining = deadline.map { $0.timeIntervalSinceNow } ?? 0.1
            if remaining <= 0 && deadline != nil { return nil }
            wtimeout(window, Int32(max(0, min(remaining, 0.1)) * 1000))
            var character: wint_t = 0
            let result = wget_wch(window, &character)
            if result == ERR { continue }
            if result == lilt_key_code_yes {
                if let event = decode(keyCode: Int32(character)) { return event }
                continue
            }
            guard let scalar = Unicode.Scalar(UInt32(character)) else { continue }
            return .key(Key(scalar: scalar))
        }
    }

    public func restore() {
        guard !restored else { return }
        restored = true
        curs_set(1)
        endwin()
        delscreen(screen)
        TerminalSignals.uninstall()
        fflush(nil)
    }

    private func decode(keyCode: Int32) -> InputEvent? {
        switch keyCode {
        case KEY_UP: .key(.up)
        case KEY_DOWN: .key(.down)
        case KEY_LEFT: .key(.left)
        case KEY_RIGHT: .key(.right)
        case KEY_HOME: .key(.home)
        case KEY_END: .key(.end)
        case KEY_PPAGE: .key(.pageUp)
        case KEY_NPAGE: .key(.pageDown)
        case KEY_BACKSPACE: .key(.backspace)
        case KEY_DC: .key(.delete)
        case KEY_IC: .key(.insert)
        case KEY_ENTER: .key(.enter)
        case KEY_BTAB: .key(.backTab)
        case KEY_RESIZE: .resize
        case KEY_MOUSE: mouseEvent()
        case KEY_F0 + 1 ... KEY_F0 + 24: .key(.function(Int(keyCode - KEY_F0)))
        default: nil
        }
    }

    private func mouseEvent() -> InputEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let action: MouseEvent.Action
        if event.bstate & (lilt_button1_pressed | lilt_button1_clicked) != 0 {
            action = .press
        } else if event.bstate & lilt_button1_released != 0 {
            action = .release
        } else if event.bstate & lilt_button4_pressed != 0 {
            action = .scrollUp
        } else if event.bstate & lilt_button5_pressed != 0 {
            action = .scrollDown
        } else {
            return nil
        }
        return .mouse(MouseEvent(action: action, x: Int(event.x), y: Int(event.y)))
    }

    /// The attributes and colour pair for a style, allocating pairs as they are first used.
    private func curses(_ style: CellStyle) -> (attr_t, Int16) {
        var attributes = lilt_a_normal
        if style.bold { attributes |= lilt_a_bold }
        if style.dim { attributes |= lilt_a_dim }
        if style.reverse { attributes |= lilt_a_reverse }
        if style.underline { attributes |= lilt_a_underline }
        var foreground = style.foreground.rawValue
        var background = style.background.rawValue
        // On 8-colour terminals bright colours become their base colour, in bold for the foreground.
        if colorCount < 16 {
            if foreground >= 8 { foreground -= 8; attributes |= lilt_a_bold }
            if background >= 8 { background -= 8 }
        }
        if foreground == -1 && background == -1 || colorCount == 0 { return (attributes, 0) }
        let key = ColorPairKey(foreground: foreground, background: background)
        if let pair = colorPairs[key] { return (attributes, pair) }
        let next = colorPairs.count + 1
        guard next < pairLimit, next < Int(Int16.max) else { return (attributes, 0) }
        init_pair(Int16(next), Int16(foreground), Int16(background))
        colorPairs[key] = Int16(next)
        return (attributes, Int16(next))
    }
}

/// Signal handling for a curses program: termination signals are recorded for the event loop;
/// crash signals put the terminal back before the process dies, so the shell is usable again.
enum TerminalSignals {
    private static let pending = Atomic<Int32>(0)
    private static let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private static let crashing: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    static func install() {
        // A parent may have started us with these signals blocked (threads of many runtimes block them, and
        // children inherit the mask): unblock them, or SIGTERM would never reach the handler.
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in terminating + crashing { sigaddset(&signals, number) }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        for number in terminating {
            signal(number) { received in TerminalSignals.pending.store(received, ordering: .relaxed) }
        }
        for number in crashing {
            signal(number) { received in
                // Not async-signal-safe, but the process is dying anyway and a raw, echo-less
                // terminal is worse: restore it, then die of the same signal.
                endwin()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    static func uninstall() {
        for number in terminating + crashing { signal(number, SIG_DFL) }
    }

    static func takePending() -> Int32? {
        let value = pending.exchange(0, ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
