import Dispatch
import Foundation
import LiltCompose
import LiltMusic

/// What the user asked the model for.
public enum GenerationPurpose: Sendable, Equatable {
    /// `c`: continue from the cursor, straight into the melody.
    case continuation
    /// `g`: several variations to browse before keeping one.
    case variations
}

/// One generation: the seed (the notes before `start`), the controls, and the document revision it was
/// asked on (a result for an older revision is not applied).
public struct GenerationRequest: Sendable, Equatable {
    public var id: Int
    public var purpose: GenerationPurpose
    public var start: QuarterLength
    public var seed: Melody
    public var controls: GenerationControls
    public var revision: Int
    /// Asked again after a slider moved.
    public var isRegeneration = false
}

/// What came back: one list of notes per take (from `start` on) with its provenance, or why not.
public struct GenerationResult: Sendable {
    public var request: GenerationRequest
    public var takes: [[SessionNote]]
    public var provenance: [String]
    public var milliseconds: Double
    public var error: String?
}

/// Runs generations on a queue of its own, so the screen never waits for the model.
final class GenerationWorker: Sendable {
    private let queue = DispatchQueue(label: "lilt.generation", qos: .userInitiated)

    /// Generates `request` with `model` off the main thread and hands the result to `done` (on the worker).
    func generate(_ request: GenerationRequest, model: MusicModel, done: @escaping @Sendable (GenerationResult) -> Void) {
        queue.async {
            let clock = ContinuousClock()
            let started = clock.now
            var result = GenerationResult(request: request, takes: [], provenance: [], milliseconds: 0, error: nil)
            do {
                let seed = try Self.seed(request.seed, model: model)
                let takes = try Composer.generate(model: model, seed: seed, controls: request.controls)
                result.takes = takes.map { take in
                    take.melody.notes.compactMap { note in
                        guard let pitch = note.pitch, note.onset >= request.start, note.duration > .zero else { return nil }
                        return SessionNote(pitch: pitch.midi, onset: note.onset, duration: note.duration, origin: .generated,
                                           probability: take.probability(ofNoteAt: note.onset))
                    }
                }
                result.provenance = takes.map(\.provenanceJSON)
            } catch {
                result.error = "\(error)"
            }
            let elapsed = clock.now - started
            result.milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            done(result)
        }
    }

    /// The model's prediction for the step after `melody` (the notes before the cursor), off the main
    /// thread; `done` gets it or why not (on the worker).
    func predict(after melody: Melody, model: MusicModel,
                 done: @escaping @Sendable (Result<NextStepPrediction, GenerationProblem>) -> Void) {
        queue.async {
            do {
                done(.success(try NextStepPrediction(after: try Self.seed(melody, model: model), model: model)))
            } catch let problem as GenerationProblem {
                done(.failure(problem))
            } catch {
                done(.failure(GenerationProblem(description: "\(error)")))
            }
        }
    }

    /// The seed for `melody` (empty: the model starts a song): encoded like the training data.
    static func seed(_ melody: Melody, model: MusicModel) throws -> Seed {
        guard melody.notes.contains(where: { !$0.isRest }) else { return Seed(meter: melody.meter) }
        let prepared = model.encoder.prepare(melody)
        if let reason = model.encoder.check(prepared.melody) {
            throw GenerationProblem(description: "the notes before the cursor cannot be a seed: \(reason)")
        }
        return Seed(source: .none, tokens: Array(model.encoder.tokens(of: prepared.melody).dropLast()),
                    shift: prepared.shift, key: melody.keyOrEstimate, meter: melody.meter, title: melody.title)
    }
}

struct GenerationProblem: Error, CustomStringConvertible, Sendable {
    var description: String
}

extension ComposingSession {
    /// The melody before `position`, a rest filling up to it, as a seed.
    func seedMelody(before position: QuarterLength) -> Melody {
        var melody = self.melody
        melody.notes = melody.notes.compactMap { note in
            guard note.onset < position else { return nil }
            var cut = note
            if cut.end > position { cut.duration = position - cut.onset }
            return cut
        }
        if melody.length < position, melody.notes.contains(where: { !$0.isRest }) {
            melody.notes.append(.rest(at: melody.length, for: position - melody.length))
        }
        return melody
    }
}
