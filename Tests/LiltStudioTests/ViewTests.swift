import LiltCompose
import LiltMusic
import LiltStudio
import LiltTerminal
import Testing

/// A state showing C4 D4 E4 (seed, generated, edited) as quarter notes from the start, the top row G4.
private func threeNotes(unicode: Bool = true) -> StudioState {
    var session = ComposingSession()
    session.insert(SessionNote(pitch: 60, onset: 0, duration: 1, origin: .seed))
    session.insert(SessionNote(pitch: 62, onset: 1, duration: 1, origin: .generated, probability: 0.9))
    session.insert(SessionNote(pitch: 64, onset: 2, duration: 1, origin: .edited))
    session.cursor = 3
    session.cursorPitch = 65
    var state = StudioState(session: session, unicode: unicode)
    state.topPitch = 67
    state.zoom = 1
    return state
}

private let rollRect = Rect(x: 0, y: 0, width: 60, height: 12)

@Test("the piano roll draws known notes at known cells in their origin's colours")
func rollNotes() {
    var canvas = Canvas(width: 60, height: 12)
    PianoRollView.draw(threeNotes(), in: rollRect, on: &canvas)
    let gutter = StudioLayout.gutter
    // Row 0 is the ruler, row 1 the chord lane; G4 (67) is row 2, so C4 (60) is row 9, D4 row 7, E4 row 5.
    #expect(canvas.row(text: 9).hasPrefix("C4   ███▊"))
    #expect(canvas[gutter, 9].style.foreground == .cyan)
    #expect(canvas.row(text: 7).dropFirst(gutter + 4).hasPrefix("███▊"))
    #expect(canvas[gutter + 4, 7].style.foreground == .brightMagenta)
    #expect(canvas[gutter + 8, 5].style.foreground == .green)
    #expect(canvas[gutter + 8, 5].character == "█")
    // Nothing else on those rows inside the first bar.
    #expect(canvas[gutter + 4, 9].character != "█")
    // Labels; black keys shaded.
    #expect(canvas.row(text: 2).hasPrefix("G4 "))
    #expect(canvas.row(text: 3).hasPrefix("F#4"))
    #expect(canvas[gutter + 1, 3].style.background == .black)
    #expect(canvas[gutter + 1, 2].style.background == .default)
    // Bar numbers over bar lines, beat lines between.
    #expect(canvas.row(text: 0).dropFirst(gutter).hasPrefix("1"))
    #expect(canvas[gutter + 16, 0].character == "2")
    #expect(canvas[gutter + 16, 4].character == "│")
    #expect(canvas[gutter + 12, 4].character == "┊")
    // The cursor (bar 1 beat 4, F4 = row 4) is reversed.
    #expect(canvas[gutter + 12, 4].style.reverse)
}

@Test("the playhead column, ASCII glyphs, zoom and markers for notes outside the view")
func rollPlayheadAndMarkers() {
    var state = threeNotes(unicode: false)
    state.playback = PlaybackSnapshot(isPlaying: true, position: 1.5)
    var canvas = Canvas(width: 60, height: 12)
    PianoRollView.draw(state, in: rollRect, on: &canvas)
    let gutter = StudioLayout.gutter
    #expect(canvas[gutter + 6, 0].character == "v")
    #expect(canvas[gutter + 6, 7].style.background == .yellow)   // D4 sounding under the playhead
    #expect(canvas[gutter + 6, 3].character == "|")
    #expect(canvas.row(text: 9).hasPrefix("C4   ===]"))

    state.zoom = 2
    state.topPitch = 61   // E4 and D4 above the view
    state.session.cursorPitch = 60
    state.scrollStep = 2
    canvas = Canvas(width: 60, height: 12)
    PianoRollView.draw(state, in: rollRect, on: &canvas)
    #expect(canvas.row(text: 0).hasPrefix("^2"))
    #expect(canvas.row(text: 3).hasPrefix("C4   ===]"))   // the second half of C4, two cells a step
}

@Test("generated notes are shaded by the probability the model gave them: colour and glyph differ by level")
func rollProbabilityShades() {
    var session = ComposingSession()
    // Four generated quarter notes on C4 D4 E4 F4, one per probability level, and one without a probability.
    let probabilities: [Double?] = [0.9, 0.45, 0.2, 0.04, nil]
    for (index, probability) in probabilities.enumerated() {
        session.insert(SessionNote(pitch: 60 + 2 * index, onset: QuarterLength(index), duration: 1, origin: .generated,
                                   probability: probability))
    }
    session.cursor = 8
    var state = StudioState(session: session, unicode: true)
    state.topPitch = 72
    state.zoom = 1
    var canvas = Canvas(width: 60, height: 16)
    PianoRollView.draw(state, in: Rect(x: 0, y: 0, width: 60, height: 16), on: &canvas)
    let gutter = StudioLayout.gutter
    // The first cell of each note: row 2 is C5 (72), so pitch p is row 2 + 72 − p; note i starts 4 i cells in.
    let cells = probabilities.indices.map { canvas[gutter + 4 * $0, 2 + 72 - (60 + 2 * $0)] }
    let styles = cells.map(\.style), glyphs = cells.map(\.character)
    #expect(Set(styles.prefix(4)).count == 4, "\(styles)")
    #expect(glyphs.prefix(4) == ["█", "▓", "▒", "░"])
    #expect(styles[0].foreground == .brightMagenta && styles[0].bold)
    #expect(styles[3].dim)
    // Every level is told apart from the seed's and the edited notes' colours.
    #expect(styles.allSatisfy { $0 != Palette.seed && $0 != Palette.edited })
    // Without a probability: the plain generated colour, a full body.
    #expect(styles[4] == Palette.generated && glyphs[4] == "█")
    // The note ends keep their end glyph.
    #expect(canvas[gutter + 3, 2 + 72 - 60].character == "▊")
    // Two generated notes with different probabilities in one level share the shade; across levels they differ.
    #expect(Palette.style(for: SessionNote(pitch: 60, onset: 0, duration: 1, origin: .generated, probability: 0.7))
            == Palette.style(for: SessionNote(pitch: 60, onset: 0, duration: 1, origin: .generated, probability: 0.95)))
    #expect(Palette.probabilityLevel(0.05) == 0 && Palette.probabilityLevel(0.1) == 1 && Palette.probabilityLevel(0.6) == 3)
}

@Test("sliders show their values with the bar filled in proportion; the focused one is highlighted")
func slidersView() {
    var state = threeNotes()
    state.session.controls.temperature = 2.0
    state.session.controls.restBias = -5
    state.session.controls.tempo = 210
    state.focusedSlider = .restBias
    var canvas = Canvas(width: 100, height: 4)
    ControlsView.draw(state, in: Rect(x: 0, y: 0, width: 100, height: 4), on: &canvas)
    let barWidth = 100 / 2 - ControlsView.nameWidth - ControlsView.valueWidth - 4
    let barStart = 1 + ControlsView.nameWidth + 1
    func filled(_ row: Int) -> Int {
        (0..<barWidth).filter { canvas[barStart + $0, row].character == "█" }.count
    }
    #expect(canvas.row(text: 0).contains("temperature"))
    #expect(canvas.row(text: 0).contains("2.00"))
    #expect(filled(0) == barWidth)
    #expect(canvas.row(text: 1).contains("-5.0"))
    #expect(filled(1) == 0)
    #expect(canvas.row(text: 3).contains("210 bpm"))
    #expect(filled(3) == ControlsView.filled(210, in: ControlSlider.tempo.range, width: barWidth))
    #expect(filled(3) == (barWidth + 1) / 2)   // 210 is half way: 12.5 of 25 cells rounds up
    #expect(canvas[1, 1].style == Palette.focused)
    #expect(canvas[1, 0].style != Palette.focused)
}

@Test("the help overlay lists every binding of the key map with its summary")
func helpListsEveryBinding() {
    var state = threeNotes()
    state.showHelp = true
    let canvas = StudioView.render(state, size: TerminalSize(width: 160, height: 50))
    let rows = (0..<canvas.height).map { canvas.row(text: $0) }
    for binding in KeyMap.standard.bindings {
        let found = rows.contains { row in
            guard let range = row.range(of: binding.summary) else { return false }
            let keys = row[..<range.lowerBound].split(separator: " ").map(String.init)
            return keys.contains(binding.label)
        }
        #expect(found, "\(binding.label) — \(binding.summary) is not in the help")
    }
    #expect(rows.contains { $0.contains(":export FILE") })
}

@Test("every line of the help, keys and : commands alike, fits its column whole")
func helpLinesFit() {
    for line in HelpOverlay.lines(for: .standard) {
        guard let keys = line.keys else { continue }
        let room = HelpOverlay.columnWidth - max(HelpOverlay.keyWidth, keys.count + 1)
        #expect(line.text.count <= room, "\(keys) — \(line.text) is cut")
    }
}

@Test("a help overlay taller than the screen scrolls")
func helpScrolls() {
    var state = threeNotes()
    state.showHelp = true
    let first = StudioView.render(state, size: TerminalSize(width: 80, height: 24)).text
    #expect(first.contains("more: j"))
    state.helpScroll = 200
    let last = StudioView.render(state, size: TerminalSize(width: 80, height: 24)).text
    #expect(last.contains(":title TEXT"))
    #expect(!last.contains("more: j"))
}

@Test("the title bar names the session's key as musicians write it: Bb major, Eb minor")
func titleBarKey() {
    var state = threeNotes()
    state.session.title = "Reel"
    for (key, name) in [(Key(tonic: 10, mode: .major), "Bb major"), (Key(tonic: 3, mode: .minor), "Eb minor")] {
        state.session.key = key
        var canvas = Canvas(width: 100, height: 1)
        TitleBarView.draw(state, in: Rect(x: 0, y: 0, width: 100, height: 1), on: &canvas)
        #expect(canvas.row(text: 0).hasPrefix(" Lilt  Reel   4/4  \(name)   3 notes, 1 bars"), "\(canvas.row(text: 0))")
    }
}

@Test("the status line names the mode, cursor, duration, tempo, model, corpus and audio")
func statusLine() {
    var state = threeNotes()
    state.mode = .play
    state.modelName = "folk.safetensors"
    state.corpusName = "essen"
    state.audioName = "no audio"
    state.dotted = true
    state.entryDuration = QuarterLength(1, 2)
    var canvas = Canvas(width: 200, height: 1)
    StatusLineView.draw(state, in: Rect(x: 0, y: 0, width: 200, height: 1), on: &canvas)
    let text = canvas.row(text: 0)
    for part in ["PLAY", "bar 1.4.1", "F4", "note 1/8.", "120 bpm", "model: folk.safetensors", "corpus: essen", "no audio"] {
        #expect(text.contains(part), "\(part) missing from \(text)")
    }
    #expect(canvas[1, 0].style.background == .green)
}

@Test("with the model's odds on, the cursor's step shows a ghost cell per likely pitch, shaded by its probability")
func predictionGhosts() {
    var state = threeNotes()
    state.predictions.isShown = true
    state.predictions.shown = CursorPrediction(position: 3, revision: 0,
                                        prediction: NextStepPrediction(notes: [67: 0.7, 64: 0.15, 62: 0.01],
                                                                       hold: 0.1, rest: 0.04, end: 0))
    var canvas = Canvas(width: 60, height: 12)
    PianoRollView.draw(state, in: rollRect, on: &canvas)
    let x = StudioLayout.gutter + 12   // the cursor's step, 3 quarter notes in
    // G4 (row 2) at 0.7: the darkest shade; E4 (row 5) at 0.15: the second; D4 (row 7) at 0.01: nothing.
    #expect(canvas[x, 2].character == "█")
    #expect(canvas[x, 2].style.foreground == Palette.prediction.foreground)
    #expect(canvas[x, 5].character == "▒")
    #expect(canvas[x, 7].character != "▒" && canvas[x, 7].character != "░")
    // Off: nothing is drawn there.
    state.predictions.isShown = false
    var plain = Canvas(width: 60, height: 12)
    PianoRollView.draw(state, in: rollRect, on: &plain)
    #expect(plain[x, 2].character != "█")
}

@Test("the roll marks the pitches outside the model's range")
func modelRangeInRoll() {
    var state = StudioState()
    state.topPitch = 67
    state.session.cursorPitch = 50
    state.modelPitchRange = 60...64
    var canvas = Canvas(width: 60, height: 12)
    PianoRollView.draw(state, in: Rect(x: 0, y: 0, width: 60, height: 12), on: &canvas)
    // Row 2 is G4 (67, outside), row 5 is E4 (64, inside).
    #expect(canvas.row(text: 2).hasPrefix("G4  ╎"))
    #expect(canvas[0, 2].style.dim)
    #expect(canvas.row(text: 5).hasPrefix("E4   "))
    #expect(!canvas[0, 5].style.dim)
}

@Test("the chord lane shows each symbol over its onset, the chord at the cursor highlighted and its tones tinted in the rows below it")
func chordLaneInRoll() {
    var state = threeNotes()
    state.session.setChord(ChordSymbol("C", onset: 0, duration: 2)!)
    state.session.setChord(ChordSymbol("G7", onset: 2, duration: 2)!)
    state.session.cursor = 1
    var canvas = Canvas(width: 60, height: 12)
    PianoRollView.draw(state, in: rollRect, on: &canvas)
    let gutter = StudioLayout.gutter
    // Row 1 is the lane: C at step 0, G7 at step 8 (two quarter notes in).
    #expect(canvas.row(text: 1).hasPrefix("Chd  C"))
    #expect(canvas.row(text: 1).dropFirst(gutter + 8).hasPrefix("G7"))
    #expect(canvas[gutter, 1].style == Palette.chordAtCursor)
    #expect(canvas[gutter + 8, 1].style == Palette.chord)
    // C major's tones over its two quarter notes: G4 (row 2) and E4 (row 5) tinted, F4 (row 4) not; none after.
    #expect(canvas[gutter + 1, 2].style.background == Palette.chordTone)
    #expect(canvas[gutter + 6, 5].style.background == Palette.chordTone)
    #expect(canvas[gutter + 1, 4].style.background != Palette.chordTone)
    #expect(canvas[gutter + 9, 2].style.background != Palette.chordTone)
    #expect(canvas[1, 2].style.foreground == .brightGreen, "the G4 label in the chord's colour")
    // Without chords the lane says how to get some.
    var plain = Canvas(width: 60, height: 12)
    PianoRollView.draw(threeNotes(), in: rollRect, on: &plain)
    #expect(plain.row(text: 1).contains("no chords"))
}

@Test("the training pane shows the loaded model's own history when nothing trains, and keeps it dimmed beside a new run")
func historyInTrainingPane() {
    var state = threeNotes()
    let epochs = (1...6).map { TrainingHistory.Epoch(epoch: $0, train: 3.0 / Double($0), validation: 3.2 / Double($0) + 0.1,
                                                     stepsPerSecond: 9000, seconds: 5, isBest: true) }
    state.model = LoadedModel(model: tinyModel(), name: "folk",
                              history: TrainingHistory(epochs: epochs, settings: "1×16 LSTM, one-hot input, dropout 0"))
    state.showTraining = true
    let screen = StudioView.render(state, size: TerminalSize(width: 160, height: 40))
    let text = (0..<screen.height).map { screen.row(text: $0) }.joined(separator: "\n")
    #expect(text.contains("folk: 1×16 LSTM, one-hot input, dropout 0"), "\(text)")
    #expect(text.contains("trained  epoch 6/6  in 0:30") && text.contains("best val 0.633 @ 6"), "\(text)")
    #expect(!text.contains("No training running"))
    let dots = (0..<screen.height).flatMap { y in (0..<screen.width).map { screen[$0, y] } }
        .filter { (0x2801...0x28FF).contains($0.character.value) }
    #expect(dots.contains { $0.style.foreground == LossGraphView.validationColor })

    // A new run: its curves in colour, the loaded model's dimmed beside them.
    var run = TrainingProgress(title: "folk on samples", vocabularySize: 28, totalEpochs: 10)
    run.phase = .running
    run.addEpoch(.init(epoch: 1, train: 2.9, validation: 2.8))
    state.training = run
    let during = StudioView.render(state, size: TerminalSize(width: 160, height: 40))
    let duringText = (0..<during.height).map { during.row(text: $0) }.joined(separator: "\n")
    #expect(duringText.contains("folk on samples") && duringText.contains("loaded model"))
    let duringDots = (0..<during.height).flatMap { y in (0..<during.width).map { during[$0, y] } }
        .filter { (0x2801...0x28FF).contains($0.character.value) }
    #expect(duringDots.contains { $0.style.foreground == LossGraphView.referenceColor })
}

@Test("the statistics pane draws the take's pitch-class and interval shares beside the corpus's, with their distances")
func statisticsPane() {
    var session = ComposingSession()
    for (index, pitch) in [60, 62, 64].enumerated() {
        session.insert(SessionNote(pitch: pitch, onset: QuarterLength(index), duration: 1, origin: .edited))
    }
    var state = StudioState(session: session, unicode: true)
    state.model = LoadedModel(model: tinyModel(), name: "folk")
    state.showStatistics = true
    var corpus = PooledHistograms([])
    corpus.pitchClasses = [0.3, 0, 0.2, 0, 0.2, 0.1, 0, 0.2, 0, 0, 0, 0]
    corpus.intervals = (0..<25).map { $0 == 12 ? 0.5 : ($0 == 14 || $0 == 10 ? 0.25 : 0) }
    corpus.melodies = 40
    state.corpusHistograms = CorpusHistograms(name: "samples", histograms: corpus)
    let screen = StudioView.render(state, size: TerminalSize(width: 160, height: 40))
    let text = (0..<screen.height).map { screen.row(text: $0) }.joined(separator: "\n")
    #expect(text.contains("statistics: the take against corpus samples"), "\(text)")
    #expect(text.contains("take: 3 notes") && text.contains("corpus: 40 songs") && text.contains("JS pitch"))
    let cells = (0..<screen.height).flatMap { y in (0..<screen.width).map { screen[$0, y] } }
    let blocks: Set<Unicode.Scalar> = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    #expect(cells.contains { blocks.contains($0.character) && $0.style.foreground == StatisticsView.takeColor })
    #expect(cells.contains { blocks.contains($0.character) && $0.style.foreground == StatisticsView.corpusColor })
    // The take C D E (no generated notes: the whole melody): none on G, its intervals two whole tones up.
    let take = state.takeHistograms
    #expect(take?.notes == 3 && take?.pitchClasses[7] == 0)
    #expect(take.map { abs($0.intervals[14] - 1) < 1e-9 } == true)
}
