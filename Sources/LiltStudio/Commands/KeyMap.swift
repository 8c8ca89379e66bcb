import LiltTerminal

/// Which modes a binding works in.
public struct ModeSet: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let normal = ModeSet(rawValue: 1)
    public static let play = ModeSet(rawValue: 2)
    public static let both: ModeSet = [.normal, .play]
}

/// One key binding: the key, where it works, what it does, and how the help overlay describes it.
public struct KeyBinding: Sendable, Equatable {
    public var key: Key
    public var modes: ModeSet
    public var command: Command
    /// The help overlay's section.
    public var group: String
    /// What the key does, as the help overlay says it; bindings sharing a summary share a help line.
    public var summary: String

    public init(_ key: Key, _ modes: ModeSet, _ command: Command, _ group: String, _ summary: String) {
        self.key = key
        self.modes = modes
        self.command = command
        self.group = group
        self.summary = summary
    }

    /// The key as the help overlay writes it.
    public var label: String { key.description }
}

/// The studio's keys: the one table both the event loop and the help overlay read.
public struct KeyMap: Sendable {
    public var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The command `key` gives in `mode`, if any (the first binding wins).
    public func command(for key: Key, in mode: StudioMode) -> Command? {
        let set: ModeSet
        switch mode {
        case .normal: set = .normal
        case .play: set = .play
        case .command, .confirm: return nil
        }
        return bindings.first { $0.key == key && $0.modes.contains(set) }?.command
    }

    /// The lower and upper keyboard rows of play mode: semitones above the octave's C.
    public static let pianoLower: [Character] = ["z", "s", "x", "d", "c", "v", "g", "b", "h", "n", "j", "m"]
    public static let pianoUpper: [Character] = ["q", "2", "w", "3", "e", "r", "5", "t", "6", "y", "7", "u"]

    /// The default keys.
    public static let standard: KeyMap = {
        var list: [KeyBinding] = []
        func add(_ key: Key, _ modes: ModeSet, _ command: Command, _ group: String, _ summary: String) {
            list.append(KeyBinding(key, modes, command, group, summary))
        }
        func char(_ c: Character) -> Key { .character(c) }
        let transport = "Transport", move = "Move and view", edit = "Compose", controls = "Controls",
            file = "File and app", piano = "Play mode (i)", training = "Training",
            model = "With the model", chords = "Chords"

        add(char(" "), .both, .playPause, transport, "play / pause from the cursor")
        add(.escape, .normal, .stop, transport, "stop (playhead to the start)")
        add(char("f"), .normal, .toggleFollow, transport, "follow the playhead on/off")
        add(char("+"), .both, .tempo(4), transport, "tempo up / down 4 bpm")
        add(char("="), .both, .tempo(4), transport, "tempo up / down 4 bpm")
        add(char("-"), .both, .tempo(-4), transport, "tempo up / down 4 bpm")
        add(char("o"), .normal, .toggleLoop, transport, "loop selection (or all) on/off")
        add(char("!"), .both, .panic, transport, "panic: all sound off")

        add(char("h"), .normal, .moveSteps(-1), move, "cursor left / right one step")
        add(.left, .both, .moveSteps(-1), move, "cursor left / right one step")
        add(char("l"), .normal, .moveSteps(1), move, "cursor left / right one step")
        add(.right, .both, .moveSteps(1), move, "cursor left / right one step")
        add(char("k"), .normal, .movePitch(1), move, "cursor pitch up / down")
        add(.up, .both, .movePitch(1), move, "cursor pitch up / down")
        add(char("j"), .normal, .movePitch(-1), move, "cursor pitch up / down")
        add(.down, .both, .movePitch(-1), move, "cursor pitch up / down")
        add(char("B"), .normal, .moveBars(-1), move, "cursor one bar back / on")
        add(char("W"), .normal, .moveBars(1), move, "cursor one bar back / on")
        add(.pageUp, .both, .moveBars(-1), move, "cursor one bar back / on")
        add(.pageDown, .both, .moveBars(1), move, "cursor one bar back / on")
        add(.home, .both, .home, move, "cursor to the start / the end")
        add(.end, .both, .end, move, "cursor to the start / the end")
        add(char("z"), .normal, .zoom(1), move, "zoom in / out")
        add(char("Z"), .normal, .zoom(-1), move, "zoom in / out")

        add(char("i"), .normal, .enterPlayMode, edit, "play mode: keyboard is a piano")
        add(char("R"), .normal, .toggleRecording, edit, "record MIDI after a count-in")
        add(.enter, .normal, .insertAtCursor, edit, "enter a note at cursor pitch")
        add(char("0"), .both, .rest, edit, "enter a rest")
        add(char("x"), .normal, .deleteAtCursor, edit, "delete note (or selection)")
        add(.delete, .both, .deleteAtCursor, edit, "delete note (or selection)")
        add(.backspace, .both, .deleteBackward, edit, "delete the note before cursor")
        add(char("v"), .normal, .toggleSelection, edit, "start / end a selection")
        add(char(")"), .normal, .transpose(1), edit, "transpose up / down a semitone")
        add(char("("), .normal, .transpose(-1), edit, "transpose up / down a semitone")
        for digit in 3...7 {
            add(char(Character(String(digit))), .normal, .duration(digit), edit,
                "note length 1/16 1/8 1/4 1/2 1")
        }
        add(char("["), .both, .durationStep(-1), edit, "shorter / longer duration")
        add(char("]"), .both, .durationStep(1), edit, "shorter / longer duration")
        add(char("."), .both, .toggleDot, edit, "dotted duration on/off")
        add(char("<"), .both, .octave(-1), edit, "piano octave down / up")
        add(char(">"), .both, .octave(1), edit, "piano octave down / up")
        add(char("b"), .normal, .toggleLock, edit, "lock / unlock the bar")
        add(char("u"), .normal, .undo, edit, "undo")
        add(.control("z"), .both, .undo, edit, "undo")
        add(.control("r"), .both, .redo, edit, "redo")
        add(.control("y"), .both, .redo, edit, "redo")

        add(.tab, .normal, .focusSlider(1), controls, "next / previous slider")
        add(.backTab, .normal, .focusSlider(-1), controls, "next / previous slider")
        add(char("}"), .normal, .adjustSlider(1), controls, "slider up / down")
        add(char("{"), .normal, .adjustSlider(-1), controls, "slider up / down")

        add(char("c"), .normal, .continueFromCursor, model, "continue from the cursor")
        add(char("g"), .normal, .variations, model, "variations from the cursor")
        add(char("J"), .normal, .browse(1), model, "next / previous variation")
        add(char("K"), .normal, .browse(-1), model, "next / previous variation")
        add(char("a"), .normal, .compare, model, "A/B: variation or kept melody")
        add(char("m"), .normal, .toggleLive, model, "live mode: endless, on/off")
        add(char("p"), .normal, .togglePredictions, model, "the model's next-step odds")
        add(.enter, .normal, .insertAtCursor, model, "keep the variation (browsing)")

        add(char("C"), .normal, .chordEntry, chords, "a chord at the cursor (:chord)")
        add(char("X"), .normal, .deleteChord, chords, "delete chord (or selection's)")
        add(char("H"), .normal, .harmonize, chords, "harmonize the unlocked bars")

        add(char("t"), .normal, .trainStartPause, training, "train: start / pause / resume")
        add(char("S"), .normal, .previewSample, training, "preview the epoch sample")
        add(char("T"), .normal, .toggleTraining, training, "training pane on/off")
        add(char("#"), .normal, .toggleLogScale, training, "loss graph: log / linear scale")
        add(char("s"), .normal, .toggleStatistics, training, "statistics: take vs corpus")

        add(.control("s"), .both, .save, file, "save the session")
        add(char(":"), .normal, .commandLine, file, "command line (:help)")
        add(char("?"), .normal, .toggleHelp, file, "this help")
        add(char("q"), .normal, .quit, file, "quit (asks when unsaved)")
        add(.control("c"), .both, .quit, file, "quit (asks when unsaved)")

        for (offset, key) in pianoLower.enumerated() {
            add(char(key), .play, .pianoKey(offset), piano, "piano: octave from C")
        }
        for (offset, key) in pianoUpper.enumerated() {
            add(char(key), .play, .pianoKey(12 + offset), piano, "piano: octave above")
        }
        add(.escape, .play, .leaveMode, piano, "back to normal mode")
        return KeyMap(bindings: list)
    }()

    /// The help overlay's lines: per group, the keys of each summary joined.
    public var helpSections: [(group: String, lines: [(keys: String, summary: String)])] {
        var groups: [String] = []
        var lines: [String: [(keys: [String], summary: String)]] = [:]
        for binding in bindings {
            if lines[binding.group] == nil {
                groups.append(binding.group)
                lines[binding.group] = []
            }
            if let index = lines[binding.group]!.firstIndex(where: { $0.summary == binding.summary }) {
                if !lines[binding.group]![index].keys.contains(binding.label) {
                    lines[binding.group]![index].keys.append(binding.label)
                }
            } else {
                lines[binding.group]!.append((keys: [binding.label], summary: binding.summary))
            }
        }
        return groups.map { group in
            (group, lines[group]!.map { (keys: $0.keys.joined(separator: " "), summary: $0.summary) })
        }
    }
}
