import Foundation

/// The file formats Lilt reads and writes, known by extension.
public enum MusicFormat: String, Sendable, CaseIterable {
    case kern, abc, midi, musicXML, json

    /// The format of a file name's extension (`.krn`, `.abc`, `.mid`/`.midi`, `.musicxml`/`.xml`, `.json`).
    public init?(pathExtension: String) {
        switch pathExtension.lowercased() {
        case "krn", "kern": self = .kern
        case "abc": self = .abc
        case "mid", "midi", "smf": self = .midi
        case "musicxml", "xml": self = .musicXML
        case "json": self = .json
        default: return nil
        }
    }

    /// Whether Lilt can read melodies from this format.
    public var isReadable: Bool { self != .musicXML }
    /// The extensions a corpus import picks up.
    public static let importExtensions: Set<String> = ["krn", "abc", "mid", "midi"]
}

/// Why a file could not be converted.
public enum MusicFileError: Error, CustomStringConvertible, Equatable {
    case unknownFormat(file: String)
    case notReadable(file: String, format: String)
    case unwritable(file: String, reason: String)
    case noMelodies(file: String)

    public var description: String {
        switch self {
        case .unknownFormat(let file): "\(file): unknown file type (use .krn, .abc, .mid, .musicxml or .json)"
        case .notReadable(let file, let format): "\(file): Lilt writes \(format) but does not read it"
        case .unwritable(let file, let reason): "\(file): cannot be written: \(reason)"
        case .noMelodies(let file): "\(file): no melodies to write"
        }
    }
}

/// Options for reading any format.
public struct MusicReadOptions: Sendable {
    public var kernSpine: KernReader.SpineChoice = .first
    public var midi = MIDIMelodyOptions()

    public init(kernSpine: KernReader.SpineChoice = .first, midi: MIDIMelodyOptions = MIDIMelodyOptions()) {
        self.kernSpine = kernSpine
        self.midi = midi
    }
}

/// Reading and writing melodies by file extension.
public enum MusicFile {
    /// The melodies in the file at `url` (an ABC file may hold many).
    public static func read(_ url: URL, options: MusicReadOptions = MusicReadOptions()) throws -> [Melody] {
        guard let format = MusicFormat(pathExtension: url.pathExtension) else {
            throw MusicFileError.unknownFormat(file: url.path)
        }
        switch format {
        case .kern: return try KernReader(spine: options.kernSpine).read(contentsOf: url)
        case .abc: return try ABCReader().read(contentsOf: url)
        case .midi: return [try MIDIFile.read(contentsOf: url).melody(options: options.midi)]
        case .json: return try JSONDump.read(Data(contentsOf: url), file: url.path)
        case .musicXML: throw MusicFileError.notReadable(file: url.path, format: format.rawValue)
        }
    }

    /// The bytes of `melodies` written in `format`. MIDI and kern hold one melody (the first); ABC, JSON
    /// and MusicXML hold them all (MusicXML as one part per melody).
    /// `program` is the instrument a MIDI file asks for, `chordProgram` the one its chord symbols play on.
    public static func data(_ melodies: [Melody], format: MusicFormat, program: GMProgram = .acousticGrandPiano,
                            chordProgram: GMProgram = .defaultChords) -> Data {
        switch format {
        case .kern: Data(KernWriter.write(melodies).utf8)
        case .abc: Data(ABCWriter.write(melodies).utf8)
        case .midi: Data(MIDIWriter.write(melodies[0], program: program.number, chordProgram: chordProgram.number))
        case .musicXML: Data(MusicXMLWriter.write(melodies).utf8)
        case .json: Data(JSONDump.write(melodies).utf8)
        }
    }

    /// Writes `melodies` to `url` in the format of its extension.
    public static func write(_ melodies: [Melody], to url: URL, program: GMProgram = .acousticGrandPiano,
                             chordProgram: GMProgram = .defaultChords) throws {
        guard let format = MusicFormat(pathExtension: url.pathExtension) else {
            throw MusicFileError.unknownFormat(file: url.path)
        }
        guard !melodies.isEmpty else { throw MusicFileError.noMelodies(file: url.path) }
        do {
            try data(melodies, format: format, program: program, chordProgram: chordProgram).write(to: url, options: .atomic)
        } catch {
            throw MusicFileError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }
}
