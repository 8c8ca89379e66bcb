import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
@testable import LiltStudio
import Testing

@Test(":w NAME saves the session as NAME.lilt beside the working folder; once saved nothing is unsaved")
func saveSession() {
    var state = StudioState.given([60, 62], autosave: 2)
    state.workingDirectory = URL(fileURLWithPath: "/home/someone/tunes")
    let target = URL(fileURLWithPath: "/home/someone/tunes/reel.lilt")
    #expect(state.command("w reel") == [.save(state.session, to: target, revision: 2, thenQuit: false)])
    #expect(state.isModified)
    let effects = state.update(.saved(state.session, to: target, revision: 2, thenQuit: false))
    #expect(effects == [.cancel(.autosave), .discardAutosave])
    #expect(!state.isModified && state.file == target)
    #expect(state.message?.text == "saved reel.lilt (2 notes)")
    #expect(state.press(.control("s")) == [.save(state.session, to: target, revision: 2, thenQuit: false)])
}

@Test("without a file name yet, Ctrl-S asks for one; :wq saves, then quits")
func saveNeedsName() {
    var state = StudioState.given([60])
    #expect(state.press(.control("s")).isEmpty)
    #expect(state.message?.text.hasPrefix("no file name yet") == true)
    let target = URL(fileURLWithPath: "/tmp/a.lilt")
    _ = state.update(.saved(state.session, to: target, revision: 1, thenQuit: false))
    #expect(state.command("wq") == [.save(state.session, to: target, revision: 1, thenQuit: true)])
    _ = state.update(.saved(state.session, to: target, revision: 1, thenQuit: true))
    #expect(state.exitCode == 0)
}

@Test(":open reads a file; what it holds replaces the session, one undo away; a broken file leaves the session as it is")
func openFile() {
    var state = StudioState.given([60, 62])
    state.workingDirectory = URL(fileURLWithPath: "/music")
    #expect(state.command("open tune.krn") == [.open(URL(fileURLWithPath: "/music/tune.krn"))])
    let before = state.session
    _ = state.update(.openFailed("/music/tune.krn: line 3: not a kern token"))
    #expect(state.session == before && state.message?.isError == true)
    let read = ComposingSession(melody: Melody(meter: Meter(3, 4), notes: [.note(67, at: 0, for: 1)]))
    let effects = state.update(.opened(read, file: nil, name: "tune.krn"))
    #expect(effects.first == .player(.stop))
    #expect(state.session.notes.map(\.pitch) == [67])
    #expect(state.message?.text == "opened tune.krn: 1 notes")
    _ = state.press("u")
    #expect(state.session.notes.map(\.pitch) == [60, 62])
}

@Test(":export writes the melody with the session's instrument and tempo; WAV needs a SoundFont; an empty session has nothing to export")
func exportMelody() {
    var empty = StudioState.given()
    #expect(empty.command("export a.mid").isEmpty)
    #expect(empty.message?.text == "nothing to export yet")
    var state = StudioState.given([60, 62])
    state.workingDirectory = URL(fileURLWithPath: "/out")
    #expect(state.command("export a.mid") == [.export(state.session.melody, to: URL(fileURLWithPath: "/out/a.mid"),
                                                      program: .acousticGrandPiano, chordProgram: .defaultChords,
                                                      tempo: 120)])
    #expect(state.command("export a.wav").isEmpty)
    #expect(state.message?.text == "WAV export needs a SoundFont (see lilt doctor)")
    state.canRenderWAV = true
    #expect(state.command("export a.wav").count == 1)
    #expect(state.message?.text == "rendering a.wav...")
}

@Test("q asks before quitting with unsaved work (n stays, y quits); a clean session quits at once")
func quitAsks() {
    var state = StudioState.given([60], autosave: 2)
    #expect(state.press("q").isEmpty)
    #expect(state.mode == .confirm(.quitUnsaved))
    _ = state.press("n")
    #expect(state.exitCode == nil && state.mode == .normal)
    _ = state.press("q")
    #expect(state.press("y") == [.player(.panic), .cancel(.autosave), .discardAutosave])
    #expect(state.exitCode == 0)
    var clean = StudioState.given()
    _ = clean.press("q")
    #expect(clean.exitCode == 0)
}

@Test("a termination signal autosaves unsaved work and ends with 128 + the signal")
func terminateAutosaves() {
    var state = StudioState.given([60], autosave: 2)
    let effects = state.update(.terminate(signal: 15))
    #expect(effects == [.cancel(.autosave), .writeAutosave(state.session, file: nil), .player(.panic)])
    #expect(state.exitCode == 143)
}

@Test("a session an earlier run left unsaved is offered back: y restores it (unsaved), n discards it")
func recoverAutosave() {
    let recovered = RecoveredSession(session: ComposingSession(melody: Melody(notes: [.note(72, at: 0, for: 1)])),
                                     file: nil, saved: "2026-12-04 10:00")
    var state = StudioState.given(autosave: 2)
    _ = state.update(.recovered(recovered))
    #expect(state.mode == .confirm(.restoreAutosave("2026-12-04 10:00")))
    _ = state.press("y")
    #expect(state.session.notes.map(\.pitch) == [72] && state.isModified)
    var declined = StudioState.given(autosave: 2)
    _ = declined.update(.recovered(recovered))
    #expect(declined.press("n") == [.discardAutosave])
    #expect(declined.session.notes.isEmpty)
}

@Test("the : line: Backspace edits it, Esc leaves it, an unknown command says so")
func commandLineEditing() {
    var state = StudioState.given()
    _ = state.press(":tempx")
    _ = state.press(.backspace)
    #expect(state.mode == .command("temp"))
    _ = state.press(.escape)
    #expect(state.mode == .normal)
    _ = state.command("frobnicate")
    #expect(state.message?.text == "unknown command :frobnicate (:help lists the commands)")
    _ = state.command("tempo 90")
    #expect(state.session.controls.tempo == 90)
    #expect(state.command("tempo 9").isEmpty)
    #expect(state.message?.text == ":tempo takes 20-400 quarter notes per minute")
}
