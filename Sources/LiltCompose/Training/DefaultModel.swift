import Foundation
import LiltMusic
import LiltNN

/// The model Lilt composes with when none is named: trained on the user's machine (never shipped) from
/// the Essen collection in ABC when `Scripts/install-corpora` has put it in `Corpora/essen-abc`, else from
/// the project's own `Corpora/samples`, in about two minutes.
public enum DefaultModel {
    /// `$XDG_DATA_HOME/lilt/models/default`.
    public static func directory(_ locations: DataLocations = DataLocations()) -> URL {
        locations.models.appendingPathComponent("default")
    }

    /// The default model's file.
    public static func file(_ locations: DataLocations = DataLocations()) -> URL {
        directory(locations).appendingPathComponent("best.safetensors")
    }

    /// The model shape: 2 × 128 one-hot LSTM, dropout 0.1. Its weights (≈ 0.8 MB) stay in a core's cache,
    /// so a 64-bar melody takes about 25 ms (2 × 192 takes 80 ms: memory-bound); on the Essen `erk` songs
    /// it reaches 0.75 nats per step held out in 72 s on two cores (a 5-gram model: 0.97).
    public static let model = ModelOptions()

    /// Training options: the engine's defaults (T 32, B 32, Adam 3e-3, clip 5, 10% held out, seed 1)
    /// under a two-minute limit.
    public static var training: TrainingOptions {
        var options = TrainingOptions()
        options.epochs = 40
        options.minutes = 2
        return options
    }

    /// The corpus to train on: (name in the corpus store, folder to import from) — `essen-abc` when
    /// `corporaFolder/essen-abc` holds ABC files, else `samples`.
    public static func corpusSource(corporaFolder: URL) -> (name: String, folder: URL) {
        let essen = corporaFolder.appendingPathComponent("essen-abc")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: essen.path)) ?? []
        if files.contains(where: { $0.hasSuffix(".abc") }) { return ("essen-abc", essen) }
        return ("samples", corporaFolder.appendingPathComponent("samples"))
    }

    /// The default corpus, imported into `store` first when it is not there yet.
    public static func corpus(corporaFolder: URL, store: CorpusStore) throws -> EncodedCorpus {
        let source = corpusSource(corporaFolder: corporaFolder)
        if store.names().contains(source.name), let corpus = try? store.load(source.name) { return corpus }
        guard FileManager.default.fileExists(atPath: source.folder.path) else {
            throw ComposeError.badCorpus(name: source.name, reason: "no folder \(source.folder.path) to import it from")
        }
        let corpus = CorpusImporter().importCorpus(name: source.name, paths: [source.folder], progress: { _, _ in })
        guard !corpus.songs.isEmpty else {
            throw ComposeError.badCorpus(name: source.name, reason: "no song in \(source.folder.path) could be encoded")
        }
        try store.save(corpus)
        return corpus
    }
}
