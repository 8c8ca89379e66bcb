/// A terminal colour: the eight ANSI colours, their bright forms, or the terminal's default.
public enum TerminalColor: Int, Sendable, Hashable, CaseIterable {
    case `default` = -1
    case black = 0, red, green, yellow, blue, magenta, cyan, white
    case brightBlack = 8, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
}

/// How one cell looks.
public struct CellStyle: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = CellStyle()
}

/// One character cell: a Unicode scalar of display width 1 and its style.
public struct Cell: Sendable, Hashable {
    public var character: Unicode.Scalar
    public var style: CellStyle

    public init(_ character: Unicode.Scalar = " ", style: CellStyle = .plain) {
        self.character = character
        self.style = style
    }
}

/// A rectangle of cells, `x`/`y` from the top-left corner.
public struct Rect: Sendable, Hashable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// The rectangle shrunk by `amount` cells on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    /// Splits off the top `rows` rows: (top, rest).
    public func splitTop(_ rows: Int) -> (Rect, Rect) {
        let top = min(max(rows, 0), height)
        return (Rect(x: x, y: y, width: width, height: top),
                Rect(x: x, y: y + top, width: width, height: height - top))
    }

    /// Splits off the bottom `rows` rows: (rest, bottom).
    public func splitBottom(_ rows: Int) -> (Rect, Rect) {
        let bottom = min(max(rows, 0), height)
        return (Rect(x: x, y: y, width: width, height: height - bottom),
                Rect(x: x, y: maxY - bottom, width: width, height: bottom))
    }

    /// Splits off the left `columns` columns: (left, rest).
    public func splitLeft(_ columns: Int) -> (Rect, Rect) {
        let left = min(max(columns, 0), width)
        return (Rect(x: x, y: y, width: left, height: height),
                Rect(x: x + left, y: y, width: width - left, height: height))
    }

    public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}

/// A grid of styled cells that views draw into; the terminal shows it.
///
/// Drawing outside the canvas, or outside the clip rectangle, is silently dropped, so views need not
/// check their bounds. Characters are single-width: wide glyphs are the caller's to avoid.
public struct Canvas: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Sets one cell if it lies on the canvas.
    public mutating func put(_ character: Unicode.Scalar, x: Int, y: Int, style: CellStyle = .plain) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        cells[y * width + x] = Cell(character, style: style)
    }

    /// Changes the style of one cell, keeping its character.
    public mutating func restyle(x: Int, y: Int, _ change: (inout CellStyle) -> Void) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        change(&cells[y * width + x].style)
    }

    /// Writes `text` from (x, y) to the right, cut at `maxWidth` cells and at the canvas edge.
    /// Returns the column after the last cell written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: CellStyle = .plain,
                               maxWidth: Int = .max) -> Int {
        var column = x
        for scalar in text.unicodeScalars {
            if column - x >= maxWidth { break }
            put(scalar, x: column, y: y, style: style)
            column += 1
        }
        return column
    }

    /// Fills a rectangle with one character and style.
    public mutating func fill(_ rect: Rect, with character: Unicode.Scalar = " ", style: CellStyle = .plain) {
        for y in rect.y..<rect.maxY { for x in rect.x..<rect.maxX { put(character, x: x, y: y, style: style) } }
    }

    /// The canvas as plain text, one line per row, trailing spaces kept.
    public var text: String {
        (0..<height).map { row(text: $0) }.joined(separator: "\n")
    }

    /// One row as text.
    public func row(text y: Int) -> String {
        var line = String.UnicodeScalarView()
        for x in 0..<width { line.append(cells[y * width + x].character) }
        return String(line)
    }
}
