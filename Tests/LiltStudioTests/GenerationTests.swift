import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltNN
@testable import LiltStudio
import LiltTerminal
import Testing

/// A small model with seeded random weights written to a file: `/ _ r` and MIDI 55…79.
private func modelFile() throws -> URL {
    let vocabulary = Vocabulary([.end, .hold, .rest] + (55...79).map { TimeStepToken.note($0) })
    var generator = SeededGenerator(seed: 11)
    var network = LSTMModel(config: LSTMConfig(vocabularySize: vocabulary.count, layers: 1, hidden: 16, dropout: 0),
                            using: &generator)
    network.parameters = network.parameters.map { $0 * 4 }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-studio-model-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent("tiny.safetensors")
    try Checkpoint.save(network, metadata: MusicModel.metadata(vocabulary: vocabulary, encoding: EncodingParameters()),
                        to: url)
    return url
}

/// Runs the loop until `condition` holds (or 20 s pass).
private func wait(_ app: StudioApp, until condition: () -> Bool) {
    let deadline = Date().addingTimeInterval(20)
    while !condition(), Date() < deadline { app.step(timeout: 0.02) }
}

/// A studio on the silent output with the small model loaded (and the model file).
private func studioWithModelFile() throws -> (app: StudioApp, model: URL) {
    let url = try modelFile()
    let app = StudioApp(terminal: MemoryTerminal(width: 100, height: 30),
                        environment: StudioEnvironment(output: SilentOutput(), modelURL: url))
    wait(app) { app.state.modelName != nil }
    return (app, url)
}

private func studioWithModel() throws -> StudioApp { try studioWithModelFile().app }

@Test("c continues from the cursor: the notes before it stay, generated notes follow, undo restores exactly")
func continueFromCursor() throws {
    let app = try studioWithModel()
    #expect(app.state.modelName == "tiny.safetensors")
    press(app, "izxcv")
    press(app, .escape)
    let before = app.state.session
    press(app, "c")
    wait(app) { !app.state.isGenerating }
    let notes = app.state.session.notes
    #expect(notes.prefix(4).map(\.pitch) == [60, 62, 64, 65])
    #expect(notes.prefix(4).allSatisfy { $0.origin == .edited })
    let generated = notes.dropFirst(4)
    #expect(!generated.isEmpty)
    #expect(generated.allSatisfy { $0.origin == .generated && $0.onset >= 4 })
    #expect(app.state.session.takes.count == 1)
    #expect(app.state.session.takes[0].provenance.contains("\"modelHash\""))
    press(app, "u")
    #expect(app.state.session == before)
}

@Test("continued and variation notes carry the model's probability of their onset token, kept exactly through save and load")
func generatedProbabilities() throws {
    let (app, url) = try studioWithModelFile()
    press(app, "izxcv")
    press(app, .escape)
    press(app, "c")
    wait(app) { !app.state.isGenerating }
    let generated = app.state.session.notes.filter { $0.origin == .generated }
    #expect(generated.count >= 3)
    #expect(generated.allSatisfy { ($0.probability ?? 0) > 0 && ($0.probability ?? 1) < 1 })
    // They are the model's own figures: exp of its score of the take's tokens at each note's onset.
    let model = try MusicModel.load(from: url)
    let take = try #require(app.state.session.takes.last)
    let provenance = try JSONDecoder().decode(TakeProvenance.self, from: Data(take.provenance.utf8))
    let again = try Composer.regenerate(provenance, model: model)
    let indices = try #require(model.vocabulary.indices(of: again.tokens))
    let scores = Scoring.logProbabilities(song: indices, model: model)
    for note in generated {
        let step = (note.onset / model.encoding.step).numerator
        #expect(abs(try #require(note.probability) - exp(scores[step])) < 1e-4, "note at \(note.onset)")
    }
    #expect(Set(generated.compactMap(\.probability)).count > 1)

    // Save → load → save: the same bytes and the same probabilities, bit for bit.
    let bytes = SessionFile.encode(app.state.session)
    let loaded = try SessionFile.decode(bytes, file: "test.lilt")
    #expect(loaded == app.state.session)
    #expect(SessionFile.encode(loaded) == bytes)

    press(app, "g")
    wait(app) { !app.state.variations.isEmpty }
    #expect(app.state.variations.allSatisfy { notes in notes.allSatisfy { $0.probability != nil } })
}

@Test("g writes variations; J/K browse them, a compares, Enter keeps one; Esc drops them")
func variations() throws {
    let app = try studioWithModel()
    press(app, "izx")
    press(app, .escape)
    press(app, "g")
    wait(app) { !app.state.variations.isEmpty }
    #expect(app.state.variations.count == app.state.session.controls.variations)
    let first = app.state.displayed.notes
    #expect(app.state.session.notes.count == 2)   // nothing kept yet
    press(app, "J")
    #expect(app.state.variationIndex == 1)
    let second = app.state.displayed.notes
    #expect(first != second, "two variations of one batch differ")
    press(app, "KK")
    #expect(app.state.variationIndex == app.state.variations.count - 1)
    press(app, "a")
    #expect(app.state.displayed.notes == app.state.session.notes)
    press(app, "aJ")   // back to the variation, then to the first one
    #expect(app.state.displayed.notes == first)
    press(app, .enter)
    #expect(app.state.variations.isEmpty)
    #expect(app.state.session.notes == first)
    press(app, "u")
    #expect(app.state.session.notes.count == 2)

    press(app, "g")
    wait(app) { !app.state.variations.isEmpty }
    press(app, .escape)
    #expect(app.state.variations.isEmpty)
    #expect(app.state.session.notes.count == 2)
}

@Test("moving the temperature slider regenerates the generated part at once")
func sliderRegenerates() throws {
    let app = try studioWithModel()
    press(app, "izxcv")
    press(app, .escape)
    press(app, "c")
    wait(app) { !app.state.isGenerating }
    let cool = app.state.session.notes
    for _ in 0..<12 { press(app, "}") }   // temperature 1.0 → 1.6
    wait(app) { !app.state.isGenerating }
    let hot = app.state.session.notes
    #expect(abs(app.state.session.controls.temperature - 1.6) < 1e-9)
    #expect(hot.prefix(4) == cool.prefix(4))
    #expect(hot != cool, "the generated part changed with the temperature")
}

@Test("without a model, c says how to get one and the studio goes on")
func noModel() {
    let app = StudioApp(terminal: MemoryTerminal(width: 100, height: 30), environment: StudioEnvironment())
    press(app, "c")
    #expect(app.state.message?.text.contains("lilt train") == true)
    #expect(app.exitCode == nil)
}

@Test("the roll marks the pitches outside the model's range")
func modelRangeInRoll() {
    var state = StudioState()
    state.topPitch = 67
    state.session.cursorPitch = 50
    state.modelPitchRange = 60...64
    var canvas = Canvas(width: 60, height: 12)
    PianoRollView.draw(state, in: Rect(x: 0, y: 0, width: 60, height: 12), on: &canvas)
    // Row 1 is G4 (67, outside), row 4 is E4 (64, inside).
    #expect(canvas.row(text: 1).hasPrefix("G4  ╎"))
    #expect(canvas[0, 1].style.dim)
    #expect(canvas.row(text: 4).hasPrefix("E4   "))
    #expect(!canvas[0, 4].style.dim)
}

@Test("live mode streams the model's notes into the player and keeps them as one take when stopped")
func liveMode() throws {
    let (app, url) = try studioWithModelFile()
    press(app, "izxcv")
    press(app, .escape)
    press(app, ":tempo 300")
    press(app, .enter)
    let before = app.state.session
    press(app, "m")
    #expect(app.state.isLive)
    wait(app) { app.state.liveNotes.count >= 6 }
    #expect(app.state.liveNotes.count >= 6)
    #expect(app.state.liveNotes.allSatisfy { $0.onset >= 4 && $0.origin == .generated })
    #expect(app.state.displayed.notes.count > before.notes.count)
    press(app, "}")   // a slider change goes to the running generator
    app.update()
    #expect(app.state.playback.isPlaying)
    press(app, "m")
    #expect(!app.state.isLive)
    app.update()
    #expect(!app.state.playback.isPlaying, "stopping live mode stops the sound; it does not start the melody")
    #expect(app.state.session.notes.count > before.notes.count)
    #expect(app.state.session.notes.prefix(4) == before.notes.prefix(4))
    // The kept take's provenance regenerates it: the same notes after the seed.
    let take = try #require(app.state.session.takes.last)
    let provenance = try JSONDecoder().decode(TakeProvenance.self, from: Data(take.provenance.utf8))
    let again = try Composer.regenerate(provenance, model: try MusicModel.load(from: url))
    let live = app.state.session.notes.dropFirst(4)
    #expect(again.melody.notes.filter { !$0.isRest && $0.onset >= 4 }.map { [$0.pitch!.midi, $0.onset, $0.duration] as [AnyHashable] }
            == live.map { [$0.pitch, $0.onset, $0.duration] as [AnyHashable] })
    press(app, "uu")   // the live take, then the temperature
    #expect(app.state.session.notes == before.notes)
}

@Test("after g the roll scrolls so that the written notes and the cursor are all in view")
func generationRevealsItsNotes() throws {
    let url = try modelFile()
    let size = TerminalSize(width: 100, height: 50)
    let app = StudioApp(terminal: MemoryTerminal(width: size.width, height: size.height),
                        environment: StudioEnvironment(output: SilentOutput(), modelURL: url))
    wait(app) { app.state.modelName != nil }
    // Down a roll's height and back: the view follows the cursor down, then up only as far as the cursor,
    // which ends on the roll's second row with every pitch above it out of view.
    let rows = StudioLayout(size: size).grid.height
    press(app, String(repeating: "j", count: rows))
    app.draw()
    press(app, String(repeating: "k", count: rows))
    app.draw()
    let cursor = app.state.session.cursorPitch
    #expect(app.state.topPitch == cursor + 2)
    press(app, "g")
    wait(app) { !app.state.isGenerating }
    app.draw()
    let pitches = app.state.variations.joined().map(\.pitch)
    #expect(pitches.contains { $0 > cursor + 2 }, "some notes were written above the view")
    let shown = (app.state.topPitch - rows + 1)...app.state.topPitch
    #expect(pitches.filter { !shown.contains($0) } == [])
    #expect(shown.contains(cursor))
}

@Test("p shows the model's odds at the cursor, follows the cursor and the edits, and hides them again")
func predictionsFollowTheCursor() throws {
    let app = try studioWithModel()
    press(app, "izxc")
    press(app, .escape)
    press(app, "p")
    #expect(app.state.showPredictions)
    wait(app) { app.state.prediction?.position == app.state.session.cursor }
    let first = try #require(app.state.prediction)
    #expect(first.position == 3 && first.revision == app.state.history.revision)
    let odds = first.prediction
    #expect(abs(odds.notes.values.reduce(0, +) + odds.hold + odds.rest + odds.end - 1) < 1e-9)
    #expect(app.state.message?.text.hasPrefix("next step: ") == true)
    // After the cursor moves back a step, the odds are asked again for the shorter seed.
    press(app, "h")
    wait(app) { app.state.prediction?.position == app.state.session.cursor }
    #expect(app.state.prediction?.position == QuarterLength(11, 4))
    #expect(app.state.prediction?.prediction != odds)
    // The status line keeps the odds of wherever the cursor is.
    app.draw()
    let screen = try #require(app.terminal as? MemoryTerminal).screen
    let status = (0..<screen.height).map { screen.row(text: $0) }.first { $0.contains(" NORMAL ") }
    #expect(status?.contains("odds ") == true)
    press(app, "p")
    #expect(!app.state.showPredictions && app.state.prediction == nil)
}

@Test("where the model can give no odds (notes it does not know), p says why once and does not ask again")
func predictionsWithoutOdds() throws {
    let app = try studioWithModel()
    // Two octaves up from C4: C6 and D6, above the small model's 55…79.
    press(app, "i>>zx")
    press(app, .escape)
    press(app, "p")
    wait(app) { app.state.message?.text.hasPrefix("no odds here") == true }
    #expect(app.state.message?.isError == true)
    #expect(app.state.prediction == nil)
    for _ in 0..<10 { app.step(timeout: 0.01) }
    #expect(app.predictionAsked == nil, "the same place is not asked about again")
    #expect(!app.jobs.isBusy)
    // Moving the cursor is a new place: asked again (and still no odds there: the seed has the same notes).
    press(app, "h")
    app.update()
    #expect(app.predictionAsked != nil || app.predictionAnswered?.position == app.state.session.cursor)
}
