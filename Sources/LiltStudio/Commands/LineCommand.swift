import Foundation
import LiltCompose
import LiltMusic

/// A command typed on the `:` line.
public enum LineCommand: Equatable, Sendable {
    case write(String?)
    case writeQuit
    case quit
    case forceQuit
    case open(String)
    case export(String)
    case tempo(Double)
    case program(String)
    case chordProgram(String)
    case transpose(Int)
    case octave(Int)
    case meter(Int, Int)
    case title(String)
    case new
    case help
    case train(TrainRequest)
    case corpora
    /// `:midi` lists the MIDI sources; with an argument it connects one (a number, a name, `all`) or `off`.
    case midi(String)
    /// Call and response on or off.
    case respond
    /// A chord at the cursor (`G7`) or a chart from the cursor's bar (`| D | G A7 |`).
    case chord(String)
    case harmonize(ChordChanges)

    /// The help overlay's lines: usage and summary of each command, in the table's order.
    public static var summaries: [(String, String)] { table.flatMap(\.help) }
}

/// Why a `:` command was not understood.
public struct LineCommandError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

/// One entry of the `:` command table: the names it answers to, how help shows it (usage and summary, a
/// line or two), and how its argument is read.
public struct LineCommandSpec: Sendable {
    public var names: [String]
    public var help: [(usage: String, summary: String)]
    let read: @Sendable (_ argument: LineArgument) throws -> LineCommand

    init(names: [String], usage: String, summary: String, more: [(String, String)] = [],
         read: @escaping @Sendable (_ argument: LineArgument) throws -> LineCommand) {
        self.names = names
        help = [(usage, summary)] + more
        self.read = read
    }
}

/// The words after a command's name, with the readers every command shares.
struct LineArgument {
    var name: String
    var text: String

    func need(_ what: String) throws(LineCommandError) -> String {
        guard !text.isEmpty else { throw LineCommandError(description: ":\(name) needs \(what)") }
        return text
    }

    func integer(_ what: String) throws(LineCommandError) -> Int {
        guard let value = Int(try need(what)) else {
            throw LineCommandError(description: ":\(name) needs \(what) (got \"\(text)\")")
        }
        return value
    }
}

extension LineCommand {
    /// Every `:` command: the one table that reading a line and the help overlay use.
    public static let table: [LineCommandSpec] = [
        LineCommandSpec(names: ["w", "write", "save"], usage: ":w [FILE]", summary: "save the session (FILE.lilt)") {
            .write($0.text.isEmpty ? nil : $0.text)
        },
        LineCommandSpec(names: ["wq", "x"], usage: ":wq", summary: "save and quit") { _ in .writeQuit },
        LineCommandSpec(names: ["q", "quit"], usage: ":q", summary: "quit (asks when unsaved)") { _ in .quit },
        LineCommandSpec(names: ["q!", "quit!"], usage: ":q!", summary: "quit, discarding changes") { _ in .forceQuit },
        LineCommandSpec(names: ["e", "o", "open", "edit"], usage: ":open FILE",
                        summary: "a .lilt, .krn, .abc, .mid file") { .open(try $0.need("a file name")) },
        LineCommandSpec(names: ["export"], usage: ":export FILE", summary: ".mid .musicxml .abc .krn .wav") {
            .export(try $0.need("a file name (.mid .musicxml .abc .krn .wav)"))
        },
        LineCommandSpec(names: ["tempo"], usage: ":tempo N", summary: "quarter notes per minute") { argument in
            guard let value = Double(try argument.need("quarter notes per minute")), value >= 20, value <= 400 else {
                throw LineCommandError(description: ":tempo takes 20-400 quarter notes per minute")
            }
            return .tempo(value)
        },
        LineCommandSpec(names: ["program", "instrument"], usage: ":program N|NAME", summary: "instrument: GM 1-128 or name") {
            .program(try $0.need("a General MIDI number 1-128 or a name"))
        },
        LineCommandSpec(names: ["chordprogram", "chordinstrument"], usage: ":chordprogram N|NAME",
                        summary: "the chords' instrument") {
            .chordProgram(try $0.need("a General MIDI number 1-128 or a name"))
        },
        LineCommandSpec(names: ["transpose"], usage: ":transpose N", summary: "selection (or all), semitones") {
            .transpose(try $0.integer("a number of semitones"))
        },
        LineCommandSpec(names: ["octave"], usage: ":octave N", summary: "the piano's octave 0-8") { argument in
            let value = try argument.integer("an octave number 0-8")
            guard (0...8).contains(value) else { throw LineCommandError(description: ":octave takes 0-8") }
            return .octave(value)
        },
        LineCommandSpec(names: ["meter"], usage: ":meter 3/4", summary: "the meter") { argument in
            let parts = try argument.need("a meter like 3/4").split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, (1...32).contains(parts[0]), [1, 2, 4, 8, 16, 32].contains(parts[1]) else {
                throw LineCommandError(description: ":meter takes a meter like 3/4 or 6/8")
            }
            return .meter(parts[0], parts[1])
        },
        LineCommandSpec(names: ["title"], usage: ":title TEXT", summary: "the title") { .title($0.text) },
        LineCommandSpec(names: ["new"], usage: ":new", summary: "a new session (u undoes it)") { _ in .new },
        LineCommandSpec(names: ["help", "h", "?"], usage: ":help", summary: "this help") { _ in .help },
        LineCommandSpec(names: ["train"], usage: ":train", summary: "start / pause training (t)",
                        more: [(":train NAME 2x256", "a corpus; layers x units"), (":train stop", "stop training")]) {
            .train(try TrainRequest.parse($0.text))
        },
        LineCommandSpec(names: ["corpora", "corpus"], usage: ":corpora", summary: "corpora there are to train on") { _ in .corpora },
        LineCommandSpec(names: ["midi"], usage: ":midi", summary: "list MIDI inputs",
                        more: [(":midi N|NAME|all|off", "play from a MIDI keyboard")]) { .midi($0.text) },
        LineCommandSpec(names: ["respond"], usage: ":respond", summary: "call and response on / off") { _ in .respond },
        LineCommandSpec(names: ["chord", "chords"], usage: ":chord G7", summary: "a chord at the cursor (C)",
                        more: [(":chord | D | G A7 |", "chords bar by bar")]) {
            .chord(try $0.need("a chord symbol like G7, or bars like | D | G A7 |"))
        },
        LineCommandSpec(names: ["harmonize", "harm"], usage: ":harm bar|half|beat",
                        summary: "chords for unlocked bars") { argument in
            guard let changes = argument.text.isEmpty ? .half : ChordChanges(rawValue: argument.text) else {
                throw LineCommandError(description: ":harmonize takes bar, half or beat (how often the chord may change)")
            }
            return .harmonize(changes)
        },
    ]

    /// Reads a `:` command line (without the colon).
    public static func parse(_ line: String) throws(LineCommandError) -> LineCommand {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let name = String(trimmed.prefix { $0 != " " })
        let argument = String(trimmed.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw LineCommandError(description: "type a command after the colon (:help lists them)") }
        guard let spec = table.first(where: { $0.names.contains(name) }) else {
            throw LineCommandError(description: "unknown command :\(name) (:help lists the commands)")
        }
        do {
            return try spec.read(LineArgument(name: name, text: argument))
        } catch let error as LineCommandError {
            throw error
        } catch {
            throw LineCommandError(description: "\(error)")
        }
    }
}

/// What `:train` asks for.
public enum TrainRequest: Equatable, Sendable {
    /// Start the chosen training, or pause or resume the running one (`t`).
    case toggle
    case stop
    /// Start training on a corpus (nil: the one chosen so far) with a model of `layers` × `hidden`
    /// (nil: the size chosen so far).
    case start(corpus: String?, layers: Int?, hidden: Int?)

    /// Layers and units a model may have when chosen here.
    public static let layerRange = 1...4, hiddenRange = 8...1024

    /// Reads the words after `:train`: nothing, `stop`, `pause`, `resume`, or a corpus name and/or a size
    /// like `2x256` (layers × units), in either order.
    static func parse(_ argument: String) throws(LineCommandError) -> TrainRequest {
        let words = argument.split(separator: " ").map(String.init)
        if words.isEmpty || words == ["pause"] || words == ["start"] || words == ["resume"] { return .toggle }
        if words == ["stop"] { return .stop }
        var corpus: String?, layers: Int?, hidden: Int?
        for word in words {
            let parts = word.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            if parts.count == 2, let l = Int(parts[0]), let u = Int(parts[1]) {
                guard layers == nil else { throw LineCommandError(description: ":train takes one size, like 2x256") }
                guard layerRange.contains(l), hiddenRange.contains(u) else {
                    throw LineCommandError(description: ":train size \(word): \(layerRange.lowerBound)-\(layerRange.upperBound) layers of \(hiddenRange.lowerBound)-\(hiddenRange.upperBound) units")
                }
                layers = l; hidden = u
            } else {
                guard corpus == nil, CorpusStore.isValidName(word) else {
                    throw LineCommandError(description: ":train takes a corpus name and a size like 2x256 (got \"\(argument)\"; :corpora lists the corpora)")
                }
                corpus = word
            }
        }
        return .start(corpus: corpus, layers: layers, hidden: hidden)
    }
}
