import LiltCompose
import LiltMusic

extension StudioState {
    /// `m`: live mode from the cursor: the notes before it are the seed, the player starts a bar earlier
    /// and the model writes on, one beat at a time, into the same player.
    mutating func startLive() -> [StudioEffect] {
        guard let model else {
            message = StudioMessage("live mode needs a model (lilt studio --model FILE, or t to train one)", isError: true)
            return []
        }
        var effects = dropVariations()
        let start = session.cursor
        live = LivePart(start: start)
        loadedRevision = nil
        let request = LiveRequest(model: model, seed: session.seedMelody(before: start), start: start,
                                  controls: generationControls(variations: 1), tempo: session.controls.tempo,
                                  leadIn: max(0, start.doubleValue - session.barLength.doubleValue))
        effects.append(.startLive(request))
        message = StudioMessage("live: the model plays on from bar \(session.bar(at: start) + 1); "
                                + "sliders change it from the next beat; m or Space stops and keeps it")
        return effects
    }

    /// Ends live mode; its notes come back with `.liveStopped`, where `keep` decides whether they go into
    /// the melody.
    mutating func stopLive(keep: Bool) -> [StudioEffect] {
        guard var part = live, !part.isStopping else { return [] }
        part.isStopping = true
        live = part
        return [.stopLive(keep: keep)]
    }

    /// Live mode has stopped and handed over every note: kept as one undoable take (or not); a quit
    /// waiting for it goes on.
    mutating func liveStopped(keep: Bool, provenance: String) -> [StudioEffect] {
        guard let part = live else { return [] }
        live = nil
        // Nothing plays now (a stale "playing" would start the melody on the next edit).
        playback = PlaybackSnapshot()
        var effects: [StudioEffect] = []
        let notes = part.notes + (part.held.map { [$0] } ?? [])
        if keep, !notes.isEmpty {
            effects += edit("live take") { session in
                session.replace(from: part.start, with: notes)
                if !part.chords.isEmpty { session.replaceChords(from: part.start, with: part.chords) }
                session.takes.append(SessionTake(name: "live \(session.takes.count + 1)", notes: notes, provenance: provenance))
            }
            message = StudioMessage("live take kept: \(notes.count) notes (u takes it back)")
        }
        if let code = pendingExit { effects += finishTermination(code) }
        return effects
    }
}
