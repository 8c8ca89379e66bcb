import Foundation

/// The encoded corpora kept in one folder (the caller passes it; the command line uses the cache folder
/// `$XDG_CACHE_HOME/lilt/corpora`), one `NAME.liltcorpus` file each.
public struct CorpusStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public static let fileExtension = "liltcorpus"

    /// Whether `name` can name a corpus file.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.count <= 100
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    public func url(for name: String) -> URL {
        directory.appendingPathComponent("\(name).\(Self.fileExtension)")
    }

    /// The names of the stored corpora, sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".\(Self.fileExtension)") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(Self.fileExtension.count + 1)) }.sorted()
    }

    public func save(_ corpus: EncodedCorpus) throws {
        guard Self.isValidName(corpus.name) else { throw CorpusError.invalidName(corpus.name) }
        try corpus.save(to: url(for: corpus.name))
    }

    public func load(_ name: String) throws -> EncodedCorpus {
        guard Self.isValidName(name) else { throw CorpusError.invalidName(name) }
        let url = url(for: name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CorpusError.notFound(name: name, directory: directory.path)
        }
        return try EncodedCorpus.load(from: url)
    }
}
