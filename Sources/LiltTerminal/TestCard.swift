/// A test pattern for the terminal: colours, attributes and the glyphs Lilt draws with, so a user can
/// see at once whether their terminal and font show the studio properly (`lilt doctor --screen`).
public enum TestCard {
    /// Draws the card for a terminal of `size`; `unicode` chooses glyphs or their ASCII fallbacks.
    public static func draw(size: TerminalSize, unicode: Bool) -> Canvas {
        var canvas = Canvas(width: size.width, height: size.height)
        let title = CellStyle(foreground: .brightWhite, bold: true)
        canvas.write("Lilt terminal check", x: 2, y: 1, style: title)
        canvas.write("size \(size.width)×\(size.height)" + (size.width < 80 || size.height < 24
                     ? "  (the studio needs at least 80×24)" : ""), x: 2, y: 2)

        canvas.write("colours", x: 2, y: 4)
        for color in TerminalColor.allCases where color != .default {
            let column = 12 + (color.rawValue % 8) * 4
            let row = 4 + color.rawValue / 8
            canvas.write("   ", x: column, y: row, style: CellStyle(background: color))
        }
        canvas.write("styles", x: 2, y: 7)
        var column = 12
        for (name, style) in [("bold", CellStyle(bold: true)), ("dim", CellStyle(dim: true)),
                              ("reverse", CellStyle(reverse: true)), ("underline", CellStyle(underline: true))] {
            column = canvas.write(name, x: column, y: 7, style: style) + 2
        }

        let glyphs: [(String, String, String)] = [
            ("box", "┌──┬──┐ │ ├──┼──┤ └──┴──┘", "+--+--+ | +--+--+ +--+--+"),
            ("blocks", "▁▂▃▄▅▆▇█ ░▒▓", "_.-=+*#@ .:%"),
            ("braille", "⠁⠃⠇⡇⣇⣧⣷⣿ ⢀⣀⣠⣤⣴⣶", ".:|!#%@* .:|!#%"),
        ]
        for (index, (name, fancy, plain)) in glyphs.enumerated() {
            canvas.write(name, x: 2, y: 9 + index)
            canvas.write(unicode ? fancy : plain, x: 12, y: 9 + index)
        }
        canvas.write(unicode ? "UTF-8 locale: drawing with Unicode glyphs"
                             : "not a UTF-8 locale: drawing with ASCII", x: 2, y: 13)
        canvas.write("press any key to close", x: 2, y: 15, style: CellStyle(dim: true))
        return canvas
    }

    /// Shows the card until a key is pressed, following resizes. Returns the signal that ended it, if any.
    public static func run(on terminal: any Terminal) -> Int32? {
        terminal.present(draw(size: terminal.size, unicode: terminal.supportsUnicode))
        while true {
            switch terminal.nextEvent(timeout: nil) {
            case .key?, .mouse?: return nil
            case .terminate(let signal)?: return signal
            case .resize?, nil: terminal.present(draw(size: terminal.size, unicode: terminal.supportsUnicode))
            }
        }
    }
}
