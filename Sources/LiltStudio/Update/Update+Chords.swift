import LiltCompose
import LiltMusic

extension StudioState {
    /// `:chord G7` enters a chord at the cursor (to the bar's end, or the next chord); `:chord | D | G A7 |`
    /// writes a chart bar by bar from the cursor's bar on, in place of the chords there. Chords keep the
    /// spelling typed (B♭ stays B♭ whatever the key).
    mutating func enterChords(_ text: String) -> [StudioEffect] {
        let words = text.split(separator: " ")
        if !text.contains("|"), words.count == 1 {
            guard let symbol = ChordSymbol(text) else {
                message = StudioMessage(":chord: '\(text)' is not a chord symbol (write it like G7, Am, F#m7b5, D/F#)", isError: true)
                return []
            }
            let effects = edit("chord \(symbol.symbol)") { $0.enterChord(symbol, at: $0.cursor) }
            message = StudioMessage("chord \(symbol.symbol) at bar \(session.bar(at: session.cursor) + 1)")
            return effects
        }
        let barStart = session.barLength * QuarterLength(session.bar(at: session.cursor))
        let chart: [ChordSymbol]
        do {
            chart = try ChordChart.parse(text, barLength: session.barLength)
        } catch {
            message = StudioMessage(":chord: \(error.description)", isError: true)
            return []
        }
        let placed = chart.map { chord in
            var moved = chord
            moved.onset = barStart + chord.onset
            return moved
        }
        let end = placed.map(\.end).max() ?? barStart
        let effects = edit("chords") { session in
            session.clearChords(barStart..<end)
            for chord in placed { session.setChord(chord) }
        }
        let bars = session.bar(at: end - StudioState.step) - session.bar(at: barStart) + 1
        message = StudioMessage("\(placed.count) chords over \(bars) bars from bar \(session.bar(at: barStart) + 1)")
        return effects
    }

    /// `X`: deletes the chords in the selection, or the chord sounding at the cursor.
    mutating func deleteChord() -> [StudioEffect] {
        if let range = selection {
            guard session.chords.contains(where: { $0.onset < range.upperBound && range.lowerBound < $0.end }) else {
                message = StudioMessage("no chord in the selection")
                return []
            }
            return edit("delete chords") { $0.clearChords(range) }
        }
        guard let chord = session.chord(at: session.cursor) else {
            message = StudioMessage("no chord at the cursor (:chord G7 enters one)")
            return []
        }
        message = StudioMessage("deleted \(chord.symbol)")
        return edit("delete chord") { _ = $0.removeChord(at: $0.cursor) }
    }

    /// `H` and `:harmonize`: asks the model for chords for the whole melody; they go into the unlocked bars.
    mutating func harmonize(changes: ChordChanges = .half) -> [StudioEffect] {
        guard let model else {
            message = StudioMessage("harmonizing needs a model trained on lead sheets (lilt studio --model FILE)", isError: true)
            return []
        }
        guard model.model.encoding.chords else {
            message = StudioMessage("the model \(model.name) knows no chords: train one on lead sheets "
                                    + "(lilt corpus import a folder of ABC tunes with chord symbols, then lilt train)", isError: true)
            return []
        }
        guard !session.notes.isEmpty else {
            message = StudioMessage("nothing to harmonize yet: enter or generate a melody first")
            return []
        }
        var melody = session.melody
        melody.chords = []
        message = StudioMessage("harmonizing…")
        return [.harmonize(HarmonizationRequest(melody: melody, changes: changes, revision: history.revision), model)]
    }

    /// The chords came: into the unlocked bars (undoable), unless the melody changed meanwhile.
    mutating func harmonized(_ result: HarmonizationResult) -> [StudioEffect] {
        if let error = result.error {
            message = StudioMessage(error, isError: true)
            return []
        }
        guard result.request.revision == history.revision else {
            message = StudioMessage("the chords were dropped: the melody changed while they were chosen (H asks again)")
            return []
        }
        let locked = session.lockedBars.count
        let effects = edit("harmonize") { $0.replaceChords(from: .zero, with: result.chords) }
        message = StudioMessage(String(format: "harmonized: %d chords in %.0f ms%@", result.chords.count, result.milliseconds,
                                       locked > 0 ? " (locked bars kept theirs)" : ""))
        return effects
    }
}
