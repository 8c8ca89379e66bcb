import Foundation
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
        case "": throw LineCommandError(description: "type a command after the colon (:help lists them)")
        default: throw LineCommandError(description: "unknown command :\(name) (:help lists the commands)")
        }
    }
}
