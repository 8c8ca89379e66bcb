import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
@testable import LiltStudio
import Testing

/// The chord lane as "symbol@onset+duration" (quarter notes).
private func lane(_ session: ComposingSession) -> [String] {
    session.chords.map { "\($0.symbol)@\($0.onset)+\($0.duration)" }
}

@Test(":chord enters a chord at the cursor to the bar's end or the next chord; a chart fills bars from the cursor's bar; undo takes each back")
func enteringChords() {
    var state = StudioState.given([60, 64, 67, 64, 60, 64, 67, 60])
    _ = state.press(.home)
    _ = state.command("chord | C | F G7 |")
    #expect(lane(state.session) == ["C@0+4", "F@4+2", "G7@6+2"])
    #expect(state.message?.text == "3 chords over 2 bars from bar 1")
    // One chord typed at beat 3 of bar 1: the C before it ends there, the new one runs to the bar's end.
    _ = state.press("llllllll")
    _ = state.command("chord Am7")
    #expect(lane(state.session) == ["C@0+2", "Am7@2+2", "F@4+2", "G7@6+2"])
    // C opens the command line with ":chord " typed.
    _ = state.press("C")
    #expect(state.mode == .command("chord "))
    _ = state.press(.escape)
    // Unreadable: the symbol (and in a chart its bar) is named, nothing changes.
    let before = state.session
    _ = state.command("chord Hm")
    #expect(state.message?.text.contains("'Hm' is not a chord symbol") == true && state.message?.isError == true)
    _ = state.command("chord | C | F Q7 |")
    #expect(state.message?.text.contains("bar 2, chord 2: 'Q7' is not a chord symbol") == true)
    #expect(state.session == before)
    _ = state.press("u")
    #expect(lane(state.session) == ["C@0+4", "F@4+2", "G7@6+2"])
    _ = state.press("u")
    #expect(state.session.chords.isEmpty)
}

@Test("X deletes the chord at the cursor or the selection's; a selection's transpose moves its chords, one note's does not")
func deletingAndTransposingChords() {
    var state = StudioState.given([60, 64, 67, 64, 60, 64, 67, 60])
    state.session.key = Key(tonic: 0, mode: .major)
    _ = state.press(.home)
    _ = state.command("chord | C | F G7 |")
    _ = state.press("X")
    #expect(lane(state.session) == ["F@4+2", "G7@6+2"])
    #expect(state.message?.text == "deleted C")
    _ = state.press("X")
    #expect(state.message?.text.contains("no chord at the cursor") == true)
    _ = state.press("u")
    // One note up a semitone: the chord under it stays.
    _ = state.press(")")
    #expect(state.session.notes.first?.pitch == 61 && state.session.chords.first?.symbol == "C")
    _ = state.press("u")
    // The whole melody selected, up two semitones: chords move with it, spelled in the key.
    _ = state.press(.home)
    _ = state.press("v")
    _ = state.press(.end)
    _ = state.press("))")
    #expect(state.session.chords.map(\.symbol) == ["D", "G", "A7"])
    #expect(state.session.notes.first?.pitch == 62)
    // The first bar selected: X deletes its chord only.
    _ = state.press(.escape, .home)
    _ = state.press("v" + String(repeating: "l", count: 15) + "X")
    #expect(state.session.chords.map(\.symbol) == ["G", "A7"])
}

@Test("H asks a lead-sheet model for chords; they fill the unlocked bars, a locked bar keeps its own; a melody model is told why not")
func harmonizingInTheStudio() throws {
    var melodyOnly = StudioState.given([60, 64, 67, 64], model: tinyModel())
    #expect(melodyOnly.press("H").isEmpty)
    #expect(melodyOnly.message?.text.contains("knows no chords") == true)

    let studio = TestStudio(model: try tinyModelFile(tinyLeadSheetModel()))
    studio.press("izcbczcbz")
    studio.press(.escape, .home)
    studio.command("chord Dm")
    studio.press("b")   // bar 1 locked, with its Dm
    studio.press("H")
    let chords = studio.state.session.chords
    #expect(chords.first?.symbol == "Dm" && chords.first?.onset == 0 && chords.first?.duration == 4, "\(chords)")
    #expect(chords.count >= 2, "bar 2 has chords now: \(chords)")
    #expect(chords.dropFirst().allSatisfy { $0.onset >= 4 && $0.end <= 8 })
    #expect(studio.state.message?.text.hasPrefix("harmonized:") == true)
    // Undo takes the harmonization back in one step.
    studio.press("u")
    #expect(studio.state.session.chords.map(\.symbol) == ["Dm"])
}

@Test("harmony that comes back after the melody changed is dropped, never written over the edit")
func staleHarmonization() {
    var state = StudioState.given([60, 64, 67, 64], model: tinyLeadSheetModel())
    let effects = state.press("H")
    guard case .harmonize(let request, _)? = effects.first else {
        Issue.record("H asked for no harmonization: \(effects)")
        return
    }
    _ = state.press("iz")
    _ = state.press(.escape)
    _ = state.update(.harmonized(HarmonizationResult(request: request, chords: [ChordSymbol("C", onset: 0, duration: 4)!])))
    #expect(state.session.chords.isEmpty)
    #expect(state.message?.text.contains("the chords were dropped") == true)
}

@Test("c over the chord lane sends its chords (cut to the part to write); a lead-sheet model writes the melody over them, and chords of its own where the lane is empty")
func generatingOverTheLane() throws {
    var state = StudioState.given([60, 64, 67, 64], model: tinyLeadSheetModel())
    _ = state.press(.home)
    _ = state.command("chord | C | F G7 | C |")
    state.session.cursor = 4
    state.session.controls.bars = 1
    let effects = state.press("c")
    let request = try #require(effects.lazy.compactMap { if case .generate(let request, _) = $0 { request } else { nil } }.first)
    #expect(request.chords.map(\.symbol) == ["F", "G7"])
    #expect(request.chords.map(\.onset) == [4, 6])

    // Through the runtime with the model: the lane's chords are kept as they were, the melody written over them.
    let studio = TestStudio(session: ComposingSession(key: Key(tonic: 0, mode: .major)),
                            model: try tinyModelFile(tinyLeadSheetModel()))
    studio.press("izcbc")
    studio.press(.escape)
    studio.press(.home)
    studio.command("chord | C | F G7 |")
    studio.press("W")
    let laneBefore = studio.state.session.chords
    studio.press("c")
    #expect(studio.state.session.notes.count > 4, "\(studio.state.message?.text ?? "")")
    #expect(studio.state.session.chords == laneBefore)

    // No chords after the cursor: the model writes its own into the lane.
    let free = TestStudio(model: try tinyModelFile(tinyLeadSheetModel()))
    free.press("izcbc")
    free.press(.escape)
    free.press("c")
    #expect(free.state.session.notes.count > 4, "\(free.state.message?.text ?? "")")
    #expect(!free.state.session.chords.isEmpty)
    #expect(free.state.session.chords.allSatisfy { $0.onset >= 4 })
}

@Test("playing a session with chords: the silent output records the chord voices on their channel with their program, the melody on its own")
func chordsPlayOnTheirChannel() throws {
    let studio = TestStudio()
    studio.press("izcbczcbz")
    studio.press(.escape, .home)
    studio.command("chord | C | G7 |")
    studio.press(" ")
    studio.advance(by: 4100)   // two bars at 120 bpm
    let chordOns = studio.output.played.filter { $0.channel == ChordVoicing.channel && $0.event.isNoteOn }
    #expect(chordOns.map(\.time).sorted().first == 0 && chordOns.contains { $0.time == 2000 }, "\(chordOns)")
    // C major's voices at the start, G7's (with its F) at bar 2.
    #expect(Set(chordOns.filter { $0.time == 0 }.map { $0.event.key % 12 }) == [0, 4, 7])
    #expect(Set(chordOns.filter { $0.time == 2000 }.map { $0.event.key % 12 }).isSuperset(of: [7, 11, 5]))
    #expect(studio.output.program(channel: ChordVoicing.channel) == .defaultChords)
    let melodyOns = studio.output.played.filter { $0.channel == 0 && $0.event.isNoteOn }
    #expect(melodyOns.map(\.event.key) == [60, 64, 67, 64, 60, 64, 67, 60])
}

@Test("live mode with a lead-sheet model writes chords into the lane as it plays; kept, they go into the session with the notes")
func liveChordsKept() throws {
    let studio = TestStudio(model: try tinyModelFile(tinyLeadSheetModel()))
    studio.press("izcbc")
    studio.press(.escape)
    studio.press("m")
    studio.advance(by: 6000)
    let shown = studio.state.displayed.chords
    #expect(!shown.isEmpty && shown.allSatisfy { $0.onset >= 4 })
    studio.press("m")
    #expect(studio.state.live == nil)
    #expect(!studio.state.session.chords.isEmpty)
    #expect(studio.state.session.chords.allSatisfy { $0.onset >= 4 })
    #expect(studio.output.played.contains { $0.channel == ChordVoicing.channel })
}

@Test(":chordprogram chooses the chords' instrument: the player takes it, the session keeps it, exports use it, undo takes it back")
func chordInstrument() throws {
    var state = StudioState.given([60, 64])
    state.workingDirectory = URL(fileURLWithPath: "/out")
    let effects = state.command("chordprogram strings")
    let strings = try GMProgram.parse("strings")
    #expect(effects.playerCommands == [.chordProgram(strings)])
    #expect(state.session.controls.chordProgram == strings && strings != .defaultChords)
    #expect(state.message?.text == "chord instrument \(strings)")
    let export = state.command("export a.mid")
    #expect(export.contains { if case .export(_, _, _, let chords, _) = $0 { chords == strings } else { false } })
    #expect(String(decoding: SessionFile.encode(state.session), as: UTF8.self).contains("\"chordProgram\""))
    let undone = state.press("u")
    #expect(state.session.controls.chordProgram == .defaultChords)
    #expect(undone.playerCommands.contains(.chordProgram(.defaultChords)))
    _ = state.command("chordprogram 999")
    #expect(state.message?.isError == true)
}

@Test("s opens the statistics pane: without a model it says why; with one, its corpus's histograms are asked for once")
func statisticsToggle() {
    var without = StudioState.given([60, 62])
    #expect(without.press("s").isEmpty && !without.showStatistics)
    #expect(without.message?.isError == true)

    var state = StudioState.given([60, 62], model: tinyModel())
    state.corpusName = "samples"
    #expect(state.press("s") == [.loadCorpusHistograms("samples")])
    #expect(state.showStatistics && state.showsSidePane)
    _ = state.update(.corpusHistograms(CorpusHistograms(name: "samples", histograms: PooledHistograms([]))))
    _ = state.press("s")
    #expect(!state.showStatistics)
    #expect(state.press("s").isEmpty, "the histograms are kept")
    _ = state.press("T")
    #expect(state.showTraining && !state.showStatistics)
}
