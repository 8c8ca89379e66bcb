import Foundation
import Synchronization

/// Reads files and folders of melodies, encodes every song that fits, and reports what happened.
public struct CorpusImporter: Sendable {
    public var parameters: EncodingParameters
    public var options: MusicReadOptions
    /// Files read in parallel (1 reads them one after another).
    public var concurrency: Int
    /// Whether the chord symbols are encoded (a lead-sheet corpus, `EncodingParameters.chords`): true,
    /// false, or nil to decide from the songs — chords when at least half of the songs kept have them. In a
    /// lead-sheet corpus a song without chords is skipped (`EncodingSkipReason.noChords`).
    public var chords: Bool?
    /// Whether songs off the grid (triplets, odd lengths) are quantized onto it instead of left out
    /// (`EncodingParameters.quantizes`): true, false, or nil for a lead-sheet corpus only.
    public var quantizes: Bool?

    public init(parameters: EncodingParameters = EncodingParameters(), options: MusicReadOptions = MusicReadOptions(),
                concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, chords: Bool? = nil,
                quantizes: Bool? = nil) {
        self.parameters = parameters
        self.chords = chords
        self.quantizes = quantizes
        self.options = options
        self.concurrency = max(1, concurrency)
    }

    /// The name of the licence note file a collection folder may hold; its text is shown at import.
    public static let licenceNoteFile = "LICENCE-NOTE.txt"

    /// Every `.krn .abc .mid .midi` file at or below `paths`, in sorted order; missing paths are reported as
    /// failures.
    public static func collectFiles(_ paths: [URL]) -> (files: [URL], failures: [ImportReport.Failure]) {
        let found = collect(paths)
        return (found.files, found.failures)
    }

    /// The files, the failures, and the licence notes (`LICENCE-NOTE.txt` in a folder read, or beside a
    /// file given) of `paths`.
    static func collect(_ paths: [URL]) -> (files: [URL], failures: [ImportReport.Failure], notes: [URL]) {
        var files: [URL] = []
        var failures: [ImportReport.Failure] = []
        var notes: [URL] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                failures.append(.init(file: path.path, reason: "\(path.path): no such file or folder"))
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                notes.append(path.deletingLastPathComponent().appendingPathComponent(licenceNoteFile))
                continue
            }
            var found: [URL] = []
            notes.append(path.appendingPathComponent(licenceNoteFile))
            if let enumerator = manager.enumerator(at: path, includingPropertiesForKeys: nil) {
                for case let url as URL in enumerator {
                    if importable(url) {
                        found.append(url)
                    } else if url.lastPathComponent == licenceNoteFile {
                        notes.append(url)
                    }
                }
            }
            files.append(contentsOf: found.sorted { $0.path < $1.path })
        }
        return (files, failures, notes)
    }

    static func importable(_ url: URL) -> Bool {
        MusicFormat.importExtensions.contains(url.pathExtension.lowercased())
    }

    /// What one file gave.
    struct FileResult: Sendable {
        /// The songs' tokens, with chord tokens when chords may be encoded and the song has chords.
        var songs: [(tokens: [TimeStepToken], song: EncodedSong, hasChords: Bool)] = []
        /// Per song of `songs`, why it is kept only when quantized (nil: on the grid as written).
        var quantizedFrom: [EncodingSkipReason?] = []
        var read = 0
        var skipped: [EncodingSkipReason] = []
        /// The chord symbols of the songs read.
        var chords = ImportReport()
        var failure: String?
    }

    func importFile(_ url: URL) -> FileResult {
        var result = FileResult()
        let melodies: [Melody]
        do {
            melodies = try MusicFile.read(url, options: options)
        } catch {
            result.failure = String(describing: error)
            return result
        }
        var chordParameters = parameters
        chordParameters.chords = chords != false
        chordParameters.quantizes = false
        let encoder = TimeStepEncoder(parameters: chordParameters)
        chordParameters.quantizes = true
        let quantizer = TimeStepEncoder(parameters: chordParameters)
        for melody in melodies {
            result.read += 1
            result.chords.countChords(of: melody, file: url.path)
            var (prepared, shift) = encoder.prepare(melody)
            var quantizedFrom: EncodingSkipReason?
            if let reason = encoder.check(prepared) {
                // Off the grid: kept quantized if the corpus quantizes (decided once every file is read).
                guard quantizes != false, reason == .durationNotAcceptable || reason == .offGrid else {
                    result.skipped.append(reason)
                    continue
                }
                (prepared, shift) = quantizer.prepare(melody)
                if let other = quantizer.check(prepared) {
                    result.skipped.append(other)
                    continue
                }
                quantizedFrom = reason
            }
            let song = EncodedSong(tokens: [], title: melody.title,
                                   source: melody.source ?? SourceLocation(file: url.path),
                                   key: melody.key ?? prepared.key.map { Key(tonic: $0.tonic - shift, mode: $0.mode) },
                                   meter: melody.meter, transposition: shift)
            result.songs.append((encoder.tokens(of: prepared), song, !prepared.chords.isEmpty))
            result.quantizedFrom.append(quantizedFrom)
        }
        return result
    }

    /// Imports `paths` (files or folders, searched recursively) as the corpus `name`. Bad files are
    /// reported and skipped. `progress` is called with (files done, files in all) from any thread.
    public func importCorpus(name: String, paths: [URL],
                             progress: (@Sendable (Int, Int) -> Void)? = nil) -> EncodedCorpus {
        let (files, missing, notes) = Self.collect(paths)
        var report = ImportReport()
        report.failures = missing
        for note in notes {
            if let text = try? String(contentsOf: note, encoding: .utf8) {
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !report.licenceNotes.contains(trimmed) { report.licenceNotes.append(trimmed) }
            }
        }
        // Each file's result in its own slot (a worker writes only its own indices), and files done so far.
        let results = Mutex([FileResult?](repeating: nil, count: files.count))
        let done = Atomic(0)
        let workers = min(concurrency, max(1, files.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < files.count {
                let result = importFile(files[index])
                results.withLock { $0[index] = result }
                let finished = done.add(1, ordering: .relaxed).newValue
                progress?(finished, files.count)
                index += workers
            }
        }
        var tokenSongs: [[TimeStepToken]] = []
        var songs: [EncodedSong] = []
        var skipped: [EncodingSkipReason: Int] = [:]
        var songHasChords: [Bool] = []
        var songQuantizedFrom: [EncodingSkipReason?] = []
        for (index, result) in results.withLock({ $0 }).enumerated() {
            guard let result else { continue }
            if let failure = result.failure {
                report.failures.append(.init(file: files[index].path, reason: failure))
                continue
            }
            report.filesRead += 1
            report.songsRead += result.read
            report.chordsRead += result.chords.chordsRead
            report.songsWithChords += result.chords.songsWithChords
            report.unreadableChords += result.chords.unreadableChords
            for reason in result.skipped { skipped[reason, default: 0] += 1 }
            for (tokens, song, hasChords) in result.songs {
                tokenSongs.append(tokens)
                songs.append(song)
                songHasChords.append(hasChords)
            }
            songQuantizedFrom += result.quantizedFrom
        }
        var parameters = parameters
        let withChords = songHasChords.filter { $0 }.count
        parameters.chords = chords ?? (withChords > 0 && 2 * withChords >= songs.count)
        parameters.quantizes = quantizes ?? parameters.chords
        var kept = Array(songs.indices)
        if !parameters.quantizes {
            for reason in songQuantizedFrom.compactMap({ $0 }) { skipped[reason, default: 0] += 1 }
            kept = kept.filter { songQuantizedFrom[$0] == nil }
        }
        if parameters.chords {
            // A lead sheet corpus: every song has its chords.
            let withTheirChords = kept.filter { songHasChords[$0] }
            if withTheirChords.count < kept.count { skipped[.noChords, default: 0] += kept.count - withTheirChords.count }
            kept = withTheirChords
        }
        report.songsQuantized = parameters.quantizes ? kept.filter { songQuantizedFrom[$0] != nil }.count : 0
        tokenSongs = kept.map { tokenSongs[$0] }
        songs = kept.map { songs[$0] }
        if !parameters.chords {
            tokenSongs = tokenSongs.map { $0.filter(\.isStep) }
        }
        report.songsKept = songs.count
        report.skipped = Dictionary(uniqueKeysWithValues: skipped.map { ($0.key.rawValue, $0.value) })
        let vocabulary = Vocabulary.build(from: tokenSongs)
        for index in songs.indices {
            songs[index].tokens = vocabulary.indices(of: tokenSongs[index]) ?? []
        }
        return EncodedCorpus(name: name, parameters: parameters, vocabulary: vocabulary, songs: songs, report: report)
    }
}
