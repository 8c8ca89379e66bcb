import Foundation
import LiltTerminal

/// A grid of braille dots (2×4 per cell) that remembers, per cell, the colour of the series drawn last.
struct BrailleCanvas {
    let columns: Int, rows: Int
    private(set) var bits: [UInt8]
    private(set) var colors: [TerminalColor?]

    init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        colors = Array(repeating: nil, count: self.columns * self.rows)
    }

    var dotWidth: Int { columns * 2 }
    var dotHeight: Int { rows * 4 }

    /// The bit of dot (dx, dy) inside a cell, in Unicode's braille numbering.
    static func bit(dx: Int, dy: Int) -> UInt8 {
        let table: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        return table[dx][dy]
    }

    mutating func set(x: Int, y: Int, color: TerminalColor) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let index = (y / 4) * columns + x / 2
        bits[index] |= Self.bit(dx: x % 2, dy: y % 4)
        colors[index] = color
    }

    /// A straight line of dots from (x0, y0) to (x1, y1).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, color: TerminalColor) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            set(x: x, y: y, color: color)
            if x == x1 && y == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// The character of a cell: braille, or with `unicode` off an ASCII mark.
    func character(column: Int, row: Int, unicode: Bool) -> Unicode.Scalar? {
        let value = bits[row * columns + column]
        guard value != 0 else { return nil }
        if unicode { return Unicode.Scalar(0x2800 + UInt32(value))! }
        return value.nonzeroBitCount > 2 ? "*" : "."
    }

    func color(column: Int, row: Int) -> TerminalColor? { colors[row * columns + column] }
}

/// The training pane: train and validation loss per epoch and the smoothed per-batch curve drawn with
/// braille dots, value axis (linear or log), the chance line (ln V), and the job's pace.
public enum LossGraphView {
    public static let trainColor = TerminalColor.brightYellow
    public static let validationColor = TerminalColor.brightGreen
    public static let batchColor = TerminalColor.cyan
    public static let chanceColor = TerminalColor.red
    /// The loaded model's own curves beside a new run.
    public static let referenceColor = TerminalColor.brightBlack
    /// Columns of the value axis labels.
    public static let axisWidth = 7

    /// The plot's area inside `rect` (right of the axis, between the header and the epoch axis).
    public static func plotRect(in rect: Rect) -> Rect {
        Rect(x: rect.x + axisWidth, y: rect.y + 2, width: rect.width - axisWidth - 1, height: rect.height - 4)
    }

    /// Draws `progress`; `reference` (the loaded model's own history while another run trains) is drawn
    /// dimmed beneath it, on the same axes, for comparison.
    public static func draw(_ progress: TrainingProgress, reference: TrainingProgress? = nil, logScale: Bool, unicode: Bool,
                            in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect)
        guard rect.width > axisWidth + 8, rect.height > 6 else { return }
        let glyphs = Palette.glyphs(unicode: unicode)

        // Header: title, phase, epoch, pace, ETA, best validation.
        canvas.write(progress.title, x: rect.x + 1, y: rect.y, style: CellStyle(foreground: .brightWhite, bold: true),
                     maxWidth: rect.width - 2)
        var facts = ["\(progress.phase.rawValue)", "epoch \(progress.epoch)" + (progress.totalEpochs.map { "/\($0)" } ?? "")]
        if let seconds = progress.trainedSeconds {
            // A finished history: how long it took and where it was best, rather than its pace.
            facts.append("in " + clock(seconds))
            if let best = progress.bestValidation, let epoch = progress.bestEpoch {
                facts.append(String(format: "best val %.3f @ %d", best, epoch))
            }
        } else {
            facts.append(String(format: "%.0f steps/s", progress.stepsPerSecond))
            if let eta = progress.eta { facts.append("ETA " + clock(eta)) }
            if let best = progress.bestValidation { facts.append(String(format: "best val %.3f", best)) }
        }
        facts.append(logScale ? "log" : "linear")
        canvas.write(facts.joined(separator: "  "), x: rect.x + 1, y: rect.y + 1, style: CellStyle(foreground: .white),
                     maxWidth: rect.width - 2)

        let plot = plotRect(in: rect)
        var braille = BrailleCanvas(columns: plot.width, rows: plot.height)

        // Ranges: every value shown and the chance line.
        let referenceEpochs = reference?.epochs ?? []
        let values = progress.batches.map(\.loss) + progress.epochs.map(\.train) + progress.epochs.compactMap(\.validation)
            + referenceEpochs.map(\.train) + referenceEpochs.compactMap(\.validation) + [progress.chanceLoss]
        let positive = values.filter { $0 > 0 && $0.isFinite }
        var low = positive.min() ?? 0.1, high = positive.max() ?? 1
        if logScale {
            low = Foundation.log(low)
            high = Foundation.log(high)
        }
        if high - low < 1e-6 { high = low + 1 }
        let margin = (high - low) * 0.05
        low -= margin
        high += margin
        // The epoch axis grows with the run (one epoch ahead), up to the planned number of epochs.
        let reached = max(Double(progress.epoch), progress.batches.last?.epoch ?? 0)
        var lastEpoch = max(2, reached.rounded(.up) + 1)
        if let total = progress.totalEpochs, total > 0 { lastEpoch = min(lastEpoch, max(Double(total), reached)) }
        if progress.phase == .trained { lastEpoch = max(2, reached) }
        // The reference's epochs count on the same axis, cut where the view ends.
        if let last = referenceEpochs.last?.epoch, progress.epochs.isEmpty { lastEpoch = max(lastEpoch, Double(last)) }

        func dotX(_ epoch: Double) -> Int {
            Int((epoch / lastEpoch * Double(braille.dotWidth - 1)).rounded())
        }
        func dotY(_ loss: Double) -> Int {
            let value = logScale ? Foundation.log(max(loss, 1e-9)) : loss
            return Int(((high - value) / (high - low) * Double(braille.dotHeight - 1)).rounded())
        }

        // The chance line, dotted.
        let chanceY = dotY(progress.chanceLoss)
        for x in stride(from: 0, to: braille.dotWidth, by: 3) { braille.set(x: x, y: chanceY, color: chanceColor) }
        // The reference's curves first, dimmed; the smoothed batch curve, then the epoch curves over them.
        var previous: (Int, Int)?
        for series in [referenceEpochs.map { ($0.epoch, Optional($0.train)) }, referenceEpochs.map { ($0.epoch, $0.validation) }] {
            previous = nil
            for (epoch, loss) in series where Double(epoch) <= lastEpoch {
                guard let loss else { continue }
                let current = (dotX(Double(epoch)), dotY(loss))
                if let previous { braille.line(previous.0, previous.1, current.0, current.1, color: referenceColor) }
                else { braille.set(x: current.0, y: current.1, color: referenceColor) }
                previous = current
            }
        }
        previous = nil
        for point in progress.batches {
            let current = (dotX(point.epoch), dotY(point.loss))
            if let previous, previous == current { continue }   // many batches share a dot on long runs
            if let previous { braille.line(previous.0, previous.1, current.0, current.1, color: batchColor) }
            else { braille.set(x: current.0, y: current.1, color: batchColor) }
            previous = current
        }
        for (series, color) in [(progress.epochs.map { ($0.epoch, Optional($0.train)) }, trainColor),
                                (progress.epochs.map { ($0.epoch, $0.validation) }, validationColor)] {
            previous = nil
            for (epoch, loss) in series {
                guard let loss else { continue }
                let current = (dotX(Double(epoch)), dotY(loss))
                if let previous { braille.line(previous.0, previous.1, current.0, current.1, color: color) }
                else { braille.set(x: current.0, y: current.1, color: color) }
                previous = current
            }
        }
        for row in 0..<plot.height {
            for column in 0..<plot.width {
                guard let character = braille.character(column: column, row: row, unicode: unicode) else { continue }
                canvas.put(character, x: plot.x + column, y: plot.y + row,
                           style: CellStyle(foreground: braille.color(column: column, row: row) ?? .white))
            }
        }

        // Value axis: top, middle and bottom values, and the chance line's label.
        let axisStyle = CellStyle(foreground: .brightBlack)
        for row in 0..<plot.height { canvas.put(glyphs.vertical, x: plot.x - 1, y: plot.y + row, style: axisStyle) }
        func label(atRow row: Int) -> String {
            let fraction = (Double(row) * 4 + 1.5) / Double(braille.dotHeight - 1)
            let value = high - fraction * (high - low)
            return String(format: "%5.2f", logScale ? Foundation.exp(value) : value)
        }
        for row in Set([0, plot.height / 2, plot.height - 1]) {
            canvas.write(label(atRow: row), x: rect.x, y: plot.y + row, style: CellStyle(foreground: .white))
        }
        canvas.write("ln V", x: plot.maxX - 4, y: plot.y + min(plot.height - 1, max(0, chanceY / 4)),
                     style: CellStyle(foreground: chanceColor))

        // Epoch axis and the legend.
        let axisY = plot.maxY
        for x in plot.x..<plot.maxX { canvas.put(glyphs.horizontal, x: x, y: axisY, style: axisStyle) }
        canvas.write("0", x: plot.x, y: axisY, style: CellStyle(foreground: .white))
        let end = "\(Int(lastEpoch))"
        canvas.write(end, x: plot.maxX - end.count, y: axisY, style: CellStyle(foreground: .white))
        var x = canvas.write("train", x: rect.x + 1, y: rect.maxY - 1, style: CellStyle(foreground: trainColor)) + 2
        x = canvas.write("validation", x: x, y: rect.maxY - 1, style: CellStyle(foreground: validationColor)) + 2
        if !progress.batches.isEmpty {
            x = canvas.write("batch (smoothed)", x: x, y: rect.maxY - 1, style: CellStyle(foreground: batchColor)) + 2
        }
        if reference != nil {
            x = canvas.write("loaded model", x: x, y: rect.maxY - 1, style: CellStyle(foreground: referenceColor)) + 2
        }
        canvas.write(String(format: "chance %.2f", progress.chanceLoss), x: x, y: rect.maxY - 1,
                     style: CellStyle(foreground: chanceColor), maxWidth: rect.maxX - x)
    }

    static func clock(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds.rounded()))
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
                             : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
