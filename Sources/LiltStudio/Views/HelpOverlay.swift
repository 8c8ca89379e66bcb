import Foundation
import LiltTerminal

/// The help overlay (`?`): every binding of the live key map, grouped, plus the `:` commands; generated from
/// the key map so it cannot fall out of date. Scrolls with j/k when the screen is too short.
public enum HelpOverlay {
    /// The overlay's lines, before layout: section headings (nil keys) and key lines.
    public static func lines(for keyMap: KeyMap) -> [(keys: String?, text: String)] {
        var result: [(keys: String?, text: String)] = []
        for section in keyMap.helpSections {
            result.append((nil, section.group))
            for line in section.lines { result.append((line.keys, line.summary)) }
        }
        result.append((nil, "Commands (type : first)"))
        for (command, summary) in LineCommand.summaries { result.append((command, summary)) }
        return result
    }

    public static let keyWidth = 16
    /// One column: keys, then the summary.
    public static let columnWidth = 46

    public static func draw(keyMap: KeyMap, scroll: Int, unicode: Bool, in rect: Rect, on canvas: inout Canvas) {
        let box = rect.inset(by: 1)
        guard box.width > 20, box.height > 4 else { return }
        canvas.fill(rect)
        Palette.box(box, in: &canvas, glyphs: Palette.glyphs(unicode: unicode), style: CellStyle(foreground: .cyan))
        canvas.write(" Keys - ? or Esc closes, j/k scroll ", x: box.x + 2, y: box.y, style: CellStyle(foreground: .brightWhite, bold: true))
        let inner = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
        let all = lines(for: keyMap)
        let columns = max(1, min(3, (inner.width + 1) / (columnWidth + 1)))
        let rowsPerColumn = max(1, inner.height)
        let perPage = rowsPerColumn * columns
        let start = max(0, min(scroll, max(0, all.count - perPage)))
        for (index, line) in all.dropFirst(start).prefix(perPage).enumerated() {
            let column = index / rowsPerColumn, row = index % rowsPerColumn
            let x = inner.x + column * (columnWidth + 1), y = inner.y + row
            let width = min(columnWidth, inner.maxX - x)
            if let keys = line.keys {
                let keyText = keys.count >= keyWidth ? keys + " " : keys.padding(toLength: keyWidth, withPad: " ", startingAt: 0)
                let after = canvas.write(keyText, x: x, y: y, style: CellStyle(foreground: .brightYellow), maxWidth: width)
                canvas.write(line.text, x: after, y: y, maxWidth: x + width - after)
            } else {
                canvas.write(line.text, x: x, y: y, style: CellStyle(foreground: .brightCyan, bold: true, underline: true), maxWidth: width)
            }
        }
        if start + perPage < all.count {
            canvas.write(" more: j ", x: box.maxX - 10, y: box.maxY - 1, style: CellStyle(foreground: .brightYellow))
        }
    }
}
