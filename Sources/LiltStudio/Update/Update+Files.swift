import Foundation
import LiltCompose
import LiltMusic

extension StudioState {
    /// Saves the session to `path` (or its own file) as a `.lilt` file.
    mutating func save(to path: String?, thenQuit: Bool = false) -> [StudioEffect] {
        guard var target = path.map(url) ?? file else {
            message = StudioMessage("no file name yet: :w NAME saves as NAME.lilt", isError: true)
            return []
        }
        if target.pathExtension != SessionFile.pathExtension {
            target = target.appendingPathExtension(SessionFile.pathExtension)
        }
        return [.save(session, to: target, revision: history.revision, thenQuit: thenQuit)]
    }

    mutating func saved(_ saved: ComposingSession, to url: URL, revision: Int, thenQuit: Bool) -> [StudioEffect] {
        file = url
        savedRevision = revision
        savedSession = saved
        message = StudioMessage("saved \(url.lastPathComponent) (\(saved.notes.count) notes)")
        let effects: [StudioEffect] = [.cancel(.autosave), .discardAutosave]
        return thenQuit ? effects + quitNow() : effects
    }

    /// Opens a session (`.lilt`) or reads a melody file as the seed part; the old session stays one undo away.
    mutating func open(_ path: String) -> [StudioEffect] {
        [.open(url(path))]
    }

    mutating func opened(_ opened: ComposingSession, file: URL?, name: String) -> [StudioEffect] {
        var effects = replaceSession(opened, file: file, label: "open")
        if file != nil { markSaved() } else { effects += scheduleAutosave() }
        message = StudioMessage("opened \(name): \(session.notes.count) notes")
        return effects
    }

    /// Writes the melody as MIDI, MusicXML, ABC or kern, or renders it to WAV.
    mutating func export(_ path: String) -> [StudioEffect] {
        let target = url(path)
        guard !session.notes.isEmpty else {
            message = StudioMessage("nothing to export yet", isError: true)
            return []
        }
        if target.pathExtension.lowercased() == "wav" {
            guard canRenderWAV else {
                message = StudioMessage("WAV export needs a SoundFont (see lilt doctor)", isError: true)
                return []
            }
            message = StudioMessage("rendering \(target.lastPathComponent)...")
        }
        return [.export(session.melody, to: target, program: session.controls.program,
                        chordProgram: session.controls.chordProgram, tempo: session.controls.tempo)]
    }

    /// At start: an earlier run left this session unsaved; ask whether to restore it.
    mutating func offer(_ recovered: RecoveredSession) -> [StudioEffect] {
        pendingRecovery = recovered
        mode = .confirm(.restoreAutosave(recovered.saved))
        return []
    }

    /// Ends cleanly: live mode stops, sound stops, the autosave is no longer needed.
    mutating func quitNow() -> [StudioEffect] {
        var effects: [StudioEffect] = live != nil ? [.stopLive(keep: false)] : []
        effects += [.player(.panic), .cancel(.autosave), .discardAutosave]
        exitCode = 0
        return effects
    }

    /// A termination signal: live mode hands its notes over first, then unsaved work goes to the autosave
    /// and the studio ends with 128 + the signal.
    mutating func terminate(signal: Int32) -> [StudioEffect] {
        let code = 128 + signal
        if live != nil {
            pendingExit = code
            return stopLive(keep: true)
        }
        return finishTermination(code)
    }

    mutating func finishTermination(_ code: Int32) -> [StudioEffect] {
        pendingExit = nil
        exitCode = code
        var effects: [StudioEffect] = [.cancel(.autosave)]
        if autosaveDelay != nil, isModified { effects.append(.writeAutosave(session, file: file)) }
        return effects + [.player(.panic)]
    }
}
