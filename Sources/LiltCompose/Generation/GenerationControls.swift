import Foundation
import LiltMusic

/// How long a generation runs: bars of the seed's meter (4/4 without one) or grid steps. Counts the
/// generated part only, not the seed.
public enum GenerationLength: Sendable, Codable, Equatable {
    case bars(Int)
    case steps(Int)

    /// Steps for a bar of `stepsPerBar` steps.
    public func steps(stepsPerBar: Int) -> Int {
        switch self {
        case .bars(let bars): bars * stepsPerBar
        case .steps(let steps): steps
        }
    }
}

/// Which pitches a scale lock allows.
public enum ScaleLock: Sendable, Codable, Equatable {
    /// The seed's key (in the model's key: the white keys of C major / A minor and its modes).
    case key
    /// A chosen scale in sounding pitch, e.g. D dorian.
    case scale(Key)

    /// Reads `key` or a scale name: `D dorian`, `F# minor`, `Bb` (major), `c` (C major).
    public static func parse(_ text: String) -> ScaleLock? {
        let words = text.split(separator: " ").map(String.init)
        if words == ["key"] { return .key }
        guard (1...2).contains(words.count), let tonic = pitchClass(words[0]) else { return nil }
        let mode = words.count == 2 ? Key.Mode(rawValue: words[1].lowercased()) : .major
        guard let mode else { return nil }
        return .scale(Key(tonic: tonic, mode: mode))
    }

    /// Pitch class of a note name (`C`, `c#`, `Eb`, `F♯`).
    static func pitchClass(_ name: String) -> Int? {
        guard let letter = name.first?.uppercased(), let base = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11][letter]
        else { return nil }
        var value = base
        for sign in name.dropFirst() {
            switch sign {
            case "#", "♯": value += 1
            case "b", "♭": value -= 1
            default: return nil
            }
        }
        return ((value % 12) + 12) % 12
    }
}

/// Every control of a generation. The sampling controls (temperature, adaptive target, biases, top-p,
/// scale, range, stop rule, length) may change while a generator runs; the rest fix the run.
///
/// **Entropy-adaptive temperature** (`targetEntropy` set): each variation keeps its own temperature,
/// starting at `temperature`. After every step it is multiplied by exp(0.5 · (target − H)), where H is
/// the entropy (nats) of the distribution just sampled, and kept in 0.1…4. Steps more certain than the
/// target warm the next ones, uncertain steps cool them, so the mean entropy of a take settles near the
/// target while confident steps (held notes) stay confident.
public struct GenerationControls: Sendable, Codable, Equatable {
    /// Divides the logits (after the biases). Must be positive.
    public var temperature: Double = 1
    /// Target entropy in nats for the adaptive temperature (rule above); nil for a fixed temperature.
    public var targetEntropy: Double? = nil
    /// Added to the rest token's logit: negative for fewer rests, positive for more.
    public var restBias: Double = 0
    /// Added to the hold token's logit: positive for longer notes, negative for shorter.
    public var holdBias: Double = 0
    /// Keep the most likely tokens whose probabilities reach `topP` (1 keeps all).
    public var topP: Double = 1
    /// Only pitches of this scale (nil: any).
    public var scale: ScaleLock? = nil
    /// Only MIDI pitches in this range, in sounding pitch (nil: any).
    public var pitchRange: ClosedRange<Int>? = nil
    public var length: GenerationLength = .bars(16)
    /// Stop a variation where the model ends the song (`/`); false keeps going to the full length.
    public var stopAtEnd = true
    /// Variations, generated as one batch.
    public var variations = 1
    /// Seeds the random draws: the same value gives the same take.
    public var randomSeed: UInt64 = 1
    /// Play the result back in the seed's own key (false: keep the model's key).
    public var transposeBack = true

    public init() {}

    /// Why these controls cannot be used, or nil.
    public var problem: String? {
        if !(temperature > 0 && temperature.isFinite) { return "the temperature must be positive (got \(temperature))" }
        if let target = targetEntropy, !(target >= 0 && target.isFinite) { return "the target entropy must be ≥ 0 nats" }
        if !(topP > 0 && topP <= 1) { return "top-p must be in (0, 1] (got \(topP))" }
        if !restBias.isFinite || !holdBias.isFinite { return "biases must be finite" }
        if variations < 1 || variations > 1024 { return "variations must be 1…1024 (got \(variations))" }
        if length.steps(stepsPerBar: 1) < 0 { return "the length cannot be negative" }
        if let range = pitchRange, range.lowerBound < 0 || range.upperBound > 127 { return "the pitch range must lie in MIDI 0…127" }
        return nil
    }
}

/// A change of controls while a generator runs: `controls` apply from generated step `step` (0-based).
public struct ControlChange: Sendable, Codable, Equatable {
    public var step: Int
    public var controls: GenerationControls

    public init(step: Int, controls: GenerationControls) {
        self.step = step
        self.controls = controls
    }
}
