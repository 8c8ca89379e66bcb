import Foundation
import LiltMusic

/// Everything that made a take, so it can be generated again bit for bit (`Composer.regenerate`).
public struct TakeProvenance: Sendable, Codable, Equatable {
    /// The model file's path and FNV-1a 64 hash.
    public var model: String
    public var modelHash: String
    public var seed: SeedSource
    /// The seed as the model read it (model key), so the take regenerates without the seed's file.
    public var seedTokens: [String]
    /// Semitones the seed was moved by into the model's key.
    public var transposition: Int
    public var seedKey: Key?
    public var seedMeter: Meter?
    public var seedPickup: Double?
    /// The controls at the start (random seed and variations included).
    public var controls: GenerationControls
    /// Control changes made while generating, in order.
    public var changes: [ControlChange]
    /// Which variation of the batch this take is (0-based).
    public var variation: Int
    /// The chords the melody was written over (`GivenChords`), as step → token text; nil when none were given.
    public var givenChords: [Int: String]?

    /// As compact JSON (sorted keys), the form sessions store.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// One generated melody: the seed and its continuation as tokens (model key), the melody to play, and
/// its provenance.
public struct Take: Sendable, Equatable {
    /// Seed tokens then generated tokens, in the model's key, without `/`.
    public var tokens: [TimeStepToken]
    /// How many of `tokens` are the seed.
    public var seedLength: Int
    /// The model ended the song (`/`) before the length ran out.
    public var endedSong: Bool
    /// Mean entropy (nats) of the distributions the generated tokens were drawn from.
    public var meanEntropy: Double
    /// For each generated token, the probability the model gave it (softmax of its logits at temperature
    /// 1, before biases and masks; see `StreamingGenerator.tokenProbabilities`).
    public var tokenProbabilities: [Double]
    /// The grid step in quarter notes: the `i`th step token of `tokens` (chord tokens take no step) starts
    /// at `i × step` in `melody`.
    public var step: QuarterLength
    /// The melody in the output key (the seed's, unless `transposeBack` was off), on the grid.
    public var melody: Melody
    public var provenance: TakeProvenance

    /// The generated tokens only.
    public var generated: ArraySlice<TimeStepToken> { tokens[seedLength...] }

    /// The probability the model gave the generated note starting at `onset` (quarter notes in `melody`):
    /// that of its onset token, since the hold tokens after it only say how long it lasts. Nil for a
    /// position in the seed, off the grid, or where no generated note starts.
    public func probability(ofNoteAt onset: QuarterLength) -> Double? {
        let steps = onset / step
        guard steps.denominator == 1, steps.numerator >= 0 else { return nil }
        // Chord tokens take no step, so the onset's token is found by counting steps, not tokens.
        var position = 0
        for (index, token) in tokens.enumerated() where token.isStep {
            if position == steps.numerator {
                let generatedIndex = index - seedLength
                guard generatedIndex >= 0, generatedIndex < tokenProbabilities.count, case .note = token else { return nil }
                return tokenProbabilities[generatedIndex]
            }
            position += 1
        }
        return nil
    }

    /// The provenance as compact JSON (sorted keys).
    public var provenanceJSON: String { provenance.json }
}

extension Take {
    /// The melody dump of `lilt convert` (`JSONDump`) for these takes, each entry with a `provenance`
    /// object beside its notes.
    public static func jsonDump(_ takes: [Take]) -> String {
        let dump = JSONDump.write(takes.map(\.melody))
        guard var object = (try? JSONSerialization.jsonObject(with: Data(dump.utf8))) as? [String: Any],
              var melodies = object["melodies"] as? [[String: Any]] else { return dump }
        for index in melodies.indices where index < takes.count {
            let encoder = JSONEncoder()
            if let data = try? encoder.encode(takes[index].provenance),
               let provenance = try? JSONSerialization.jsonObject(with: data) {
                melodies[index]["provenance"] = provenance
            }
        }
        object["melodies"] = melodies
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) else {
            return dump
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
