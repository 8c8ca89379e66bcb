import Foundation
import LiltCompose
import LiltMusic

/// What the model does for the studio, run in the background: load, generate, predict.
enum ModelWork {
    /// Loads the model at `url` and names it (a model's folder names it when the file is `best.safetensors`);
    /// `quiet`: swapped in without a message (a training run's new best model).
    static func load(_ url: URL, quiet: Bool) -> StudioEvent {
        do {
            let model = try MusicModel.load(from: url)
            let name = url.lastPathComponent == "best.safetensors"
                ? url.deletingLastPathComponent().lastPathComponent : url.lastPathComponent
            return .modelLoaded(LoadedModel(model: model, name: name, history: TrainingHistory.read(for: model)), quiet: quiet)
        } catch {
            return .modelFailed("\(error)")
        }
    }

    /// Writes the takes `request` asks for: the notes from its start on, with the model's probability of
    /// each note's onset.
    static func generate(_ request: GenerationRequest, model: MusicModel) -> GenerationResult {
        let clock = ContinuousClock()
        let started = clock.now
        var result = GenerationResult(request: request)
        do {
            var seed = try Seed(melody: request.seed, for: model, name: "the notes before the cursor")
            var given: GivenChords?
            if model.encoding.chords, !request.chords.isEmpty {
                // Over the chord lane: its chords from the cursor on, as the part to write sees them.
                let chords = request.chords.map { chord in
                    var moved = chord
                    moved.onset = chord.onset - request.start
                    return moved
                }
                given = try GivenChords.following(&seed, chords: chords, model: model, name: "the chord lane")
            }
            let takes = try Composer.generate(model: model, seed: seed, controls: request.controls, givenChords: given)
            result.takes = takes.map { take in
                take.melody.notes.compactMap { note in
                    guard let pitch = note.pitch, note.onset >= request.start, note.duration > .zero else { return nil }
                    return SessionNote(pitch: pitch.midi, onset: note.onset, duration: note.duration, origin: .generated,
                                       probability: take.probability(ofNoteAt: note.onset))
                }
            }
            result.chords = takes.map { take in
                let end = take.melody.chords.map(\.end).max() ?? request.start
                return take.melody.chords.compactMap { $0.clipped(to: request.start..<max(request.start, end)) }
            }
            result.provenance = takes.map(\.provenanceJSON)
        } catch {
            result.error = "\(error)"
        }
        result.milliseconds = (clock.now - started).milliseconds
        return result
    }

    /// Chords for `request`'s melody, chosen by the model (a lead-sheet one) with a beam search.
    static func harmonize(_ request: HarmonizationRequest, model: MusicModel) -> HarmonizationResult {
        let clock = ContinuousClock()
        let started = clock.now
        var result = HarmonizationResult(request: request)
        do {
            result.chords = try Harmonizer(model: model).harmonize(request.melody, changes: request.changes,
                                                                   name: "the melody").melody.chords
        } catch {
            result.error = "\(error)"
        }
        result.milliseconds = (clock.now - started).milliseconds
        return result
    }

    /// The model's odds for the step after `melody` (the notes before the cursor), or why there are none.
    static func predict(after melody: Melody, model: MusicModel) -> Result<NextStepPrediction, GenerationProblem> {
        do {
            let seed = try Seed(melody: melody, for: model, name: "the notes before the cursor")
            return .success(try NextStepPrediction(after: seed, model: model))
        } catch {
            return .failure(GenerationProblem(description: "\(error)"))
        }
    }
}
