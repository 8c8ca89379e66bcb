import ArgumentParser
import Foundation
import LiltCompose
import LiltMusic

/// `lilt corpus import|list|stats|export`: encoded corpora in the cache.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Import melodies into an encoded corpus, list the corpora, show their figures, export one for other trainers.",
        subcommands: [Import.self, List.self, Stats.self, Export.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read .krn .abc .mid .midi files and folders (recursively) into an encoded corpus.")

        @Argument(help: "Files and folders to read.")
        var paths: [String]

        @Option(help: "The corpus name.")
        var name: String

        @Option(help: "The grid step in quarter notes (0.25 is a sixteenth note).")
        var step: Double = 0.25

        @Flag(help: "Keep songs with any durations that fit the grid (not only the classic set).")
        var anyDuration = false

        @Flag(help: "Keep songs in their own keys (do not transpose to C major / A minor).")
        var noTranspose = false

        @Option(help: "Read MIDI files' melody from this track (0-based).")
        var track: Int?

        @Flag(inversion: .prefixedNo,
              help: "Encode the chord symbols too, a lead-sheet corpus (default: when at least half of the songs kept have chords).")
        var chords: Bool?

        @Flag(inversion: .prefixedNo,
              help: "Move songs off the step grid (triplets, odd lengths) onto it instead of leaving them out (default: in a lead-sheet corpus).")
        var quantize: Bool?

        func run() throws {
            guard CorpusStore.isValidName(name) else { throw CorpusError.invalidName(name) }
            let stepLength = QuarterLength.rounded(step, toDenominator: 48)
            guard stepLength > .zero else { throw CommandError("--step must be positive") }
            let parameters = EncodingParameters(step: stepLength,
                                                acceptableDurations: anyDuration ? nil : EncodingParameters.classicDurations,
                                                transposes: !noTranspose)
            let importer = CorpusImporter(parameters: parameters,
                                          options: MusicReadOptions(midi: MIDIMelodyOptions(track: track)), chords: chords,
                                          quantizes: quantize)
            let progress = ProgressLine()
            let started = Date()
            let corpus = importer.importCorpus(name: name, paths: paths.map { URL(fileURLWithPath: $0) },
                                               progress: { done, total in
                let eta = done > 0 ? progress.elapsedSeconds / Double(done) * Double(total - done) : 0
                // Not on a terminal: a line at each quarter of a long job.
                progress.update("reading \(done)/\(total) files, ETA \(String(format: "%.0f", eta)) s",
                                force: done == total, milestone: total >= 400 ? done * 4 / total : 0,
                                plain: "reading \(done)/\(total) files")
            })
            progress.clear()
            for note in corpus.report.licenceNotes { print("licence: " + note.replacingOccurrences(of: "\n", with: "\n  ")) }
            for line in corpus.report.lines { print(line) }
            let store = CorpusStore(directory: DataLocations().corpora)
            try store.save(corpus)
            print("stored \(corpus.songs.count) songs\(corpus.parameters.chords ? " with chords (a lead-sheet corpus)" : ""), \(corpus.tokenCount) tokens, vocabulary \(corpus.vocabulary.count) "
                  + "in \(store.url(for: name).path) (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
            if corpus.report.filesRead == 0 { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored corpora.")

        func run() throws {
            let store = CorpusStore(directory: DataLocations().corpora)
            let names = store.names()
            if names.isEmpty { print("no corpora in \(store.directory.path) (import one with `lilt corpus import`)") }
            for name in names {
                do {
                    let corpus = try store.load(name)
                    print("\(name)\t\(corpus.songs.count) songs\t\(corpus.tokenCount) tokens\tvocabulary \(corpus.vocabulary.count)")
                } catch {
                    print("\(name)\tunreadable: \(error)")
                }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Songs, tokens, vocabulary, pitch range, duration histogram, keys and meters of a corpus.")

        @Argument(help: "The corpus name.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let corpus = try CorpusStore(directory: DataLocations().corpora).load(name)
            let stats = CorpusStats(corpus)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(stats), as: UTF8.self))
            } else {
                for line in stats.lines { print(line) }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an encoded corpus as token shards (.npy) and a JSON manifest, for training elsewhere.",
            discussion: """
                Writes OUT/manifest.json (vocabulary, encoding, the split by song, counts, shards, and the \
                metadata a model needs to open in Lilt) and OUT/shard-NNNNN.tokens.npy / .offsets.npy (int32 \
                token indices of whole songs, and where each song starts). Scripts/distributed/train.py trains \
                on it with PyTorch DistributedDataParallel; its models open in Lilt unchanged. The split is the \
                one `lilt train` makes for the same seed and held-out share, and `lilt eval` scores.
                """)

        @Argument(help: "The corpus name (in `lilt corpus list`).")
        var name: String

        @Option(help: "The folder to write.")
        var out: String

        @Option(help: "Random seed of the split (as `lilt train --seed`).")
        var seed: UInt64 = 1

        @Option(help: "Share of songs held out for validation and scoring.")
        var heldOut = 0.1

        @Option(help: "Songs per shard.")
        var songsPerShard = 2000

        func run() throws {
            let corpus = try CorpusStore(directory: DataLocations().corpora).load(name)
            let export = CorpusExport(corpus: corpus, seed: seed, validationFraction: heldOut, songsPerShard: songsPerShard)
            let summary = try export.write(to: URL(fileURLWithPath: out))
            print("exported '\(name)': \(summary.songs) songs (\(summary.trainingSongs) training, \(summary.heldOutSongs) "
                  + "held out), \(summary.tokens) tokens, vocabulary \(corpus.vocabulary.count), \(summary.shards) "
                  + "shard\(summary.shards == 1 ? "" : "s")")
            print("manifest: \(summary.manifest.path)")
        }
    }
}
