import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
@testable import LiltStudio
import Testing

private let model = tinyModel()

@Test("m without a model says live mode needs one")
func liveNeedsModel() {
    var state = StudioState.given([60])
    #expect(state.press("m").isEmpty)
    #expect(state.message?.isError == true)
}

@Test("m starts live mode from the cursor with a bar of lead-in; sliders go to it; m stops it and keeps its notes as one take")
func liveTake() throws {
    var state = StudioState.given([60, 62, 64, 65, 67], model: model)
    let start = state.press("m")
    let request = try #require(start.lazy.compactMap { if case .startLive(let request) = $0 { request } else { nil } }.first)
    #expect(request.start == 5 && request.leadIn == 1 && request.tempo == 120)
    #expect(request.seed.notes.compactMap { $0.pitch?.midi } == [60, 62, 64, 65, 67])
    #expect(state.isLive)

    let slider = state.press("}")
    #expect(slider.contains { if case .updateLive(let controls) = $0 { abs(controls.temperature - 1.05) < 1e-9 } else { false } })
    #expect(!slider.contains { if case .generate = $0 { true } else { false } }, "live mode writes on; nothing is regenerated")

    let written = [SessionNote(pitch: 69, onset: 5, duration: 1, origin: .generated, probability: 0.3)]
    let held = SessionNote(pitch: 71, onset: 6, duration: QuarterLength(1, 2), origin: .generated, probability: 0.2)
    _ = state.update(.liveNotes(ended: written, held: held))
    #expect(state.displayed.notes.map(\.pitch) == [60, 62, 64, 65, 67, 69, 71])
    #expect(state.session.notes.count == 5, "nothing is in the melody until live mode stops")

    #expect(state.press("m") == [.stopLive(keep: true)])
    #expect(state.press("m").isEmpty, "asked once")
    _ = state.update(.liveNotes(ended: [SessionNote(pitch: 71, onset: 6, duration: 1, origin: .generated)], held: nil))
    _ = state.update(.liveStopped(keep: true, provenance: #"{"source":"live"}"#))
    #expect(!state.isLive)
    #expect(state.session.notes.map(\.pitch) == [60, 62, 64, 65, 67, 69, 71])
    #expect(state.session.takes.last?.name == "live 1")
    _ = state.press("u")
    #expect(state.session.notes.count == 5)
}

@Test("a termination signal in live mode waits for live mode's notes, then autosaves them and ends with 128 + the signal")
func terminateWhileLive() {
    var state = StudioState.given([60, 62], model: model, autosave: 2)
    _ = state.press("m")
    #expect(state.update(.terminate(signal: 15)) == [.stopLive(keep: true)])
    #expect(state.exitCode == nil)
    _ = state.update(.liveNotes(ended: [SessionNote(pitch: 64, onset: 2, duration: 1, origin: .generated)], held: nil))
    let effects = state.update(.liveStopped(keep: true, provenance: "{}"))
    #expect(state.exitCode == 143)
    #expect(effects.contains(.writeAutosave(state.session, file: nil)))
    #expect(state.session.notes.map(\.pitch) == [60, 62, 64])
    #expect(effects.last == .player(.panic))
}
