import Foundation

/// Why an encoded corpus could not be stored or loaded.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    case notFound(name: String, directory: String)
    case unreadable(file: String, reason: String)
    case corrupt(file: String, offset: Int, reason: String)
    case unwritable(file: String, reason: String)
    case invalidName(String)

    public var description: String {
        switch self {
        case .notFound(let name, let directory): "no corpus named '\(name)' in \(directory) (see `lilt corpus list`)"
        case .unreadable(let file, let reason): "\(file): cannot be read: \(reason)"
        case .corrupt(let file, let offset, let reason): "\(file): byte \(offset): \(reason)"
        case .unwritable(let file, let reason): "\(file): cannot be written: \(reason)"
        case .invalidName(let name): "'\(name)' is not a corpus name (use letters, digits, '-', '_' and '.')"
        }
    }
}

/// One encoded song: token indices into its corpus's vocabulary, ending with the `/` token, and where
/// it came from.
public struct EncodedSong: Hashable, Sendable {
    /// Indices into `EncodedCorpus.vocabulary`; the last is the index of `/`.
    public var tokens: [Int]
    public var title: String?
    public var source: SourceLocation
    /// The key as written in the file (or estimated), before transposition.
    public var key: Key?
    public var meter: Meter?
    /// Semitones the song was moved by before encoding.
    public var transposition: Int

    public init(tokens: [Int], title: String?, source: SourceLocation, key: Key?, meter: Meter?, transposition: Int) {
        self.tokens = tokens
        self.title = title
        self.source = source
        self.key = key
        self.meter = meter
        self.transposition = transposition
    }
}

/// A corpus ready for training: songs as token-index arrays, the vocabulary, the encoding parameters and
/// the import report. Stored in a compact binary file (see `save(to:)`).
public struct EncodedCorpus: Hashable, Sendable {
    public var name: String
    public var parameters: EncodingParameters
    public var vocabulary: Vocabulary
    public var songs: [EncodedSong]
    public var report: ImportReport

    public init(name: String, parameters: EncodingParameters, vocabulary: Vocabulary, songs: [EncodedSong],
                report: ImportReport) {
        self.name = name
        self.parameters = parameters
        self.vocabulary = vocabulary
        self.songs = songs
        self.report = report
    }

    /// The songs' token-index arrays (each ends with the index of `/`), as a trainer reads them.
    public var tokenSequences: [[Int]] { songs.map(\.tokens) }

    /// The index of the end-of-song token `/`.
    public var endTokenIndex: Int { vocabulary.index(of: .end) ?? 0 }

    /// The total number of tokens over all songs.
    public var tokenCount: Int { songs.reduce(0) { $0 + $1.tokens.count } }

    /// The song at `index` decoded back into a melody (in the transposed key, on the step grid).
    public func melody(at index: Int) -> Melody {
        let song = songs[index]
        var melody = TimeStepEncoder(parameters: parameters).decode(vocabulary.tokens(at: song.tokens) ?? [])
        melody.title = song.title
        melody.meter = song.meter
        melody.key = song.key.map { Key(tonic: $0.tonic + song.transposition, mode: $0.mode) }
        melody.source = song.source
        return melody
    }

    static let magic = Array("LILTCORP".utf8)
    static let formatVersion: UInt32 = 1
    /// The version of a lead-sheet or quantized corpus: a u8 of flags follows `transposes` (1 `chords`,
    /// 2 `quantizes`). Any other corpus is still written as version 1, byte for byte as before.
    static let leadSheetFormatVersion: UInt32 = 2

    /// The binary form: magic `LILTCORP`, a version, the name, parameters, vocabulary, the report (JSON),
    /// then per song its tokens as 16-bit indices and its metadata. All integers little-endian.
    public func serialized() -> [UInt8] {
        var w = BinaryWriter()
        w.bytes.append(contentsOf: Self.magic)
        let flags: UInt8 = (parameters.chords ? 1 : 0) | (parameters.quantizes ? 2 : 0)
        w.u32(flags != 0 ? Self.leadSheetFormatVersion : Self.formatVersion)
        w.string(name)
        w.i64(parameters.step.numerator); w.i64(parameters.step.denominator)
        w.u8(parameters.transposes ? 1 : 0)
        if flags != 0 { w.u8(flags) }
        if let durations = parameters.acceptableDurations {
            w.u32(UInt32(durations.count))
            for d in durations { w.i64(d.numerator); w.i64(d.denominator) }
        } else {
            w.u32(UInt32.max)
        }
        w.u32(UInt32(vocabulary.count))
        for token in vocabulary.strings { w.string(token) }
        let reportJSON = (try? JSONEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        w.string(reportJSON)
        w.u32(UInt32(songs.count))
        for song in songs {
            w.u32(UInt32(song.tokens.count))
            w.bytes.reserveCapacity(w.bytes.count + 2 * song.tokens.count + 64)
            for token in song.tokens { w.u16(UInt16(token)) }
            w.string(song.title)
            w.string(song.source.file)
            w.i64(song.source.line ?? -1)
            w.string(song.source.detail)
            if let key = song.key {
                w.u8(UInt8(key.tonic)); w.u8(UInt8(Key.Mode.allCases.firstIndex(of: key.mode)!))
            } else {
                w.u8(255); w.u8(255)
            }
            w.i64(song.meter?.numerator ?? 0); w.i64(song.meter?.denominator ?? 0)
            w.i64(song.transposition)
        }
        return w.bytes
    }

    /// Reads the binary form, checking every length against the data.
    public init(serialized bytes: [UInt8], file: String = "<corpus>") throws {
        var r = BinaryReader(bytes)
        func corrupt(_ reason: String) -> CorpusError { .corrupt(file: file, offset: r.offset, reason: reason) }
        do {
            guard bytes.count >= 12, Array(bytes[0..<8]) == Self.magic else { throw corrupt("not a Lilt corpus file") }
            r.offset = 8
            let version = try r.u32()
            guard version == Self.formatVersion || version == Self.leadSheetFormatVersion else {
                throw corrupt("format version \(version), expected \(Self.formatVersion) or \(Self.leadSheetFormatVersion)")
            }
            name = try r.string() ?? ""
            let stepN = try r.i64(), stepD = try r.i64()
            guard stepN > 0, stepD > 0 else { throw corrupt("bad step") }
            let transposes = try r.u8() == 1
            let flags = version == Self.leadSheetFormatVersion ? try r.u8() : 0
            let durationCount = try r.u32()
            var durations: [QuarterLength]?
            if durationCount != UInt32.max {
                guard Int(durationCount) <= (bytes.count - r.offset) / 16 else { throw corrupt("too many durations") }
                var list: [QuarterLength] = []
                for _ in 0..<durationCount {
                    let n = try r.i64(), d = try r.i64()
                    guard d > 0 else { throw corrupt("bad duration") }
                    list.append(QuarterLength(n, d))
                }
                durations = list
            }
            parameters = EncodingParameters(step: QuarterLength(stepN, stepD), acceptableDurations: durations,
                                            transposes: transposes, chords: flags & 1 != 0, quantizes: flags & 2 != 0)
            let vocabularyCount = Int(try r.u32())
            guard vocabularyCount <= 65_536 else { throw corrupt("vocabulary too large") }
            var strings: [String] = []
            for _ in 0..<vocabularyCount { strings.append(try r.string() ?? "") }
            guard let vocabulary = Vocabulary(strings: strings) else { throw corrupt("vocabulary is not canonical") }
            self.vocabulary = vocabulary
            let reportJSON = try r.string() ?? "{}"
            report = (try? JSONDecoder().decode(ImportReport.self, from: Data(reportJSON.utf8))) ?? ImportReport()
            let songCount = Int(try r.u32())
            guard songCount <= bytes.count - r.offset else { throw corrupt("song count larger than the file") }
            var songs: [EncodedSong] = []
            songs.reserveCapacity(songCount)
            let modes = Key.Mode.allCases
            for _ in 0..<songCount {
                let tokenCount = Int(try r.u32())
                let range = try r.take(tokenCount * 2)
                var tokens = [Int](repeating: 0, count: tokenCount)
                try tokens.withUnsafeMutableBufferPointer { out in
                    try bytes.withUnsafeBufferPointer { input in
                        var p = range.lowerBound
                        for i in 0..<tokenCount {
                            let value = Int(input[p]) | Int(input[p + 1]) << 8
                            guard value < vocabularyCount else {
                                throw CorpusError.corrupt(file: file, offset: p, reason: "token index out of range")
                            }
                            out[i] = value
                            p += 2
                        }
                    }
                }
                let title = try r.string()
                let sourceFile = try r.string() ?? ""
                let line = try r.i64()
                let detail = try r.string()
                let tonic = try r.u8(), mode = try r.u8()
                let key: Key? = tonic < 12 && Int(mode) < modes.count ? Key(tonic: Int(tonic), mode: modes[Int(mode)]) : nil
                let meterN = try r.i64(), meterD = try r.i64()
                let transposition = try r.i64()
                songs.append(EncodedSong(tokens: tokens, title: title,
                                         source: SourceLocation(file: sourceFile, line: line >= 0 ? line : nil, detail: detail),
                                         key: key, meter: meterN > 0 && meterD > 0 ? Meter(meterN, meterD) : nil,
                                         transposition: transposition))
            }
            self.songs = songs
        } catch let truncated as BinaryReader.Truncated {
            throw CorpusError.corrupt(file: file, offset: truncated.offset, reason: "truncated")
        }
    }

    /// Writes the corpus to `url` (to a temporary name first, then renamed).
    public func save(to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(serialized()).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw CorpusError.unwritable(file: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CorpusError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads a corpus written by `save(to:)`.
    public static func load(from url: URL) throws -> EncodedCorpus {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CorpusError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try EncodedCorpus(serialized: [UInt8](data), file: url.path)
    }
}
