import LiltCompose
import LiltTerminal

/// The studio's colours and glyphs in one place, with the ASCII forms for non-UTF-8 terminals.
public enum Palette {
    public static let seed = CellStyle(foreground: .cyan)
    public static let edited = CellStyle(foreground: .green)
    /// A generated note without a known probability (a training sample, a session from before they were kept).
    public static let generated = CellStyle(foreground: .magenta)
    /// Generated notes by the probability the model gave them, least likely first (see `probabilityLevel`).
    public static let generatedLevels: [CellStyle] = [
        CellStyle(foreground: .magenta, dim: true),
        CellStyle(foreground: .magenta),
        CellStyle(foreground: .brightMagenta),
        CellStyle(foreground: .brightMagenta, bold: true),
    ]
    /// The lower bounds of the probability levels above level 0: below 0.1 is level 0, 0.1…0.3 level 1,
    /// 0.3…0.6 level 2, 0.6 and above level 3.
    public static let probabilityThresholds = [0.1, 0.3, 0.6]
    /// The model's odds at the cursor (`p`), shaded by `probabilityLevel`; pitches below the floor are not drawn.
    public static let prediction = CellStyle(foreground: .brightWhite)
    public static let predictionFloor = 0.02
    /// Chord symbols in the chord lane, and the one sounding at the cursor.
    public static let chord = CellStyle(foreground: .brightYellow, bold: true)
    public static let chordAtCursor = CellStyle(foreground: .black, background: .brightYellow, bold: true)
    /// The rows of the tones of the chord at the cursor, over the chord's span.
    public static let chordTone = TerminalColor.green
    public static let playhead = TerminalColor.yellow
    public static let selection = TerminalColor.blue
    public static let blackKeyRow = TerminalColor.black
    public static let gridLine = CellStyle(foreground: .brightBlack)
    public static let label = CellStyle(foreground: .white)
    public static let title = CellStyle(foreground: .brightWhite, background: .blue, bold: true)
    public static let error = CellStyle(foreground: .brightRed, bold: true)
    public static let focused = CellStyle(foreground: .black, background: .yellow, bold: true)

    /// The shade level (0 least likely … 3 most) of a generated note's probability.
    public static func probabilityLevel(_ probability: Double) -> Int {
        var level = 0
        for threshold in probabilityThresholds where probability >= threshold { level += 1 }
        return level
    }

    /// The style of a note by where it came from (generated notes by the probability the model gave them).
    public static func style(for note: SessionNote) -> CellStyle {
        switch note.origin {
        case .seed: return seed
        case .edited: return edited
        case .generated:
            guard let p = note.probability else { return generated }
            return generatedLevels[probabilityLevel(p)]
        }
    }

    /// The glyph of a note's body: generated notes with a known probability are shaded by its level as
    /// well as coloured, so the levels stay apart on terminals without dim or bright colours.
    static func body(for note: SessionNote, glyphs: Glyphs) -> Unicode.Scalar {
        guard note.origin == .generated, let p = note.probability else { return glyphs.noteBody }
        return glyphs.noteShades[probabilityLevel(p)]
    }

    public struct Glyphs: Sendable {
        public var noteBody: Unicode.Scalar
        public var noteEnd: Unicode.Scalar
        /// Note bodies by probability level, least likely first; the last is `noteBody`.
        public var noteShades: [Unicode.Scalar]
        public var barLine: Unicode.Scalar
        public var beat: Unicode.Scalar
        public var playhead: Unicode.Scalar
        public var playheadMarker: Unicode.Scalar
        public var above: Unicode.Scalar
        public var below: Unicode.Scalar
        public var before: Unicode.Scalar
        public var after: Unicode.Scalar
        public var sliderFull: Unicode.Scalar
        public var sliderEmpty: Unicode.Scalar
        public var sliderKnob: Unicode.Scalar
        public var horizontal: Unicode.Scalar
        public var vertical: Unicode.Scalar
        public var corners: [Unicode.Scalar]
    }

    public static let unicode = Glyphs(noteBody: "█", noteEnd: "▊", noteShades: ["░", "▒", "▓", "█"], barLine: "│", beat: "┊", playhead: "│",
                                       playheadMarker: "▼", above: "▲", below: "▼", before: "◀", after: "▶",
                                       sliderFull: "█", sliderEmpty: "░", sliderKnob: "▌",
                                       horizontal: "─", vertical: "│", corners: ["┌", "┐", "└", "┘"])
    public static let ascii = Glyphs(noteBody: "=", noteEnd: "]", noteShades: [".", "-", "+", "="], barLine: "|", beat: ":", playhead: "|",
                                     playheadMarker: "v", above: "^", below: "v", before: "<", after: ">",
                                     sliderFull: "#", sliderEmpty: "-", sliderKnob: "|",
                                     horizontal: "-", vertical: "|", corners: ["+", "+", "+", "+"])

    public static func glyphs(unicode: Bool) -> Glyphs { unicode ? Self.unicode : ascii }

    /// Draws a box around `rect`.
    static func box(_ rect: Rect, in canvas: inout Canvas, glyphs: Glyphs, style: CellStyle = .plain) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        for x in rect.x + 1..<rect.maxX - 1 {
            canvas.put(glyphs.horizontal, x: x, y: rect.y, style: style)
            canvas.put(glyphs.horizontal, x: x, y: rect.maxY - 1, style: style)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            canvas.put(glyphs.vertical, x: rect.x, y: y, style: style)
            canvas.put(glyphs.vertical, x: rect.maxX - 1, y: y, style: style)
        }
        canvas.put(glyphs.corners[0], x: rect.x, y: rect.y, style: style)
        canvas.put(glyphs.corners[1], x: rect.maxX - 1, y: rect.y, style: style)
        canvas.put(glyphs.corners[2], x: rect.x, y: rect.maxY - 1, style: style)
        canvas.put(glyphs.corners[3], x: rect.maxX - 1, y: rect.maxY - 1, style: style)
    }
}
