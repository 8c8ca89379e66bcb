import LiltCompose
import LiltMusic

extension StudioState {
    /// Whether there are edits not yet saved (undoing back to the saved document counts as saved).
    public var isModified: Bool {
        guard history.revision != savedRevision else { return false }
        guard var saved = savedSession else { return history.revision != 0 || !session.notes.isEmpty }
        saved.cursor = session.cursor
        saved.cursorPitch = session.cursorPitch
        return saved != session
    }

    /// The duration of the next entered note, dot included.
    public var noteDuration: QuarterLength { dotted ? entryDuration * QuarterLength(3, 2) : entryDuration }

    /// The selected time range (anchor to cursor, both ends' steps included), if any.
    public var selection: Range<QuarterLength>? {
        guard let anchor = selectionAnchor else { return nil }
        let low = min(anchor, session.cursor), high = max(anchor, session.cursor)
        return low..<(high + Self.step)
    }

    /// Whether a variation is being previewed.
    public var isPreviewing: Bool { !variations.isEmpty && !showingKept }
    public var isLive: Bool { live != nil }
    public var liveNotes: [SessionNote] { live?.notes ?? [] }
    public var isGenerating: Bool { generation.isRunning }
    public var showPredictions: Bool { predictions.isShown }
    public var prediction: CursorPrediction? { predictions.shown }

    /// The session as shown and played: with the live part, or the previewed variation, in place of the
    /// unlocked part.
    public var displayed: ComposingSession {
        if let live {
            var shown = session
            shown.replace(from: live.start, with: live.notes + (live.held.map { [$0] } ?? []))
            shown.replaceChords(from: live.start, with: live.chords)
            return shown
        }
        guard isPreviewing, variations.indices.contains(variationIndex) else { return session }
        var preview = session
        preview.replace(from: variationStart, with: variations[variationIndex])
        if variationChords.indices.contains(variationIndex), !variationChords[variationIndex].isEmpty {
            preview.replaceChords(from: variationStart, with: variationChords[variationIndex])
        }
        return preview
    }

    /// Applies an undoable edit to the session (no effects: `edit(_:_:)` in the update adds those).
    public mutating func applyEdit(_ label: String, _ change: (inout ComposingSession) -> Void) {
        history.edit(&session, label, change)
    }

    /// Marks the session as saved (or freshly opened) now.
    public mutating func markSaved() {
        savedRevision = history.revision
        savedSession = session
    }

    /// The loaded model's own training, as the training pane draws it (nil: its folder has no metrics).
    public var loadedModelHistory: TrainingProgress? {
        guard let model, let history = model.history else { return nil }
        return TrainingProgress(history: history, title: "\(model.name): \(history.settings)",
                         vocabularySize: model.model.vocabulary.count)
    }
}
