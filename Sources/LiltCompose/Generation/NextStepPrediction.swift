import Foundation
import LiltMusic
import LiltNN

/// What the model expects at one point of a melody: its own probability of each token for the next grid
/// step after the melody so far — temperature 1, no biases, no masks, the figure `lilt score` gives —
/// so a student can see what the network has learned and a musician where it would go next.
public struct NextStepPrediction: Sendable, Equatable {
    /// Sounding pitch (MIDI) → probability that a note starts there at the next step.
    public var notes: [Int: Double]
    /// That the sounding note (or rest) goes on, that a rest starts, that the song ends.
    public var hold: Double, rest: Double, end: Double

    public init(notes: [Int: Double], hold: Double, rest: Double, end: Double) {
        self.notes = notes
        self.hold = hold
        self.rest = rest
        self.end = end
    }

    /// The prediction after `seed` (its tokens in the model's key, as generation feeds them: `/` first,
    /// from a zero state). Note tokens are moved back by the seed's shift to sounding pitch.
    public init(after seed: Seed, model: MusicModel) throws {
        guard let indices = model.vocabulary.indices(of: seed.tokens) else {
            let missing = seed.tokens.first { model.vocabulary.index(of: $0) == nil }!
            throw ComposeError.badSeed(seed: "the melody so far", reason: "the model does not know the token '\(missing)'")
        }
        let session = InferenceSession(model: model.network, batch: 1, threads: 1)
        var logits = [Float](repeating: 0, count: model.vocabulary.count)
        for index in [model.endIndex] + indices { session.step(tokens: [index], logits: &logits) }
        let probabilities = Sampler.logProbabilities(logits: logits[...]).map(exp)
        notes = [:]
        hold = 0; rest = 0; end = 0
        for (index, token) in model.vocabulary.tokens.enumerated() {
            switch token {
            case .note(let midi): notes[midi - seed.shift, default: 0] += probabilities[index]
            case .hold: hold += probabilities[index]
            case .rest: rest += probabilities[index]
            case .end: end += probabilities[index]
            case .chord, .noChord: break
            }
        }
    }

    /// The most likely choices, best first, as short labels with percentages ("G4 42%", "hold 20%").
    public func summary(count: Int = 4) -> String {
        var choices = notes.map { (Pitch(midi: $0.key).name, $0.value) }
        choices += [("hold", hold), ("rest", rest), ("end", end)]
        return choices.sorted { $0.1 > $1.1 }.prefix(count)
            .map { String(format: "%@ %.0f%%", $0.0, $0.1 * 100) }.joined(separator: " · ")
    }
}
