import Foundation
import LiltCompose
import LiltNN
import LiltStudio
import LiltTerminal
import Testing

private func falling() -> TrainingProgress {
    var progress = TrainingProgress(title: "folk on essen, 2×256", vocabularySize: 60, totalEpochs: 10)
    let train = [3.0, 2.0, 1.5, 1.2, 1.0]
    for (index, loss) in train.enumerated() {
        for batch in 0..<20 {
            progress.addBatch(loss: loss + 0.5 - Double(batch) / 40, at: Double(index) + Double(batch) / 20)
        }
        progress.addEpoch(.init(epoch: index + 1, train: loss, validation: loss + 0.2))
    }
    progress.stepsPerSecond = 5120
    progress.eta = 95
    progress.phase = .running
    return progress
}

private let rect = Rect(x: 0, y: 0, width: 70, height: 22)

/// For each column of the plot, the topmost row holding a dot of `color`.
private func topRows(_ canvas: Canvas, color: TerminalColor) -> [Int: Int] {
    let plot = LossGraphView.plotRect(in: rect)
    var result: [Int: Int] = [:]
    for column in plot.x..<plot.maxX {
        for row in plot.y..<plot.maxY where canvas[column, row].style.foreground == color
            && (0x2800...0x28FF).contains(canvas[column, row].character.value) {
            result[column] = result[column] ?? row
        }
    }
    return result
}

@Test("the loss graph draws a falling train curve in braille, falling from left to right, under the chance line")
func fallingCurve() throws {
    var canvas = Canvas(width: 70, height: 22)
    LossGraphView.draw(falling(), logScale: false, unicode: true, in: rect, on: &canvas)
    let train = topRows(canvas, color: LossGraphView.trainColor)
    #expect(train.count >= 10)
    let columns = train.keys.sorted()
    let rows = columns.map { train[$0]! }
    #expect(zip(rows, rows.dropFirst()).allSatisfy { $0 <= $1 }, "the curve must only fall: \(rows)")
    #expect(rows.first! < rows.last!)
    // Five epochs done: the axis runs one epoch ahead (to 6), so the curve ends five sixths across.
    let plot = LossGraphView.plotRect(in: rect)
    #expect(abs(Double(columns.last! - plot.x) / Double(plot.width) - 5.0 / 6) < 0.05)
    // The chance line (ln 60 ≈ 4.09) lies above every loss drawn.
    let chance = topRows(canvas, color: LossGraphView.chanceColor)
    let chanceRow = try #require(chance.values.min())
    #expect(chanceRow < rows.min()!)
    #expect(canvas.text.contains("epoch 5/10"))
    #expect(canvas.text.contains("5120 steps/s"))
    #expect(canvas.text.contains("ETA 1:35"))
    #expect(canvas.text.contains("best val 1.200"))
    #expect(canvas.text.contains("chance 4.09"))
    // Validation sits above (higher loss than) train in every column where both are drawn.
    let validation = topRows(canvas, color: LossGraphView.validationColor)
    #expect(!validation.isEmpty)
}

@Test("log scale lifts the middle of the curve, and says so")
func logScale() throws {
    var linear = Canvas(width: 70, height: 22)
    var logarithmic = Canvas(width: 70, height: 22)
    LossGraphView.draw(falling(), logScale: false, unicode: true, in: rect, on: &linear)
    LossGraphView.draw(falling(), logScale: true, unicode: true, in: rect, on: &logarithmic)
    #expect(linear.text.contains("linear"))
    #expect(logarithmic.text.contains("log"))
    let plot = LossGraphView.plotRect(in: rect)
    // Epoch 3 (loss 1.5) is half way along the axis of six epochs.
    let column = plot.x + Int(0.5 * Double(plot.width - 1))
    func row(_ canvas: Canvas) -> Int? {
        let rows = topRows(canvas, color: LossGraphView.trainColor)
        return rows[column] ?? rows[column - 1] ?? rows[column + 1]
    }
    let linearRow = try #require(row(linear))
    let logRow = try #require(row(logarithmic))
    #expect(logRow < linearRow, "log \(logRow), linear \(linearRow)")
}

@Test("without a UTF-8 locale the graph uses ASCII marks")
func asciiGraph() {
    var canvas = Canvas(width: 70, height: 22)
    LossGraphView.draw(falling(), logScale: false, unicode: false, in: rect, on: &canvas)
    #expect(!canvas.cells.contains { $0.character.value >= 0x2800 && $0.character.value <= 0x28FF })
    #expect(canvas.cells.contains { $0.character == "*" || $0.character == "." })
}

@Test("print graph", .enabled(if: ProcessInfo.processInfo.environment["LILT_SHOW"] != nil))
func printGraph() {
    var canvas = Canvas(width: 70, height: 22)
    LossGraphView.draw(falling(), logScale: false, unicode: true, in: rect, on: &canvas)
    print(canvas.text)
}

@Test("the studio shows the training pane beside the roll on wide screens and under it on narrow ones")
func trainingPaneInStudio() {
    var state = StudioState()
    var progress = TrainingProgress(title: "tiny on demo", vocabularySize: 30, totalEpochs: 4)
    progress.addEpoch(.init(epoch: 1, train: 2.5, validation: 2.7))
    progress.addEpoch(.init(epoch: 2, train: 2.0, validation: 2.3))
    state.training = progress
    state.showTraining = true
    let wide = StudioView.render(state, size: TerminalSize(width: 160, height: 40))
    let layout = StudioLayout(size: TerminalSize(width: 160, height: 40), showsTraining: true)
    let pane = try! #require(layout.training)
    #expect(pane.x > layout.roll.x && pane.y == layout.roll.y)
    #expect(wide.row(text: pane.y + 1).contains("epoch 2/4"))
    #expect(wide.cells.contains { (0x2801...0x28FF).contains($0.character.value) })
    let narrow = StudioLayout(size: TerminalSize(width: 100, height: 40), showsTraining: true)
    #expect(try! #require(narrow.training).y > narrow.roll.y)
    state.showTraining = false
    #expect(!StudioView.render(state, size: TerminalSize(width: 160, height: 40)).text.contains("epoch 2/4"))
}
