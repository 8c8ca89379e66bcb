/// Undo and redo for a session: every edit (generation included) is recorded as the whole document
/// before it, so undo restores the melody, cursor, locks, takes and controls exactly.
///
/// A session is small (a few thousand notes at most), so whole snapshots are simpler and safer than
/// inverse operations; the depth is capped.
public struct EditHistory: Sendable {
    /// One step that can be undone: what the document was, and what the edit was called.
    struct Step: Sendable {
        var document: ComposingSession
        var label: String
    }

    private var undoStack: [Step] = []
    private var redoStack: [Step] = []
    /// How many edits are kept.
    public let depth: Int
    /// Counts every change of the document (edits, undos, redos); the studio compares it with the count at
    /// the last save to know whether there is unsaved work.
    public private(set) var revision = 0

    public init(depth: Int = 500) {
        self.depth = max(1, depth)
    }

    public var canUndo: Bool { !undoStack.isEmpty }
    public var canRedo: Bool { !redoStack.isEmpty }
    /// The name of the edit `undo` would take back.
    public var undoLabel: String? { undoStack.last?.label }
    public var redoLabel: String? { redoStack.last?.label }

    /// Applies `change` to `document` as one undoable edit named `label`. Nothing is recorded when the
    /// change leaves the document as it was.
    public mutating func edit(_ document: inout ComposingSession, _ label: String,
                              _ change: (inout ComposingSession) -> Void) {
        let before = document
        change(&document)
        guard document != before else { return }
        undoStack.append(Step(document: before, label: label))
        if undoStack.count > depth { undoStack.removeFirst(undoStack.count - depth) }
        redoStack.removeAll()
        revision += 1
    }

    /// Takes back the last edit; returns its name, or nil when there is nothing to undo.
    @discardableResult
    public mutating func undo(_ document: inout ComposingSession) -> String? {
        guard let step = undoStack.popLast() else { return nil }
        redoStack.append(Step(document: document, label: step.label))
        document = step.document
        revision += 1
        return step.label
    }

    /// Does again the last edit undone; returns its name, or nil when there is nothing to redo.
    @discardableResult
    public mutating func redo(_ document: inout ComposingSession) -> String? {
        guard let step = redoStack.popLast() else { return nil }
        undoStack.append(Step(document: document, label: step.label))
        document = step.document
        revision += 1
        return step.label
    }

    /// Forgets every step (after opening another document).
    public mutating func reset() {
        undoStack.removeAll()
        redoStack.removeAll()
        revision += 1
    }
}
