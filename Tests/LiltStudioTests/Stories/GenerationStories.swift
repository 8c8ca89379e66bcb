import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
@testable import LiltStudio
import Testing

private let model = tinyModel()

/// A result for `request` with one take of `pitches` (quarter notes from the request's start).
private func result(_ request: GenerationRequest, _ takes: [[Int]]) -> GenerationResult {
    GenerationResult(request: request, takes: takes.map { pitches in
        pitches.enumerated().map { index, pitch in
            SessionNote(pitch: pitch, onset: request.start + QuarterLength(index), duration: 1, origin: .generated,
                        probability: 0.5)
        }
    }, provenance: takes.map { _ in "{}" }, milliseconds: 3)
}

private func request(in effects: [StudioEffect]) -> GenerationRequest? {
    effects.lazy.compactMap { if case .generate(let request, _) = $0 { request } else { nil } }.first
}

@Test("without a model, c says how to get one; while one loads, it says so")
func noModelYet() {
    var state = StudioState.given([60])
    #expect(state.press("c").isEmpty)
    #expect(state.message?.text.contains("lilt train") == true)
    state.modelExpected = true
    _ = state.press("c")
    #expect(state.message?.text == "the model is still loading")
    // A model that could not be loaded is not loading any more: c says how to get one again.
    _ = state.update(.modelFailed("/m/tiny.safetensors: not a safetensors file"))
    _ = state.press("c")
    #expect(state.message?.text.contains("lilt train") == true)
}

@Test("c asks for a continuation of the notes before the cursor; it comes back into the melody, undoably")
func continuation() throws {
    var state = StudioState.given([60, 62, 64, 65], model: model)
    let asked = try #require(request(in: state.press("c")))
    #expect(asked.purpose == .continuation && asked.start == 4 && asked.revision == state.history.revision)
    #expect(asked.seed.notes.compactMap { $0.pitch?.midi } == [60, 62, 64, 65])
    #expect(state.isGenerating)
    let before = state.session
    _ = state.update(.generated(result(asked, [[67, 69]])))
    #expect(!state.isGenerating)
    #expect(state.session.notes.map(\.pitch) == [60, 62, 64, 65, 67, 69])
    #expect(state.session.takes.count == 1)
    #expect(state.message?.text == "continued from bar 2: 2 notes in 3 ms")
    _ = state.press("u")
    #expect(state.session == before)
}

@Test("a continuation that comes back after the user edited is dropped, never written over the newer edit")
func staleContinuationDropped() throws {
    var state = StudioState.given([60, 62], model: model)
    let asked = try #require(request(in: state.press("c")))
    _ = state.press("iz")   // an edit while the model writes
    _ = state.press(.escape)
    let edited = state.session
    _ = state.update(.generated(result(asked, [[67, 69, 71]])))
    #expect(state.session == edited)
    #expect(!state.isGenerating)
    #expect(state.message?.text.hasPrefix("the model's notes were dropped: the melody changed") == true)
}

@Test("a result for an older request is ignored when a newer one is on its way")
func olderResultIgnored() throws {
    var state = StudioState.given([60, 62], model: model)
    let first = try #require(request(in: state.press("c")))
    let second = try #require(request(in: state.press("c")))
    _ = state.update(.generated(result(first, [[70]])))
    #expect(state.isGenerating && state.session.notes.count == 2)
    _ = state.update(.generated(result(second, [[67]])))
    #expect(state.session.notes.map(\.pitch) == [60, 62, 67])
}

@Test("moving the temperature slider writes the last generation again with the new temperature, same seed")
func sliderRegenerates() throws {
    var state = StudioState.given([60, 62], model: model)
    let asked = try #require(request(in: state.press("c")))
    _ = state.update(.generated(result(asked, [[64]])))
    let again = try #require(request(in: state.press("}")))
    #expect(again.isRegeneration && again.start == asked.start && again.seed == asked.seed)
    #expect(abs(again.controls.temperature - 1.05) < 1e-9)
    #expect(again.controls.randomSeed == asked.controls.randomSeed)
    #expect(again.revision == state.history.revision, "asked after the slider's own edit")
    _ = state.update(.generated(result(again, [[65]])))
    #expect(state.session.notes.map(\.pitch) == [60, 62, 65])
}

@Test("g writes variations; J/K browse, a compares, Enter keeps one; Esc drops them")
func variations() throws {
    var state = StudioState.given([60, 62], model: model)
    let asked = try #require(request(in: state.press("g")))
    #expect(asked.controls.variations == 4)
    _ = state.update(.generated(result(asked, [[64], [65], [67], [69]])))
    #expect(state.session.notes.count == 2, "nothing kept yet")
    #expect(state.displayed.notes.map(\.pitch) == [60, 62, 64])
    _ = state.press("J")
    #expect(state.displayed.notes.map(\.pitch) == [60, 62, 65])
    _ = state.press("KK")
    #expect(state.variationIndex == 3)
    _ = state.press("a")
    #expect(state.displayed.notes == state.session.notes)
    _ = state.press("aJ")
    #expect(state.displayed.notes.map(\.pitch) == [60, 62, 64])
    _ = state.press(.enter)
    #expect(state.variations.isEmpty)
    #expect(state.session.notes.map(\.pitch) == [60, 62, 64])
    _ = state.press("u")
    #expect(state.session.notes.count == 2)
    let more = try #require(request(in: state.press("g")))
    _ = state.update(.generated(result(more, [[64], [65]])))
    _ = state.press(.escape)
    #expect(state.variations.isEmpty && state.session.notes.count == 2)
}

@Test("p asks for the odds at the cursor once per place; the answer is shown; moving asks again")
func predictionsAskOnce() throws {
    var state = StudioState.given([60, 62], model: model)
    let effects = state.press("p")
    let asks = effects.compactMap { if case .predict(let key, _, _) = $0 { key } else { nil } }
    #expect(asks.count == 1 && asks.first?.position == 2)
    #expect(state.press("?").isEmpty && state.press("?").isEmpty, "the same place is not asked about again")
    let odds = try NextStepPrediction(after: Seed(tokens: [.note(60)]), model: model)
    _ = state.update(.predicted(asks[0], .success(odds)))
    #expect(state.prediction?.position == 2)
    #expect(state.message?.text.hasPrefix("next step: ") == true)
    let moved = state.press("h")
    #expect(moved.contains { if case .predict(let key, _, _) = $0 { key.position == QuarterLength(7, 4) } else { false } })
    _ = state.press("p")
    #expect(!state.showPredictions && state.prediction == nil)
}

@Test("call and response: a MIDI phrase and a bar's pause are answered by a continuation from its end, played at once")
func callAndResponse() throws {
    var state = StudioState.given([], model: model)
    _ = state.command("respond")
    #expect(state.respond)
    _ = state.press("i")
    var effects: [StudioEffect] = []
    for (index, key) in [60, 62, 64].enumerated() {
        let down = Double(index) * 500
        effects = state.update(.midi(.noteOn(key: key, velocity: 90), at: down))
        #expect(effects.contains(.cancel(.phraseEnded)))
        effects = state.update(.midi(.noteOff(key: key), at: down + 400))
    }
    // A bar of 4/4 at 120 bpm after the last note ended.
    #expect(effects.contains(.scheduleAt(.phraseEnded, milliseconds: 1400 + 2000)))
    let asked = try #require(request(in: state.update(.timer(.phraseEnded))))
    #expect(asked.purpose == .continuation && asked.start == 3)
    #expect(asked.seed.notes.compactMap { $0.pitch?.midi } == [60, 62, 64])
    let answered = state.update(.generated(result(asked, [[67, 65, 64]])))
    #expect(state.session.notes.map(\.pitch) == [60, 62, 64, 67, 65, 64])
    #expect(answered.playerCommands.suffix(2) == [.seek(3), .play])
    // The next call follows the answer.
    #expect(state.session.cursor == 6)
}
