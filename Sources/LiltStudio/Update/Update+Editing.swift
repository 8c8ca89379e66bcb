import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

extension StudioState {
    /// The durations `[` and `]` step through, in quarter notes.
    static let durations = [QuarterLength(1, 4), QuarterLength(1, 2), QuarterLength(1), QuarterLength(2), QuarterLength(4)]

    /// An undoable edit; the player (if it plays the melody) and the autosave follow.
    mutating func edit(_ label: String, _ change: (inout ComposingSession) -> Void) -> [StudioEffect] {
        applyEdit(label, change)
        return afterChange()
    }

    /// After the document changed: a melody playing is replaced where it plays (in live mode the live
    /// part is what plays, so the player is left alone); the autosave is due after a quiet moment.
    mutating func afterChange() -> [StudioEffect] {
        var effects: [StudioEffect] = []
        if live == nil, playback.isPlaying {
            effects.append(.player(.replace(displayed.melody, tempo: session.controls.tempo)))
            loadedRevision = history.revision
        }
        return effects + scheduleAutosave()
    }

    mutating func scheduleAutosave() -> [StudioEffect] {
        autosaveDelay.map { [.schedule(.autosave, seconds: $0)] } ?? []
    }

    mutating func move(_ command: Command) {
        switch command {
        case .moveSteps(let count):
            session.cursor = max(.zero, session.cursor + Self.step * QuarterLength(count))
        case .moveBars(let count):
            let bar = max(0, session.bar(at: session.cursor) + count)
            session.cursor = session.barLength * QuarterLength(bar)
        case .movePitch(let count):
            session.cursorPitch = min(127, max(0, session.cursorPitch + count))
        case .home: session.cursor = .zero
        case .end: session.cursor = session.length
        case .zoom(let direction):
            let levels = [1, 2, 4]
            let index = levels.firstIndex(of: zoom) ?? 1
            zoom = levels[min(levels.count - 1, max(0, index + direction))]
        default: break
        }
    }

    /// The duration and octave notes are entered with.
    mutating func chooseEntry(_ command: Command) {
        switch command {
        case .duration(let digit):
            if let sixteenths = Command.sixteenths(forDigit: digit) { entryDuration = QuarterLength(sixteenths, 4) }
        case .durationStep(let direction):
            let index = Self.durations.firstIndex(of: entryDuration) ?? 2
            entryDuration = Self.durations[min(Self.durations.count - 1, max(0, index + direction))]
        case .toggleDot:
            dotted.toggle()
        case .octave(let change):
            octave = min(8, max(0, octave + change))
            message = StudioMessage("piano octave \(octave): z is C\(octave)")
        default: break
        }
    }

    /// Enters a note at the cursor (moving on past it) and sounds it.
    mutating func enter(pitch: Int, audition: Bool = true) -> [StudioEffect] {
        guard (0...127).contains(pitch) else { return [] }
        let duration = noteDuration
        var effects = edit("note \(Pitch(midi: pitch).name)") { session in
            session.insert(SessionNote(pitch: pitch, onset: session.cursor, duration: duration, origin: .edited))
            session.cursor += duration
            session.cursorPitch = pitch
        }
        if audition { effects += self.audition(pitch, seconds: min(1.0, duration.doubleValue * 60 / session.controls.tempo)) }
        return effects
    }

    mutating func enterRest() -> [StudioEffect] {
        let duration = noteDuration
        return edit("rest") { session in
            session.clear(session.cursor..<(session.cursor + duration))
            session.cursor += duration
        }
    }

    mutating func deleteAtCursor() -> [StudioEffect] {
        if let selection {
            selectionAnchor = nil
            return edit("delete selection") { $0.clear(selection) }
        }
        guard let index = session.noteIndex(at: session.cursor) else { return [] }
        return edit("delete note") { $0.remove(at: index) }
    }

    mutating func deleteBackward() -> [StudioEffect] {
        guard let index = session.notes.lastIndex(where: { $0.onset < session.cursor }) else { return [] }
        return edit("delete note") { session in
            session.cursor = session.notes[index].onset
            session.remove(at: index)
        }
    }

    /// Transposes the selection, or the note at the cursor.
    mutating func transpose(by semitones: Int) -> [StudioEffect] {
        let range: Range<QuarterLength>
        if let selection {
            range = selection
        } else if let index = session.noteIndex(at: session.cursor) {
            let note = session.notes[index]
            range = note.onset..<note.end
        } else {
            message = StudioMessage("no note at the cursor to transpose (v selects a range)")
            return []
        }
        // A selection's chords move with its notes; one note leaves the chord under it alone.
        let withChords = selection != nil
        return edit("transpose") { session in
            session.transpose(range, by: semitones, chords: withChords)
            session.cursorPitch = min(127, max(0, session.cursorPitch + semitones))
        }
    }

    mutating func toggleLock() -> [StudioEffect] {
        let bar = session.bar(at: session.cursor)
        var locked = false
        let effects = edit("lock bar") { locked = $0.toggleLock(bar: bar) }
        message = StudioMessage("bar \(bar + 1) " + (locked ? "locked: regeneration leaves it alone" : "unlocked"))
        return effects
    }

    mutating func undo() -> [StudioEffect] {
        stepped(history.undo(&session), done: "undid", nothing: "nothing to undo")
    }

    mutating func redo() -> [StudioEffect] {
        stepped(history.redo(&session), done: "redid", nothing: "nothing to redo")
    }

    /// After an undo or redo (`label`: the edit it took back or did again, nil: there was none).
    private mutating func stepped(_ label: String?, done: String, nothing: String) -> [StudioEffect] {
        guard let label else {
            message = StudioMessage(nothing)
            return []
        }
        message = StudioMessage("\(done) \(label)")
        return afterChange() + playerFollowsControls()
    }

    /// The player's tempo and instrument after the controls changed by undo, redo or a new session.
    func playerFollowsControls() -> [StudioEffect] {
        [.player(.tempo(session.controls.tempo)), .player(.program(session.controls.program)),
         .player(.chordProgram(session.controls.chordProgram)), .player(.volume(session.controls.volume))]
    }

    /// Sets a slider as an undoable edit and applies it at once: to the player, to live mode, or by
    /// writing the last generation again.
    mutating func setControl(_ slider: ControlSlider, _ value: Double, snapped: Bool = true) -> [StudioEffect] {
        var effects = edit(slider.name) { slider.set(value, in: &$0.controls, snapped: snapped) }
        let controls = session.controls
        switch slider {
        case .tempo: effects.append(.player(.tempo(controls.tempo)))
        case .program: effects.append(.player(.program(controls.program)))
        case .volume: effects.append(.player(.volume(controls.volume)))
        case .temperature, .restBias, .holdBias:
            effects += live != nil ? [.updateLive(generationControls(variations: 1))] : regenerate()
        case .bars, .variations: break
        }
        message = StudioMessage("\(slider.name) \(slider.label(in: controls))")
        return effects
    }

    /// Replaces the whole session (open, restore, new) as one undoable edit.
    mutating func replaceSession(_ replacement: ComposingSession, file: URL?, label: String) -> [StudioEffect] {
        var effects: [StudioEffect] = [.player(.stop)]
        applyEdit(label) { $0 = replacement }
        self.file = file
        selectionAnchor = nil
        scrollStep = 0
        topPitch = max(replacement.cursorPitch + 8, 72)
        loadedRevision = nil
        effects += playerFollowsControls()
        return effects
    }
}
