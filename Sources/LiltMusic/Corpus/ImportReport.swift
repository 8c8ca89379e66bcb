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
    /// Licence notes of the collections imported, shown with the report.
    public var licenceNotes: [String] = []

    public init() {}

    public var filesFailed: Int { failures.count }

    /// The report as lines for a terminal.
    public var lines: [String] {
        var lines = ["files read: \(filesRead), failed: \(filesFailed)",
                     "songs read: \(songsRead), kept: \(songsKept), skipped: \(songsRead - songsKept)"]
        for (reason, count) in skipped.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            lines.append("  skipped \(count): \(reason)")
        }
        for failure in failures.prefix(50) { lines.append("  failed: \(failure.reason)") }
        if failures.count > 50 { lines.append("  … and \(failures.count - 50) more failed files") }
        return lines
    }
}
