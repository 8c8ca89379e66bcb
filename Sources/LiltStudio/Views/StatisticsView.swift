import LiltCompose
import LiltTerminal

/// The statistics pane: what `lilt eval` prints as figures, as pictures — the pitch-class and interval
/// histograms of the take beside the corpus's, bars side by side (take, then corpus), with their
/// Jensen–Shannon distances. Both are in the model's key (C major / A minor).
public enum StatisticsView {
    public static let takeColor = TerminalColor.brightMagenta
    public static let corpusColor = TerminalColor.cyan

    public static func draw(_ state: StudioState, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect)
        guard rect.width > 30, rect.height > 8 else { return }
        let take = state.takeHistograms, corpus = state.corpusHistograms
        canvas.write("statistics: the take against \(corpus.map { "corpus \($0.name)" } ?? "the corpus")",
                     x: rect.x + 1, y: rect.y, style: CellStyle(foreground: .brightWhite, bold: true), maxWidth: rect.width - 2)
        var facts: [String] = []
        if let take { facts.append("take: \(take.notes) notes") } else { facts.append("no take to count yet") }
        if let corpus { facts.append("corpus: \(corpus.histograms.melodies) songs") } else { facts.append("corpus: reading…") }
        if let take, let corpus {
            let distance = take.distances(to: corpus.histograms)
            facts.append(String(format: "JS pitch %.3f, intervals %.3f", distance.pitchClasses, distance.intervals))
        }
        canvas.write(facts.joined(separator: "  "), x: rect.x + 1, y: rect.y + 1, style: CellStyle(foreground: .white),
                     maxWidth: rect.width - 2)
        let chartHeight = max(3, (rect.height - 7) / 2)
        let names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
        var y = rect.y + 3
        canvas.write("pitch classes", x: rect.x + 1, y: y - 1, style: CellStyle(foreground: .white))
        bars(take?.pitchClasses, corpus?.histograms.pitchClasses, labels: names, columnWidth: 3,
             in: Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: chartHeight), on: &canvas)
        y += chartHeight + 2
        canvas.write("intervals, semitones (−12 … +12)", x: rect.x + 1, y: y - 1, style: CellStyle(foreground: .white))
        let intervalLabels = (-12...12).map { $0 % 6 == 0 ? String($0) : "" }
        bars(take?.intervals, corpus?.histograms.intervals, labels: intervalLabels, columnWidth: 2,
             in: Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: chartHeight), on: &canvas)
        var x = canvas.write("take", x: rect.x + 1, y: rect.maxY - 1, style: CellStyle(foreground: takeColor)) + 2
        x = canvas.write("corpus", x: x, y: rect.maxY - 1, style: CellStyle(foreground: corpusColor)) + 2
        canvas.write("(shares; s closes)", x: x, y: rect.maxY - 1, style: CellStyle(foreground: .brightBlack),
                     maxWidth: rect.maxX - x)
    }

    /// Vertical bars, two per label (take, corpus), heights in eighths of a cell, scaled to the largest
    /// share shown; labels on the row under them.
    static func bars(_ take: [Double]?, _ corpus: [Double]?, labels: [String], columnWidth: Int, in rect: Rect,
                     on canvas: inout Canvas) {
        let blocks: [Unicode.Scalar] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let rows = rect.height - 1
        let top = max((take ?? []).max() ?? 0, (corpus ?? []).max() ?? 0, 1e-9)
        for (index, label) in labels.enumerated() {
            let x = rect.x + index * columnWidth
            guard x + 1 < rect.maxX else { break }
            for (offset, values, color) in [(0, take, takeColor), (1, corpus, corpusColor)] {
                guard let values, index < values.count else { continue }
                let eighths = Int((values[index] / top * Double(rows * 8)).rounded())
                for row in 0..<rows {
                    let filled = eighths - row * 8
                    guard filled > 0 else { break }
                    canvas.put(blocks[min(8, filled) - 1], x: x + offset, y: rect.y + rows - 1 - row,
                               style: CellStyle(foreground: color))
                }
            }
            canvas.write(label, x: x, y: rect.y + rows, style: CellStyle(foreground: .brightBlack),
                         maxWidth: max(0, rect.maxX - x))
        }
    }
}
