import Foundation
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
    case transpose(Int)
    case octave(Int)
    case meter(Int, Int)
    case title(String)
    case new
    case help
    case train(TrainRequest)
    case corpora

    /// What the `:help` command and the help overlay list.
    public static let summaries: [(String, String)] = [
        (":w [FILE]", "save the session (FILE.lilt)"),
        (":wq  :q  :q!", "save and quit, quit, quit discarding"),
        (":open FILE", "open a session or a .krn .abc .mid file"),
        (":export FILE", "write .mid .musicxml .abc .krn .wav"),
        (":tempo N", "quarter notes per minute"),
        (":program N|NAME", "General MIDI instrument 1-128"),
        (":transpose N", "the selection (or all) by N semitones"),
        (":octave N  :meter 3/4", "piano octave; the meter"),
        (":title TEXT  :new", "the title; a new empty session"),
        (":train  :train stop", "start / pause, or stop training"),
        (":train NAME 2x256", "train on corpus NAME, layers x units"),
        (":corpora", "the corpora there are to train on"),
    ]
}

/// Why a `:` command was not understood.
public struct LineCommandError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

extension LineCommand {
    /// Reads a `:` command line (without the colon).
    public static func parse(_ line: String) throws(LineCommandError) -> LineCommand {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let name = String(trimmed.prefix { $0 != " " })
        let argument = String(trimmed.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
        func need(_ what: String) throws(LineCommandError) -> String {
            guard !argument.isEmpty else { throw LineCommandError(description: ":\(name) needs \(what)") }
            return argument
        }
        func integer(_ what: String) throws(LineCommandError) -> Int {
            guard let value = Int(try need(what)) else {
                throw LineCommandError(description: ":\(name) needs \(what) (got \"\(argument)\")")
            }
            return value
        }
        switch name {
        case "w", "write", "save": return .write(argument.isEmpty ? nil : argument)
        case "wq", "x": return .writeQuit
        case "q", "quit": return .quit
        case "q!", "quit!": return .forceQuit
        case "e", "o", "open", "edit": return .open(try need("a file name"))
        case "export": return .export(try need("a file name (.mid .musicxml .abc .krn .wav)"))
        case "tempo":
            guard let value = Double(try need("quarter notes per minute")), value >= 20, value <= 400 else {
                throw LineCommandError(description: ":tempo takes 20-400 quarter notes per minute")
            }
            return .tempo(value)
        case "program", "instrument": return .program(try need("a General MIDI number 1-128 or a name"))
        case "transpose": return .transpose(try integer("a number of semitones"))
        case "octave":
            let value = try integer("an octave number 0-8")
            guard (0...8).contains(value) else { throw LineCommandError(description: ":octave takes 0-8") }
            return .octave(value)
        case "meter":
            let parts = try need("a meter like 3/4").split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, (1...32).contains(parts[0]), [1, 2, 4, 8, 16, 32].contains(parts[1]) else {
                throw LineCommandError(description: ":meter takes a meter like 3/4 or 6/8")
            }
            return .meter(parts[0], parts[1])
        case "title": return .title(argument)
        case "new": return .new
        case "help", "h", "?": return .help
        case "train": return .train(try TrainRequest.parse(argument))
        case "corpora", "corpus": return .corpora
        case "": throw LineCommandError(description: "type a command after the colon (:help lists them)")
        default: throw LineCommandError(description: "unknown command :\(name) (:help lists the commands)")
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
