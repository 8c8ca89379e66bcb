import Foundation
import LiltCompose
import LiltMusic
import LiltTerminal

/// The title bar: the studio, the session's title or file, unsaved mark, meter and instrument.
public enum TitleBarView {
    public static func draw(_ state: StudioState, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect, style: Palette.title)
        let name = state.session.title ?? state.file?.lastPathComponent ?? "untitled"
        var text = " \(StudioInfo.name)  \(name)\(state.isModified ? " [+]" : "")"
        text += "   \(state.session.meter)"
        if let key = state.session.key { text += "  \(key)" }
        text += "   \(state.session.notes.count) notes, \(state.session.bar(at: state.session.length) + (state.session.length > .zero ? 1 : 0)) bars"
        canvas.write(text, x: rect.x, y: rect.y, style: Palette.title, maxWidth: rect.width)
        let help = "? help  q quit "
        if rect.width > text.count + help.count + 2 {
            canvas.write(help, x: rect.maxX - help.count, y: rect.y, style: Palette.title)
        }
    }
}

/// The status line: mode, cursor, entry duration, octave, tempo, playback, model, corpus, audio.
public enum StatusLineView {
    /// The name of a duration in quarter notes.
    static func durationName(_ duration: QuarterLength, dotted: Bool) -> String {
        let names: [QuarterLength: String] = [QuarterLength(1, 4): "1/16", QuarterLength(1, 2): "1/8",
                                              QuarterLength(1): "1/4", QuarterLength(2): "1/2", QuarterLength(4): "1/1"]
        return (names[duration] ?? duration.description) + (dotted ? "." : "")
    }

    public static func draw(_ state: StudioState, in rect: Rect, on canvas: inout Canvas) {
        let base = CellStyle(foreground: .white, background: .brightBlack)
        canvas.fill(rect, style: base)
        let modeStyle: CellStyle
        switch state.mode {
        case .play: modeStyle = CellStyle(foreground: .black, background: .green, bold: true)
        case .command, .confirm: modeStyle = CellStyle(foreground: .black, background: .yellow, bold: true)
        case .normal: modeStyle = CellStyle(foreground: .black, background: .cyan, bold: true)
        }
        var x = canvas.write(" \(state.mode.name) ", x: rect.x, y: rect.y, style: modeStyle)
        let session = state.session
        let beatLength = QuarterLength(4, max(1, session.meter.denominator))
        let inBar = session.cursor - session.barLength * QuarterLength(session.bar(at: session.cursor))
        let beat = inBar / beatLength
        let beatNumber = Int((Double(beat.numerator) / Double(beat.denominator)).rounded(.down)) + 1
        let sixteenth = gridSteps(inBar - beatLength * QuarterLength(beatNumber - 1)) + 1
        var parts = [
            "bar \(session.bar(at: session.cursor) + 1).\(beatNumber).\(sixteenth)",
            Pitch(midi: session.cursorPitch).name,
            "note \(durationName(state.entryDuration, dotted: state.dotted))",
            "oct \(state.octave)",
            "\(Int(session.controls.tempo)) bpm",
        ]
        if state.playback.isPlaying, let position = state.playback.position {
            parts.append((state.unicode ? "▶ " : "> ") + "\(String(format: "%.1f", position / session.barLength.doubleValue + 1))")
        }
        if state.playback.loop != nil { parts.append("loop") }
        if !state.follow { parts.append("no follow") }
        if state.isGenerating { parts.append("generating...") }
        if state.isLive { parts.append("LIVE \(state.liveNotes.count) notes") }
        if !state.variations.isEmpty {
            parts.append(state.showingKept ? "A/B: kept" : "variation \(state.variationIndex + 1)/\(state.variations.count)")
        }
        if state.showPredictions, let shown = state.prediction, shown.position == session.cursor {
            parts.append("odds " + shown.prediction.summary(count: 3))
        }
        if let anchor = state.selectionAnchor {
            parts.append("sel \(session.bar(at: min(anchor, session.cursor)) + 1)-\(session.bar(at: max(anchor, session.cursor)) + 1)")
        }
        parts.append(state.audioName)
        if let source = state.midiSource { parts.append("MIDI " + source) }
        parts.append("model: \(state.modelName ?? "none")")
        if let corpus = state.corpusName { parts.append("corpus: \(corpus)") }
        for part in parts {
            guard x < rect.maxX - 1 else { break }
            x = canvas.write(" " + part + " ", x: x, y: rect.y, style: base, maxWidth: rect.maxX - x)
            if x < rect.maxX { canvas.put(state.unicode ? "│" : "|", x: x, y: rect.y, style: base); x += 1 }
        }
    }
}

/// The message line: the `:` command being typed, a question, a message, or the play-mode hint.
public enum MessageLineView {
    public static func draw(_ state: StudioState, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect)
        switch state.mode {
        case .command(let text):
            let x = canvas.write(":" + text, x: rect.x, y: rect.y, maxWidth: rect.width - 1)
            canvas.put(" ", x: x, y: rect.y, style: CellStyle(reverse: true))
        case .confirm(let question):
            canvas.write(question.prompt, x: rect.x, y: rect.y, style: CellStyle(foreground: .brightYellow, bold: true),
                         maxWidth: rect.width)
        case .normal, .play:
            if let message = state.message {
                canvas.write(message.text, x: rect.x, y: rect.y,
                             style: message.isError ? Palette.error : CellStyle(foreground: .white), maxWidth: rect.width)
            } else if state.mode == .play {
                canvas.write("play: z s x d c v g b h n j m, q 2 w 3 e r 5 t 6 y 7 u  0 rest  < > octave  [ ] . duration  Esc back",
                             x: rect.x, y: rect.y, style: CellStyle(foreground: .green), maxWidth: rect.width)
            } else {
                canvas.write("i play mode, Space play, : command, ? help", x: rect.x, y: rect.y,
                             style: CellStyle(foreground: .brightBlack), maxWidth: rect.width)
            }
        }
    }
}

/// The sliders: temperature, rest bias, hold bias, tempo, instrument, length and variations, in two
/// columns, the focused one highlighted.
public enum ControlsView {
    /// Cells of a slider's bar filled for `value` in `range`, out of `width`.
    public static func filled(_ value: Double, in range: ClosedRange<Double>, width: Int) -> Int {
        let fraction = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
        return max(0, min(width, Int((fraction * Double(width)).rounded())))
    }

    public static let nameWidth = 12
    public static let valueWidth = 9

    public static func draw(_ state: StudioState, in rect: Rect, on canvas: inout Canvas) {
        canvas.fill(rect)
        guard rect.height > 0 else { return }
        let glyphs = Palette.glyphs(unicode: state.unicode)
        let columns = 2
        let columnWidth = rect.width / columns
        let rowsPerColumn = (ControlSlider.allCases.count + columns - 1) / columns
        for slider in ControlSlider.allCases {
            let column = slider.rawValue / rowsPerColumn, row = slider.rawValue % rowsPerColumn
            guard row < rect.height else { continue }
            let x = rect.x + column * columnWidth + 1, y = rect.y + row
            let focused = slider == state.focusedSlider
            canvas.write(slider.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0), x: x, y: y,
                         style: focused ? Palette.focused : CellStyle(foreground: .white))
            let barWidth = max(4, columnWidth - nameWidth - valueWidth - 4)
            let fill = filled(slider.value(in: state.session.controls), in: slider.range, width: barWidth)
            let barStyle = CellStyle(foreground: focused ? .yellow : .cyan)
            for cell in 0..<barWidth {
                canvas.put(cell < fill ? glyphs.sliderFull : glyphs.sliderEmpty, x: x + nameWidth + 1 + cell, y: y,
                           style: cell < fill ? barStyle : CellStyle(foreground: .brightBlack))
            }
            // A value too long for its room (an instrument's name) ends in an ellipsis.
            let room = rect.x + (column + 1) * columnWidth - (x + nameWidth + barWidth + 2)
            var value = slider.label(in: state.session.controls)
            if value.count > room, room > 1 { value = String(value.prefix(room - 1)) + (state.unicode ? "…" : "~") }
            canvas.write(value, x: x + nameWidth + barWidth + 2, y: y,
                         style: focused ? CellStyle(foreground: .brightYellow, bold: true) : .plain, maxWidth: room)
        }
    }
}

/// Drawn instead of the panes when the terminal is below the studio's minimum size.
public enum SmallTerminalView {
    public static func draw(size: TerminalSize, unicode: Bool = true, on canvas: inout Canvas) {
        canvas.fill(canvas.bounds)
        let times = unicode ? "×" : "x"
        let lines = ["Lilt needs a terminal of at least \(StudioLayout.minimumSize.width)\(times)\(StudioLayout.minimumSize.height).",
                     "This one is \(size.width)\(times)\(size.height): make the window larger.",
                     "(q quits; your work is kept)"]
        for (index, line) in lines.enumerated() {
            let y = max(0, size.height / 2 - 1) + index
            canvas.write(line, x: max(0, (size.width - line.count) / 2), y: y,
                         style: index == 0 ? CellStyle(foreground: .brightYellow, bold: true) : .plain)
        }
    }
}
