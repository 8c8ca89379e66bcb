import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
@testable import LiltStudio
import Testing

@Test("play mode: the keyboard rows enter notes at the cursor, each sounding as it is typed and moving the cursor on")
func playModeEntersNotes() {
    var state = StudioState.given()
    _ = state.press("i")
    #expect(state.mode == .play)
    let effects = state.press("z")
    #expect(effects.contains(.sound(.noteOn(key: 60, velocity: 90))))
    #expect(effects.contains(.schedule(.release(key: 60), seconds: 0.5)), "a quarter note at 120 bpm")
    _ = state.press("xcq")
    _ = state.press(.escape)
    #expect(state.session.notes.map(\.pitch) == [60, 62, 64, 72])
    #expect(state.session.notes.map(\.onset) == [0, 1, 2, 3].map { QuarterLength($0) })
    #expect(state.session.notes.allSatisfy { $0.origin == .edited && $0.duration == 1 })
    #expect(state.session.cursor == 4)
    #expect(state.mode == .normal)
    // The release is a timer: when it is due, the note stops.
    #expect(state.update(.timer(.release(key: 60))) == [.sound(.noteOff(key: 60))])
}

@Test("durations, dots, rests and octaves change what the piano enters")
func durationsAndRests() {
    var state = StudioState.given()
    _ = state.press("4i")
    _ = state.press("z0")
    _ = state.press(".v")
    _ = state.press("<")
    _ = state.press("z")
    _ = state.press(.escape)
    let notes = state.session.notes
    #expect(notes.map(\.pitch) == [60, 65, 48])
    #expect(notes.map(\.duration) == [QuarterLength(1, 2), QuarterLength(3, 4), QuarterLength(3, 4)])
    #expect(notes.map(\.onset) == [QuarterLength(0), QuarterLength(1), QuarterLength(7, 4)])
}

@Test("undo and redo step through every edit exactly; back at the start nothing is unsaved")
func undoRedo() {
    var state = StudioState.given()
    _ = state.press("izxc")
    _ = state.press(.escape)
    let full = state.session
    _ = state.press("uu")
    #expect(state.session.notes.map(\.pitch) == [60])
    #expect(state.message?.text == "undid note D4")
    _ = state.press(.control("r"), .control("y"))
    #expect(state.session == full)
    _ = state.press(.control("z"), .control("z"), .control("z"))
    #expect(state.session.notes.isEmpty)
    #expect(!state.isModified)
    _ = state.press("u")
    #expect(state.message?.text == "nothing to undo")
}

@Test("an edit schedules the autosave after a quiet moment; when it is due, unsaved work is written")
func editSchedulesAutosave() {
    var state = StudioState.given(autosave: 2)
    let effects = state.press("iz")
    #expect(effects.contains(.schedule(.autosave, seconds: 2)))
    #expect(state.update(.timer(.autosave)) == [.writeAutosave(state.session, file: nil)])
    _ = state.press(.escape)
    _ = state.press("u")
    #expect(state.update(.timer(.autosave)) == [], "nothing unsaved: nothing written")
}

@Test("x deletes the note at the cursor, a selection deletes its range, ( and ) transpose the note or the selection")
func deleteAndTranspose() {
    var state = StudioState.given([60, 62, 64, 65])
    _ = state.press(.home, .character("l"), .character("l"), .character("l"), .character("l"))   // onto the second note
    _ = state.press(")")
    #expect(state.session.notes.map(\.pitch) == [60, 63, 64, 65])
    _ = state.press("x")
    #expect(state.session.notes.map(\.pitch) == [60, 64, 65])
    _ = state.press("llllvlll")   // select quarter note 2, E4's four steps
    _ = state.press("(")
    #expect(state.session.notes.map(\.pitch) == [60, 63, 65])
    _ = state.press("x")
    #expect(state.session.notes.map(\.pitch) == [60, 65])
    #expect(state.selectionAnchor == nil)
    _ = state.press(.end, .character(")"))
    #expect(state.message?.text.contains("no note at the cursor") == true)
}

@Test("sliders move with Tab and braces; the tempo and the instrument go to the player at once")
func sliders() {
    var state = StudioState.given()
    _ = state.press("}}")
    #expect(abs(state.session.controls.temperature - 1.1) < 1e-9)
    _ = state.press(.tab, .character("{"))
    #expect(state.session.controls.restBias == -0.5)
    let tempo = state.press("++")
    #expect(state.session.controls.tempo == 128)
    #expect(tempo.playerCommands == [.tempo(124), .tempo(128)])
    let program = state.command("program violin")
    #expect(program.playerCommands == [.program(GMProgram(gmNumber: 41)!)])
    #expect(state.session.controls.program.name == "Violin")
    #expect(state.message?.text == "instrument 41 Violin")
    _ = state.press("u")
    #expect(state.session.controls.program == .acousticGrandPiano)
}

@Test("the volume slider sets the player's level at once, in decibels, undoably, and a new session's player follows")
func volumeSlider() {
    var state = StudioState.given()
    // Tab from temperature past rest bias, hold bias, tempo and instrument to the volume.
    _ = state.press(.tab, .tab, .tab, .tab, .tab)
    #expect(state.focusedSlider == .volume)
    let down = state.press("{{{")
    #expect(down.playerCommands == [.volume(-1), .volume(-2), .volume(-3)])
    #expect(state.session.controls.volume == -3)
    #expect(state.message?.text == "volume -3 dB")
    let undo = state.press("u")
    #expect(state.session.controls.volume == -2)
    #expect(undo.playerCommands.contains(.volume(-2)))
}

@Test("b locks the cursor's bar, undoably, and says so")
func lockBar() {
    var state = StudioState.given([60, 62, 64, 65, 67])
    _ = state.press("b")
    #expect(state.session.lockedBars.contains(1))
    #expect(state.message?.text == "bar 2 locked: regeneration leaves it alone")
    _ = state.press("u")
    #expect(state.session.lockedBars.isEmpty)
}

@Test("the view follows the cursor: moving right past the roll's edge scrolls it")
func viewFollowsCursor() {
    var state = StudioState.given()
    _ = state.press(String(repeating: "l", count: 200))
    let grid = StudioLayout(size: state.screen).grid
    let step = gridSteps(state.session.cursor)
    #expect(step >= state.scrollStep && step < state.scrollStep + grid.width / state.zoom)
    #expect(state.scrollStep > 0)
}

@Test("MIDI notes are entered at the cursor in play mode with the chosen length, undoably, and only heard otherwise")
func midiNotes() {
    var state = StudioState.given()
    #expect(state.update(.midi(.noteOn(key: 67, velocity: 100), at: 0)).isEmpty)
    #expect(state.session.notes.isEmpty)
    _ = state.press("i")
    for key in [60, 64] {
        // The input sounds the note itself, for as long as the key is held: no audition effect here.
        let effects = state.update(.midi(.noteOn(key: key, velocity: 90), at: 0))
        #expect(!effects.contains { if case .sound = $0 { true } else { false } })
        _ = state.update(.midi(.noteOff(key: key), at: 0))
    }
    #expect(state.session.notes.map(\.pitch) == [60, 64])
    #expect(state.session.notes.map(\.onset) == [0, 1].map { QuarterLength($0) })
    _ = state.press(.escape)
    _ = state.press("u")
    #expect(state.session.notes.map(\.pitch) == [60])
    _ = state.command("midi")
    #expect(state.command("midi 2") == [.midi("2")])
}

@Test("record mode: a bar of count-in with an accented click, then MIDI notes entered where they were played, quantized to the grid")
func recordMode() {
    var state = StudioState.given()
    #expect(state.press("R") == [.stamp])
    // At 120 bpm in 4/4: clicks every 500 ms from 1,100 ms; the take's first beat at 3,100 ms.
    let started = state.update(.stamped(at: 1000))
    #expect(started.contains(.scheduleAt(.metronome, milliseconds: 1100)))
    var clicks: [Bool] = []
    var next: [Double] = []
    for _ in 0..<5 {
        for effect in state.update(.timer(.metronome)) {
            if case .click(let accent) = effect { clicks.append(accent) }
            if case .scheduleAt(.metronome, let time) = effect { next.append(time) }
        }
    }
    #expect(clicks == [true, false, false, false, true])
    #expect(next == [1600, 2100, 2600, 3100, 3600])
    // Played a little late, a little early, and one before the take began (dropped).
    _ = state.update(.midi(.noteOn(key: 55, velocity: 80), at: 2000))
    _ = state.update(.midi(.noteOff(key: 55), at: 2300))
    _ = state.update(.midi(.noteOn(key: 60, velocity: 80), at: 3110))
    _ = state.update(.midi(.noteOff(key: 60), at: 3360))
    _ = state.update(.midi(.noteOn(key: 64, velocity: 80), at: 3580))
    _ = state.update(.midi(.noteOff(key: 64), at: 4340))
    #expect(state.session.notes.map(\.pitch) == [60, 64])
    #expect(state.session.notes.map(\.onset) == [0, 1].map { QuarterLength($0) })
    #expect(state.session.notes.map(\.duration) == [QuarterLength(1, 2), QuarterLength(3, 2)])
    _ = state.press("u")
    #expect(state.session.notes.map(\.pitch) == [60])
    let stopped = state.press("R")
    #expect(state.recording == nil)
    #expect(stopped.contains(.cancel(.metronome)))
}
