import LiltCompose
import LiltMusic
import LiltTerminal

extension StudioState {
    /// A key: to the help overlay, the `:` line, a question, or the key map.
    mutating func handle(_ key: LiltTerminal.Key) -> [StudioEffect] {
        if showHelp {
            switch key {
            case .character("?"), .escape, .character("q"): showHelp = false
            case .character("j"), .down, .pageDown: helpScroll += 5
            case .character("k"), .up, .pageUp: helpScroll = max(0, helpScroll - 5)
            default: break
            }
            return []
        }
        if StudioLayout(size: screen).isTooSmall {
            return key == .character("q") || key == .control("c") ? perform(.quit) : []
        }
        switch mode {
        case .command(let text):
            return commandLine(key, text: text)
        case .confirm(let question):
            return answer(question, key: key)
        case .normal, .play:
            message = nil
            if let command = keyMap.command(for: key, in: mode) { return perform(command) }
            if mode == .play, case .character(let c) = key {
                message = StudioMessage("\(c) is not a piano key (Esc leaves play mode, ? shows the keys)")
            } else if case .character(let c) = key {
                message = StudioMessage("\(c): no such key (? shows the keys)")
            }
            return []
        }
    }

    /// A click in the roll moves the cursor there; the wheel moves the cursor's pitch.
    mutating func handle(_ mouse: MouseEvent) -> [StudioEffect] {
        let grid = StudioLayout(size: screen, showsTraining: showsSidePane).grid
        switch mouse.action {
        case .press where grid.contains(x: mouse.x, y: mouse.y):
            let step = scrollStep + (mouse.x - grid.x) / max(1, zoom)
            session.cursor = Self.step * QuarterLength(step)
            session.cursorPitch = min(127, max(0, topPitch - (mouse.y - grid.y)))
            return []
        case .scrollUp: return perform(.movePitch(3))
        case .scrollDown: return perform(.movePitch(-3))
        default: return []
        }
    }

    private mutating func commandLine(_ key: LiltTerminal.Key, text: String) -> [StudioEffect] {
        switch key {
        case .escape: mode = .normal
        case .enter:
            mode = .normal
            return run(line: text)
        case .backspace: mode = text.isEmpty ? .normal : .command(String(text.dropLast()))
        case .character(let c): mode = .command(text + String(c))
        case .tab: mode = .command(text + " ")
        default: break
        }
        return []
    }

    private mutating func answer(_ question: Question, key: LiltTerminal.Key) -> [StudioEffect] {
        let yes = key == .character("y") || key == .character("Y")
        let no = key == .character("n") || key == .character("N") || key == .escape
        guard yes || no else { return [] }
        mode = .normal
        switch question {
        case .quitUnsaved:
            return yes ? quitNow() : []
        case .restoreAutosave:
            defer { pendingRecovery = nil }
            guard yes, let recovered = pendingRecovery else { return [.discardAutosave] }
            var effects = replaceSession(recovered.session, file: recovered.file, label: "restore")
            savedRevision = -1
            savedSession = nil
            message = StudioMessage("restored the unsaved session; :w saves it")
            effects += scheduleAutosave()
            return effects
        }
    }

    /// Carries out one command of the key map, by area.
    mutating func perform(_ command: Command) -> [StudioEffect] {
        switch command {
        case .playPause: return playPause()
        case .stop: return recording != nil ? stopRecording() : stop()
        case .toggleFollow:
            follow.toggle()
            message = StudioMessage("follow " + (follow ? "on" : "off"))
            return []
        case .tempo(let change): return setControl(.tempo, ControlSlider.tempo.value(in: session.controls) + change)
        case .toggleLoop: return toggleLoop()
        case .panic:
            message = StudioMessage("all sound off")
            return [.player(.panic), .player(.pause)]

        case .moveSteps, .moveBars, .movePitch, .home, .end, .zoom:
            move(command)
            return []

        case .enterPlayMode:
            mode = .play
            return []
        case .toggleRecording: return toggleRecording()
        case .leaveMode:
            if recording != nil { return stopRecording() }
            mode = .normal
            return []
        case .pianoKey(let offset): return enter(pitch: (octave + 1) * 12 + offset)
        case .insertAtCursor: return variations.isEmpty ? enter(pitch: session.cursorPitch) : keepVariation()
        case .rest: return enterRest()
        case .deleteAtCursor: return deleteAtCursor()
        case .deleteBackward: return deleteBackward()
        case .toggleSelection:
            selectionAnchor = selectionAnchor == nil ? session.cursor : nil
            return []
        case .transpose(let semitones): return transpose(by: semitones)
        case .duration, .durationStep, .toggleDot, .octave:
            chooseEntry(command)
            return []
        case .toggleLock: return toggleLock()
        case .undo: return undo()
        case .redo: return redo()

        case .focusSlider(let direction):
            let all = ControlSlider.allCases
            focusedSlider = all[(focusedSlider.rawValue + direction + all.count) % all.count]
            return []
        case .adjustSlider(let direction):
            return setControl(focusedSlider, focusedSlider.value(in: session.controls) + Double(direction) * focusedSlider.step)

        case .continueFromCursor: return generate(.continuation)
        case .variations: return generate(.variations)
        case .browse(let direction): return browse(direction)
        case .compare: return compare()
        case .toggleLive: return live != nil ? stopLive(keep: true) : startLive()
        case .togglePredictions: return togglePredictions()

        case .trainStartPause: return toggleTraining()
        case .previewSample: return previewSample()
        case .toggleTraining:
            showTraining.toggle()
            showStatistics = false
            return []
        case .toggleStatistics: return toggleStatistics()
        case .toggleLogScale:
            lossLogScale.toggle()
            message = StudioMessage("loss graph: " + (lossLogScale ? "log scale" : "linear scale"))
            return []

        case .save: return save(to: nil)
        case .commandLine:
            mode = .command("")
            return []
        case .chordEntry:
            mode = .command("chord ")
            return []
        case .deleteChord: return deleteChord()
        case .harmonize: return harmonize()
        case .toggleHelp:
            showHelp.toggle()
            helpScroll = 0
            return []
        case .quit:
            if isModified {
                mode = .confirm(.quitUnsaved)
                return []
            }
            return quitNow()
        case .forceQuit: return quitNow()
        }
    }
}
