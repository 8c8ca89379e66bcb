import LiltCompose
import LiltMusic
import LiltTerminal

/// Grid steps (sixteenths) from quarter notes, rounded down.
func gridSteps(_ position: QuarterLength) -> Int {
    let steps = position / StudioState.step
    return Int((Double(steps.numerator) / Double(steps.denominator)).rounded(.down))
}

/// The piano roll: pitch rows labelled with note names (black keys shaded), time in grid steps with beat
/// and bar lines and bar numbers, the chord lane above the grid (the tones of the chord at the cursor
/// tinted in the rows below it), notes coloured by origin, the cursor, the selection, the playhead, and
/// markers for notes outside the view.
public enum PianoRollView {
    /// Draws the roll of `state` into `rect` of `canvas`.
    public static func draw(_ state: StudioState, in rect: Rect, on canvas: inout Canvas) {
        guard rect.width > StudioLayout.gutter + 2, rect.height > 2 else { return }
        let glyphs = Palette.glyphs(unicode: state.unicode)
        let session = state.displayed
        let zoom = max(1, state.zoom)
        let (gutter, right) = rect.splitLeft(StudioLayout.gutter)
        let (ruler, belowRuler) = right.splitTop(1)
        let (lane, grid) = belowRuler.splitTop(StudioLayout.rowsAboveGrid - 1)
        let rows = grid.height
        let visibleSteps = (grid.width + zoom - 1) / zoom
        let firstStep = state.scrollStep
        let stepsPerBar = max(1, gridSteps(session.barLength))
        let stepsPerBeat = max(1, gridSteps(QuarterLength(4, session.meter.denominator > 0 ? session.meter.denominator : 4)))
        let cursorStep = gridSteps(session.cursor)
        let selection = state.selection.map { gridSteps($0.lowerBound)..<gridSteps($0.upperBound) }
        let playheadStep = state.playback.position.map { Int(($0 * 4).rounded(.down)) }

        func column(ofStep step: Int) -> Int? {
            let offset = step - firstStep
            guard offset >= 0, offset < visibleSteps else { return nil }
            return grid.x + offset * zoom
        }
        func pitch(ofRow row: Int) -> Int { state.topPitch - row }

        // Background: rows shaded by key colour, bar and beat lines, selection and playhead columns.
        for row in 0..<rows {
            let midi = pitch(ofRow: row)
            let black = Pitch(midi: midi).isBlackKey
            for x in grid.x..<grid.maxX {
                let offset = x - grid.x
                let step = firstStep + offset / zoom
                let firstCell = offset % zoom == 0
                var style = Palette.gridLine
                if black { style.background = Palette.blackKeyRow }
                var character: Unicode.Scalar = " "
                if firstCell && step % stepsPerBar == 0 {
                    character = glyphs.barLine
                } else if firstCell && step % stepsPerBeat == 0 {
                    character = glyphs.beat
                }
                if let selection, selection.contains(step) { style.background = Palette.selection }
                if firstCell, step == playheadStep {
                    character = glyphs.playhead
                    style.foreground = Palette.playhead
                }
                canvas.put(character, x: x, y: grid.y + row, style: style)
            }
        }

        // The tones of the chord at the cursor, over the chord's span.
        let cursorChord = session.chord(at: session.cursor)
        if let chord = cursorChord {
            let tones = chord.pitchClasses
            let start = max(firstStep, gridSteps(chord.onset)), end = min(firstStep + visibleSteps, gridSteps(chord.end))
            for row in 0..<rows where tones.contains(((pitch(ofRow: row) % 12) + 12) % 12) {
                for step in start..<max(start, end) {
                    guard let x = column(ofStep: step) else { continue }
                    for cell in x..<min(x + zoom, grid.maxX) {
                        canvas.restyle(x: cell, y: grid.y + row) { $0.background = Palette.chordTone }
                    }
                }
            }
        }

        // The model's odds at the cursor's step (`p`): a ghost cell on each pitch it gives 2 % or more,
        // shaded by the same levels as generated notes. Notes drawn next cover them.
        if state.showPredictions, let shown = state.prediction, shown.position == session.cursor,
           let x = column(ofStep: cursorStep) {
            for row in 0..<rows {
                guard let p = shown.prediction.notes[pitch(ofRow: row)], p >= Palette.predictionFloor else { continue }
                for cell in x..<min(x + zoom, grid.maxX) {
                    canvas.put(glyphs.noteShades[Palette.probabilityLevel(p)], x: cell, y: grid.y + row,
                               style: Palette.prediction)
                }
            }
        }

        // Notes.
        var above = 0, below = 0, before = 0, after = 0
        let lastStep = firstStep + visibleSteps
        for note in session.notes {
            let start = gridSteps(note.onset), end = max(start + 1, gridSteps(note.end))
            let row = state.topPitch - note.pitch
            if end <= firstStep { before += 1; continue }
            if start >= lastStep { after += 1; continue }
            if row < 0 { above += 1; continue }
            if row >= rows { below += 1; continue }
            let style = Palette.style(for: note)
            let body = Palette.body(for: note, glyphs: glyphs)
            let firstX = grid.x + (start - firstStep) * zoom
            let lastX = grid.x + (end - firstStep) * zoom - 1
            for x in max(firstX, grid.x)...min(lastX, grid.maxX - 1) {
                var cellStyle = style
                let step = firstStep + (x - grid.x) / zoom
                if let selection, selection.contains(step) { cellStyle.background = Palette.selection }
                if step == playheadStep { cellStyle.background = Palette.playhead }
                canvas.put(x == lastX ? glyphs.noteEnd : body, x: x, y: grid.y + row, style: cellStyle)
            }
        }

        // The cursor: the cell at its step and pitch, reversed.
        if let x = column(ofStep: cursorStep) {
            let row = state.topPitch - session.cursorPitch
            if row >= 0, row < rows {
                for cell in x..<min(x + zoom, grid.maxX) {
                    canvas.restyle(x: cell, y: grid.y + row) { $0.reverse = true; $0.dim = false }
                }
            }
        }

        // Ruler: bar numbers (locked bars in red), the playhead marker, notes left and right of the view.
        canvas.fill(ruler, style: .plain)
        var step = firstStep - firstStep % stepsPerBar
        while step < lastStep {
            if step >= firstStep, let x = column(ofStep: step) {
                let bar = step / stepsPerBar
                let locked = session.isLocked(bar: bar)
                let label = locked ? "\(bar + 1)*" : "\(bar + 1)"
                canvas.write(label, x: x, y: ruler.y,
                             style: locked ? CellStyle(foreground: .brightRed, bold: true) : CellStyle(foreground: .white, bold: true),
                             maxWidth: grid.maxX - x)
            }
            step += stepsPerBar
        }
        if let x = column(ofStep: cursorStep) {
            canvas.restyle(x: x, y: ruler.y) { $0.underline = true }
        }
        if let playheadStep, let x = column(ofStep: playheadStep) {
            canvas.put(glyphs.playheadMarker, x: x, y: ruler.y, style: CellStyle(foreground: Palette.playhead, bold: true))
        }
        if before > 0 { canvas.put(glyphs.before, x: grid.x, y: ruler.y, style: CellStyle(foreground: .brightYellow)) }
        if after > 0 { canvas.put(glyphs.after, x: grid.maxX - 1, y: ruler.y, style: CellStyle(foreground: .brightYellow)) }

        drawChordLane(session, cursorChord: cursorChord, in: lane, firstStep: firstStep, zoom: zoom,
                      stepsPerBar: stepsPerBar, glyphs: glyphs, column: column, on: &canvas)

        // Gutter: pitch names (the chord's tones in its colour), the cursor's row highlighted, markers for
        // notes above and below.
        canvas.fill(Rect(x: gutter.x, y: ruler.y, width: gutter.width, height: 1))
        canvas.write("Chd".padding(toLength: gutter.width, withPad: " ", startingAt: 0), x: gutter.x, y: lane.y,
                     style: CellStyle(foreground: .brightYellow))
        for row in 0..<rows {
            let midi = pitch(ofRow: row)
            let name = Pitch(midi: midi).name
            var style = Pitch(midi: midi).isBlackKey ? CellStyle(foreground: .brightBlack, background: Palette.blackKeyRow)
                                                     : CellStyle(foreground: .white)
            if midi % 12 == 0 { style.bold = true }
            if cursorChord?.pitchClasses.contains(((midi % 12) + 12) % 12) == true {
                style.foreground = .brightGreen
                style.bold = true
            }
            // Outside the model's pitches: the label dimmed and marked.
            let outside = state.modelPitchRange.map { !$0.contains(midi) } ?? false
            if outside { style = CellStyle(foreground: .brightBlack, background: style.background, dim: true) }
            if midi == session.cursorPitch { style = CellStyle(foreground: .black, background: .white, bold: true) }
            let text = name.padding(toLength: gutter.width - 1, withPad: " ", startingAt: 0)
                + (outside ? (state.unicode ? "╎" : ":") : " ")
            canvas.write(text, x: gutter.x, y: grid.y + row, style: style)
        }
        if above > 0 { canvas.write("\(glyphs.above)\(above)", x: gutter.x, y: ruler.y, style: CellStyle(foreground: .brightYellow)) }
        if below > 0 {
            canvas.write("\(glyphs.below)\(below)".padding(toLength: gutter.width - 1, withPad: " ", startingAt: 0),
                         x: gutter.x, y: grid.maxY - 1, style: CellStyle(foreground: .brightYellow))
        }
    }

    /// The chord lane: each chord's symbol at its onset (cut where the next begins), bar lines between,
    /// the chord at the cursor highlighted; a hint while the lane is empty.
    private static func drawChordLane(_ session: ComposingSession, cursorChord: ChordSymbol?, in lane: Rect,
                                      firstStep: Int, zoom: Int, stepsPerBar: Int, glyphs: Palette.Glyphs,
                                      column: (Int) -> Int?, on canvas: inout Canvas) {
        canvas.fill(lane, style: .plain)
        for x in lane.x..<lane.maxX {
            let offset = x - lane.x
            if offset % zoom == 0, (firstStep + offset / zoom) % stepsPerBar == 0 {
                canvas.put(glyphs.barLine, x: x, y: lane.y, style: Palette.gridLine)
            }
        }
        if session.chords.isEmpty {
            canvas.write(" no chords: C or :chord G7 enters one, H harmonizes", x: lane.x + 1, y: lane.y,
                         style: CellStyle(foreground: .brightBlack), maxWidth: lane.width - 1)
            return
        }
        let lastStep = firstStep + (lane.width + zoom - 1) / zoom
        for (index, chord) in session.chords.enumerated() {
            let start = gridSteps(chord.onset), end = gridSteps(chord.end)
            guard end > firstStep, start < lastStep else { continue }
            // A chord begun before the view shows at its left edge.
            let x = column(max(start, firstStep)) ?? lane.x
            let nextStart = index + 1 < session.chords.count ? gridSteps(session.chords[index + 1].onset) : lastStep
            let room = max(1, (min(nextStart, lastStep) - max(start, firstStep)) * zoom)
            let style = chord == cursorChord ? Palette.chordAtCursor : Palette.chord
            canvas.write(chord.symbol, x: x, y: lane.y, style: style, maxWidth: min(room, lane.maxX - x))
        }
    }
}
