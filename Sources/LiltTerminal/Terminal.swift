/// A screen that shows canvases and delivers input. The studio talks only to this.
public protocol Terminal: AnyObject {
    /// The current size in cells.
    var size: TerminalSize { get }
    /// Whether box, block and braille glyphs can be shown (a UTF-8 locale); ASCII otherwise.
    var supportsUnicode: Bool { get }
    /// Shows `canvas`, sending only the cells that changed since the last call.
    func present(_ canvas: Canvas)
    /// Waits up to `timeout` seconds (nil: forever) for input; nil when none came.
    func nextEvent(timeout: Double?) -> InputEvent?
    /// Puts the terminal back as it was. Safe to call more than once.
    func restore()
}

/// A terminal in memory: tests push input and read what was presented.
public final class MemoryTerminal: Terminal {
    public var size: TerminalSize
    public var supportsUnicode: Bool
    /// Input still to be delivered, oldest first.
    public var pendingEvents: [InputEvent] = []
    /// The last canvas presented.
    public private(set) var screen: Canvas
    /// How many times `present` was called.
    public private(set) var presentCount = 0
    public private(set) var isRestored = false

    public init(width: Int = 80, height: Int = 24, supportsUnicode: Bool = true) {
        size = TerminalSize(width: width, height: height)
        self.supportsUnicode = supportsUnicode
        screen = Canvas(width: width, height: height)
    }

    public func present(_ canvas: Canvas) {
        screen = canvas
        presentCount += 1
    }

    public func nextEvent(timeout: Double?) -> InputEvent? {
        pendingEvents.isEmpty ? nil : pendingEvents.removeFirst()
    }

    public func restore() { isRestored = true }

    /// Changes the size and queues the resize event, as a real terminal would.
    public func resize(width: Int, height: Int) {
        size = TerminalSize(width: width, height: height)
        pendingEvents.append(.resize)
    }
}
