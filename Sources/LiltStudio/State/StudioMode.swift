/// What the keyboard does now.
public enum StudioMode: Equatable, Sendable {
    /// Commands: move, select, edit, play.
    case normal
    /// The keyboard rows are a piano that enters notes at the cursor.
    case play
    /// Typing a `:` command.
    case command(String)
    /// Waiting for `y`/`n` to a question.
    case confirm(Question)

    /// The mode's name in the status line.
    public var name: String {
        switch self {
        case .normal: "NORMAL"
        case .play: "PLAY"
        case .command: "COMMAND"
        case .confirm: "CONFIRM"
        }
    }
}

/// A yes/no question the studio is asking.
public enum Question: Equatable, Sendable {
    /// Quit although there is unsaved work?
    case quitUnsaved
    /// Restore the session an earlier run left unsaved (autosaved at the date shown)?
    case restoreAutosave(String)

    public var prompt: String {
        switch self {
        case .quitUnsaved: "Unsaved changes. Quit without saving? (y/n, or :w to save first)"
        case .restoreAutosave(let when): "A session from \(when) was not saved. Restore it? (y/n)"
        }
    }
}

/// A message in the message line.
public struct StudioMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// The playback state the views show: copied from the player once a frame.
public struct PlaybackSnapshot: Equatable, Sendable {
    public var isPlaying: Bool
    /// The playhead in quarter notes, nil when stopped.
    public var position: Double?
    public var loop: Range<Double>?
    /// Paused: the playhead holds where it stopped, and playing goes on from there.
    public var isPaused: Bool

    public init(isPlaying: Bool = false, position: Double? = nil, loop: Range<Double>? = nil, isPaused: Bool = false) {
        self.isPlaying = isPlaying
        self.position = position
        self.loop = loop
        self.isPaused = isPaused
    }
}
