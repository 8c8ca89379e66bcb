/// What a corpus import did: files read and failed (with reasons), songs read, kept and skipped by reason.
public struct ImportReport: Hashable, Sendable, Codable {
    public struct Failure: Hashable, Sendable, Codable {
        public var file: String
        public var reason: String
    }

    public var filesRead = 0
    public var failures: [Failure] = []
    public var songsRead = 0
    public var songsKept = 0
    /// Songs left out, counted by reason (`EncodingSkipReason` text).
    public var skipped: [String: Int] = [:]
    /// Songs kept by moving them onto the grid (`EncodingParameters.quantizes`), among those kept.
    public var songsQuantized = 0
    /// Licence notes of the collections imported, shown with the report.
    public var licenceNotes: [String] = []
    /// Chord symbols read, over all songs read (as played: a repeated section counts again).
    public var chordsRead = 0
    /// Songs read that carry chord symbols.
    public var songsWithChords = 0
    /// Chord symbols that could not be read, each with its file and place (as written, once each).
    public var unreadableChords: [UnreadableChord] = []

    /// A chord symbol a file holds that could not be read.
    public struct UnreadableChord: Hashable, Sendable, Codable, CustomStringConvertible {
        public var file: String
        public var line: Int?
        public var symbol: String
        public var description: String { file + (line.map { ":\($0)" } ?? "") + ": unreadable chord symbol \"\(symbol)\"" }
    }

    public init() {}

    /// Counts the chord symbols of a song read from `file`.
    public mutating func countChords(of melody: Melody, file: String) {
        chordsRead += melody.chords.count
        if !melody.chords.isEmpty { songsWithChords += 1 }
        for symbol in melody.unreadableChords {
            unreadableChords.append(UnreadableChord(file: file, line: symbol.line, symbol: symbol.text))
        }
    }

    enum CodingKeys: String, CodingKey {
        case filesRead, failures, songsRead, songsKept, songsQuantized, skipped, licenceNotes, chordsRead, songsWithChords
        case unreadableChords
    }

    /// Reads a report written before chords were counted too (their counts are then 0).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        filesRead = try container.decodeIfPresent(Int.self, forKey: .filesRead) ?? 0
        failures = try container.decodeIfPresent([Failure].self, forKey: .failures) ?? []
        songsRead = try container.decodeIfPresent(Int.self, forKey: .songsRead) ?? 0
        songsKept = try container.decodeIfPresent(Int.self, forKey: .songsKept) ?? 0
        songsQuantized = try container.decodeIfPresent(Int.self, forKey: .songsQuantized) ?? 0
        skipped = try container.decodeIfPresent([String: Int].self, forKey: .skipped) ?? [:]
        licenceNotes = try container.decodeIfPresent([String].self, forKey: .licenceNotes) ?? []
        chordsRead = try container.decodeIfPresent(Int.self, forKey: .chordsRead) ?? 0
        songsWithChords = try container.decodeIfPresent(Int.self, forKey: .songsWithChords) ?? 0
        unreadableChords = try container.decodeIfPresent([UnreadableChord].self, forKey: .unreadableChords) ?? []
    }

    /// `songsQuantized` is written only when some were, so a report without any is what it was before.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(filesRead, forKey: .filesRead)
        try container.encode(failures, forKey: .failures)
        try container.encode(songsRead, forKey: .songsRead)
        try container.encode(songsKept, forKey: .songsKept)
        if songsQuantized > 0 { try container.encode(songsQuantized, forKey: .songsQuantized) }
        try container.encode(skipped, forKey: .skipped)
        try container.encode(licenceNotes, forKey: .licenceNotes)
        try container.encode(chordsRead, forKey: .chordsRead)
        try container.encode(songsWithChords, forKey: .songsWithChords)
        try container.encode(unreadableChords, forKey: .unreadableChords)
    }

    public var filesFailed: Int { failures.count }

    /// The report as lines for a terminal.
    public var lines: [String] {
        var lines = ["files read: \(filesRead), failed: \(filesFailed)",
                     "songs read: \(songsRead), kept: \(songsKept), skipped: \(songsRead - songsKept)"]
        if songsQuantized > 0 {
            lines.append("  quantized \(songsQuantized): off the grid as written (triplets, odd lengths), moved to the nearest steps")
        }
        for (reason, count) in skipped.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            lines.append("  skipped \(count): \(reason)")
        }
        for failure in failures.prefix(50) { lines.append("  failed: \(failure.reason)") }
        if failures.count > 50 { lines.append("  … and \(failures.count - 50) more failed files") }
        if chordsRead > 0 || !unreadableChords.isEmpty {
            lines.append("chords read: \(chordsRead) in \(songsWithChords) songs, unreadable symbols: \(unreadableChords.count)")
            for symbol in unreadableChords.prefix(20) { lines.append("  \(symbol)") }
            if unreadableChords.count > 20 { lines.append("  … and \(unreadableChords.count - 20) more unreadable symbols") }
        }
        return lines
    }
}
