import LiltTerminal

/// Where each pane goes on a screen of a given size.
public struct StudioLayout: Equatable, Sendable {
    /// The smallest screen the studio draws its panes on; below it a message asks for more room.
    public static let minimumSize = TerminalSize(width: 80, height: 24)
    public static let controlRows = 4

    public var title: Rect
    public var roll: Rect
    /// The training pane, when shown: right of the roll on wide screens, under it otherwise.
    public var training: Rect?
    public var controls: Rect
    public var status: Rect
    public var message: Rect
    public var isTooSmall: Bool

    public init(size: TerminalSize, showsTraining: Bool = false) {
        let screen = Rect(x: 0, y: 0, width: size.width, height: size.height)
        isTooSmall = size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
        let (title, afterTitle) = screen.splitTop(1)
        let (aboveMessage, message) = afterTitle.splitBottom(1)
        let (aboveStatus, status) = aboveMessage.splitBottom(1)
        let (roll, controls) = aboveStatus.splitBottom(Self.controlRows)
        self.title = title
        if showsTraining, roll.width >= 120 {
            let width = max(44, roll.width * 2 / 5)
            let (left, right) = roll.splitLeft(roll.width - width)
            self.roll = left
            training = right
        } else if showsTraining {
            let (top, bottom) = roll.splitBottom(max(8, roll.height / 2))
            self.roll = top
            training = bottom
        } else {
            self.roll = roll
            training = nil
        }
        self.controls = controls
        self.status = status
        self.message = message
    }

    /// Columns of the roll taken by the pitch labels.
    public static let gutter = 5

    /// Rows above the grid: the ruler (bar numbers) and the chord lane.
    public static let rowsAboveGrid = 2

    /// The grid of the roll (right of the labels, below the ruler and the chord lane).
    public var grid: Rect {
        let (_, right) = roll.splitLeft(Self.gutter)
        return right.splitTop(Self.rowsAboveGrid).1
    }
}
