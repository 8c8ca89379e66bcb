import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltTerminal

extension StudioApp {
    /// The durations `[` and `]` step through, in quarter notes.
    static let durations = [QuarterLength(1, 4), QuarterLength(1, 2), QuarterLength(1), QuarterLength(2), QuarterLength(4)]

    /// Carries out one command.
    public func perform(_ command: Command) {
        let step = StudioState.step
        switch command {
        // Transport
        case .playPause: playPause()
        case .stop:
            if live != nil {
                stopLive(keep: true)
            } else if !state.variations.isEmpty {
                dropVariations()
                state.message = StudioMessage("variations dropped")
            } else if state.selectionAnchor != nil {
                state.selectionAnchor = nil
            } else {
                player.stop()
            }
        case .toggleFollow:
            state.follow.toggle()
            state.message = StudioMessage("follow " + (state.follow ? "on" : "off"))
        case .tempo(let change):
            setControl(.tempo, ControlSlider.tempo.value(in: state.session.controls) + change)
        case .toggleLoop: toggleLoop()
        case .panic:
            player.panic()
            player.pause()
            state.message = StudioMessage("all sound off")

        // Cursor and view
        case .moveSteps(let count):
            state.session.cursor = max(.zero, state.session.cursor + step * QuarterLength(count))
        case .moveBars(let count):
            let bar = max(0, state.session.bar(at: state.session.cursor) + count)
            state.session.cursor = state.session.barLength * QuarterLength(bar)
        case .movePitch(let count):
            state.session.cursorPitch = min(127, max(0, state.session.cursorPitch + count))
        case .home: state.session.cursor = .zero
        case .end: state.session.cursor = state.session.length
        case .zoom(let direction):
            let levels = [1, 2, 4]
            let index = levels.firstIndex(of: state.zoom) ?? 1
            state.zoom = levels[min(levels.count - 1, max(0, index + direction))]

        // Composing
        case .enterPlayMode:
            state.mode = .play
        case .leaveMode:
            state.mode = .normal
        case .pianoKey(let offset):
            enter(pitch: (state.octave + 1) * 12 + offset)
        case .insertAtCursor:
            if !state.variations.isEmpty { keepVariation() } else { enter(pitch: state.session.cursorPitch) }
        case .rest:
            let duration = state.noteDuration
            edit("rest") { session in
                session.clear(session.cursor..<(session.cursor + duration))
                session.cursor += duration
            }
        case .deleteAtCursor:
            if let selection = state.selection {
                edit("delete selection") { $0.clear(selection) }
                state.selectionAnchor = nil
            } else if let index = state.session.noteIndex(at: state.session.cursor) {
                edit("delete note") { $0.remove(at: index) }
            }
        case .deleteBackward:
            if let index = state.session.notes.lastIndex(where: { $0.onset < state.session.cursor }) {
                edit("delete note") { session in
                    session.cursor = session.notes[index].onset
                    session.remove(at: index)
                }
            }
        case .toggleSelection:
            state.selectionAnchor = state.selectionAnchor == nil ? state.session.cursor : nil
        case .transpose(let semitones):
            transpose(by: semitones)
        case .duration(let digit):
            if let sixteenths = Command.sixteenths(forDigit: digit) {
                state.entryDuration = QuarterLength(sixteenths, 4)
            }
        case .durationStep(let direction):
            let index = Self.durations.firstIndex(of: state.entryDuration) ?? 2
            state.entryDuration = Self.durations[min(Self.durations.count - 1, max(0, index + direction))]
        case .toggleDot:
            state.dotted.toggle()
        case .octave(let change):
            state.octave = min(8, max(0, state.octave + change))
            state.message = StudioMessage("piano octave \(state.octave): z is C\(state.octave)")
        case .toggleLock:
            let bar = state.session.bar(at: state.session.cursor)
            var locked = false
            edit("lock bar") { locked = $0.toggleLock(bar: bar) }
            state.message = StudioMessage("bar \(bar + 1) " + (locked ? "locked: regeneration leaves it alone" : "unlocked"))
        case .undo:
            if let label = state.undo() {
                afterChange()
                state.message = StudioMessage("undid \(label)")
            } else {
                state.message = StudioMessage("nothing to undo")
            }
        case .redo:
            if let label = state.redo() {
                afterChange()
                state.message = StudioMessage("redid \(label)")
            } else {
                state.message = StudioMessage("nothing to redo")
            }

        // Controls
        case .focusSlider(let direction):
            let all = ControlSlider.allCases
            state.focusedSlider = all[(state.focusedSlider.rawValue + direction + all.count) % all.count]
        case .adjustSlider(let direction):
            let slider = state.focusedSlider
            setControl(slider, slider.value(in: state.session.controls) + Double(direction) * slider.step)

        // With the model
        case .continueFromCursor: generate(.continuation)
        case .variations: generate(.variations)
        case .browse(let direction): browse(direction)
        case .compare: compare()
        case .toggleLive: toggleLive()
        case .togglePredictions: togglePredictions()

        // Training
        case .trainStartPause: toggleTraining()
        case .previewSample: previewSample()
        case .toggleTraining:
            state.showTraining.toggle()
        case .toggleLogScale:
            state.lossLogScale.toggle()
            state.message = StudioMessage("loss graph: " + (state.lossLogScale ? "log scale" : "linear scale"))

        // App
        case .save: save(to: nil)
        case .commandLine: state.mode = .command("")
        case .toggleHelp:
            state.showHelp.toggle()
            state.helpScroll = 0
        case .quit:
            if state.isModified {
                state.mode = .confirm(.quitUnsaved)
            } else {
                quitNow()
            }
        case .forceQuit: quitNow()
        }
    }

    func quitNow() {
        stopLive(keep: true)
        player.panic()
        environment.autosave?.discard()
        setExit(0)
    }

    // MARK: Editing

    /// An undoable edit; the player, autosave and view follow.
    func edit(_ label: String, _ change: (inout ComposingSession) -> Void) {
        state.edit(label, change)
        afterChange()
    }

    /// After the document changed: reload a playing melody, schedule the autosave. In live mode the live
    /// player is the one playing; the melody's player stays silent.
    func afterChange() {
        if live == nil, state.playback.isPlaying || player.state == .playing {
            let position = player.position
            reloadPlayer()
            player.seek(to: position)
            player.play()
        }
        scheduleAutosave()
    }

    private func enter(pitch: Int) {
        guard (0...127).contains(pitch) else { return }
        let duration = state.noteDuration
        edit("note \(Pitch(midi: pitch).name)") { session in
            session.insert(SessionNote(pitch: pitch, onset: session.cursor, duration: duration, origin: .edited))
            session.cursor += duration
            session.cursorPitch = pitch
        }
        audition(on: pitch, seconds: min(1.0, duration.doubleValue * 60 / state.session.controls.tempo))
    }

    private func transpose(by semitones: Int) {
        let range: Range<QuarterLength>
        if let selection = state.selection {
            range = selection
        } else if let index = state.session.noteIndex(at: state.session.cursor) {
            let note = state.session.notes[index]
            range = note.onset..<note.end
        } else {
            state.message = StudioMessage("no note at the cursor to transpose (v selects a range)")
            return
        }
        edit("transpose") { session in
            session.transpose(range, by: semitones)
            session.cursorPitch = min(127, max(0, session.cursorPitch + semitones))
        }
    }

    /// Sets a control as an undoable edit and applies it to playback at once.
    func setControl(_ slider: ControlSlider, _ value: Double) {
        edit(slider.name) { slider.set(value, in: &$0.controls) }
        let controls = state.session.controls
        switch slider {
        // In live mode the live player is the one sounding.
        case .tempo: try? (live?.player ?? player).setTempo(controls.tempo)
        case .program:
            if let program = GMProgram(number: controls.program - 1) { try? (live?.player ?? player).setProgram(program) }
        case .temperature, .restBias, .holdBias:
            if let live { live.update(generationControls(variations: 1)) } else { regenerate() }
        default: break
        }
        state.message = StudioMessage("\(slider.name) \(slider.label(in: controls))")
    }

    /// Replaces the whole session (open, restore, new) as one undoable edit.
    func replaceSession(_ session: ComposingSession, file: URL?, label: String) {
        player.stop()
        edit(label) { $0 = session }
        state.file = file
        state.selectionAnchor = nil
        state.scrollStep = 0
        state.topPitch = max(session.cursorPitch + 8, 72)
        try? player.setTempo(session.controls.tempo)
        if let program = GMProgram(number: session.controls.program - 1) { try? player.setProgram(program) }
    }

    // MARK: Playback

    func reloadPlayer() {
        player.load(state.displayed.melody, tempo: state.session.controls.tempo)
        if let loop = state.playback.loop { try? player.setLoop(loop) }
        loadedRevision = state.history.revision
    }

    private func playPause() {
        if live != nil {
            stopLive(keep: true)
            return
        }
        let status = player.status
        if status.state == .playing {
            player.pause()
            return
        }
        guard !state.session.notes.isEmpty else {
            state.message = StudioMessage("nothing to play yet: i enters play mode, where the keyboard rows are a piano")
            return
        }
        let resume = status.state == .paused && loadedRevision == state.history.revision
        if loadedRevision != state.history.revision { reloadPlayer() }
        if !resume { player.seek(to: state.session.cursor.doubleValue) }
        player.play()
    }

    private func toggleLoop() {
        if player.status.loop != nil {
            try? player.setLoop(nil)
            state.message = StudioMessage("loop off")
            return
        }
        let range = state.selection ?? (.zero..<state.session.length)
        guard range.upperBound > range.lowerBound else {
            state.message = StudioMessage("nothing to loop yet")
            return
        }
        if loadedRevision != state.history.revision { reloadPlayer() }
        try? player.setLoop(range.lowerBound.doubleValue..<range.upperBound.doubleValue)
        state.message = StudioMessage("looping bars \(state.session.bar(at: range.lowerBound) + 1)-\(state.session.bar(at: range.upperBound - StudioState.step) + 1)")
    }

    /// Sounds `key` now (a synth output only) and releases it after `seconds`.
    func audition(on key: Int, seconds: Double) {
        guard let fluid = environment.output as? FluidSynthOutput, fluid.isAudible else { return }
        fluid.synth.noteOn(key, velocity: 90)
        scheduleRelease(key: key, seconds: seconds)
    }

    func audition(off key: Int) {
        guard let fluid = environment.output as? FluidSynthOutput else { return }
        fluid.synth.noteOff(key)
    }
}
