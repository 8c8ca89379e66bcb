import LiltAudio
import LiltCompose
import LiltMusic

extension StudioState {
    /// The player loads the melody as shown now (with a previewed variation in place), unless it has it.
    mutating func loadPlayerIfStale() -> [StudioEffect] {
        guard loadedRevision != history.revision else { return [] }
        loadedRevision = history.revision
        return [.player(.load(displayed.melody, tempo: session.controls.tempo))]
    }

    /// Space: plays from the cursor, pauses, or resumes where it paused; in live mode, stops and keeps.
    mutating func playPause() -> [StudioEffect] {
        if live != nil { return stopLive(keep: true) }
        if playback.isPlaying { return [.player(.pause)] }
        guard !session.notes.isEmpty else {
            message = StudioMessage("nothing to play yet: i enters play mode, where the keyboard rows are a piano")
            return []
        }
        let resume = playback.isPaused && loadedRevision == history.revision
        var effects = loadPlayerIfStale()
        if !resume { effects.append(.player(.seek(session.cursor.doubleValue))) }
        effects.append(.player(.play))
        return effects
    }

    /// Esc: stops live mode (keeping its notes), else drops the variations, else the selection, else
    /// stops playback.
    mutating func stop() -> [StudioEffect] {
        if live != nil { return stopLive(keep: true) }
        if !variations.isEmpty {
            message = StudioMessage("variations dropped")
            return dropVariations()
        }
        if selectionAnchor != nil {
            selectionAnchor = nil
            return []
        }
        return [.player(.stop)]
    }

    /// `o`: loops the selection (or everything), or stops looping.
    mutating func toggleLoop() -> [StudioEffect] {
        if playback.loop != nil {
            message = StudioMessage("loop off")
            return [.player(.loop(nil))]
        }
        let range = selection ?? (.zero..<session.length)
        guard range.upperBound > range.lowerBound else {
            message = StudioMessage("nothing to loop yet")
            return []
        }
        message = StudioMessage("looping bars \(session.bar(at: range.lowerBound) + 1)-\(session.bar(at: range.upperBound - Self.step) + 1)")
        return loadPlayerIfStale() + [.player(.loop(range.lowerBound.doubleValue..<range.upperBound.doubleValue))]
    }

    /// Sounds `key` now and releases it after `seconds`.
    func audition(_ key: Int, seconds: Double) -> [StudioEffect] {
        [.sound(.noteOn(key: key, velocity: 90)), .schedule(.release(key: key), seconds: seconds)]
    }

    /// The melody shown changed without an edit (a variation browsed, dropped or kept): the player
    /// follows at once if it plays.
    mutating func previewChanged() -> [StudioEffect] {
        loadedRevision = nil
        guard playback.isPlaying, live == nil else { return [] }
        loadedRevision = history.revision
        return [.player(.replace(displayed.melody, tempo: session.controls.tempo))]
    }
}
