/// Something the user asked the studio to do: what a key or a `:` command turns into.
public enum Command: Equatable, Sendable {
    // Transport
    case playPause, stop, toggleFollow, tempo(Double), toggleLoop, panic
    // Cursor and view
    case moveSteps(Int), moveBars(Int), movePitch(Int), home, end, zoom(Int)
    // Composing
    case enterPlayMode, leaveMode, pianoKey(Int), rest, insertAtCursor, deleteAtCursor, deleteBackward
    case toggleSelection, transpose(Int), duration(Int), durationStep(Int), toggleDot, octave(Int), toggleLock
    case undo, redo, toggleRecording
    // Chords
    case chordEntry, deleteChord, harmonize
    // Controls
    case focusSlider(Int), adjustSlider(Int)
    // With the model
    case continueFromCursor, variations, browse(Int), compare, toggleLive, togglePredictions
    // Training
    case toggleTraining, toggleLogScale, trainStartPause, previewSample, toggleStatistics
    // App
    case save, commandLine, quit, forceQuit, toggleHelp
}

extension Command {
    /// Durations the digit keys give, in sixteenths: 3 sixteenth, 4 eighth, 5 quarter, 6 half, 7 whole.
    static func sixteenths(forDigit digit: Int) -> Int? {
        switch digit {
        case 3: 1
        case 4: 2
        case 5: 4
        case 6: 8
        case 7: 16
        default: nil
        }
    }
}
