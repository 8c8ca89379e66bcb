import LiltTerminal

/// The whole screen: title, piano roll, sliders, status and message lines, and the help overlay on top;
/// or, on a terminal below 80×24, a message asking for more room.
public enum StudioView {
    public static func render(_ state: StudioState, keyMap: KeyMap = .standard, size: TerminalSize) -> Canvas {
        var canvas = Canvas(width: size.width, height: size.height)
        draw(state, keyMap: keyMap, on: &canvas)
        return canvas
    }

    public static func draw(_ state: StudioState, keyMap: KeyMap = .standard, on canvas: inout Canvas) {
        let size = TerminalSize(width: canvas.width, height: canvas.height)
        let layout = StudioLayout(size: size, showsTraining: state.showsSidePane)
        if layout.isTooSmall {
            SmallTerminalView.draw(size: size, unicode: state.unicode, on: &canvas)
            return
        }
        TitleBarView.draw(state, in: layout.title, on: &canvas)
        PianoRollView.draw(state, in: layout.roll, on: &canvas)
        if let pane = layout.training, state.showStatistics {
            StatisticsView.draw(state, in: pane, on: &canvas)
        } else if let pane = layout.training {
            // A run of this session, with the loaded model's own curves dimmed beside it; else those curves.
            let history = state.loadedModelHistory
            if let training = state.training {
                LossGraphView.draw(training, reference: history, logScale: state.lossLogScale, unicode: state.unicode,
                                   in: pane, on: &canvas)
            } else if let history {
                LossGraphView.draw(history, logScale: state.lossLogScale, unicode: state.unicode, in: pane, on: &canvas)
            } else {
                canvas.fill(pane)
                canvas.write("No training running.", x: pane.x + 2, y: pane.y + 1, style: CellStyle(foreground: .brightWhite, bold: true))
                canvas.write("`lilt train` trains a model from the command line;", x: pane.x + 2, y: pane.y + 3, maxWidth: pane.width - 3)
                canvas.write("its loss graph shows here while it runs in the studio.", x: pane.x + 2, y: pane.y + 4, maxWidth: pane.width - 3)
            }
        }
        ControlsView.draw(state, in: layout.controls, on: &canvas)
        StatusLineView.draw(state, in: layout.status, on: &canvas)
        MessageLineView.draw(state, in: layout.message, on: &canvas)
        if state.showHelp {
            HelpOverlay.draw(keyMap: keyMap, scroll: state.helpScroll, unicode: state.unicode,
                             in: Rect(x: 0, y: 1, width: size.width, height: size.height - 2), on: &canvas)
        }
    }
}
