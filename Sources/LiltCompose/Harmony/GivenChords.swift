import LiltMusic

/// Chords a melody is to be written over, as a lead-sheet model's tokens: the chord token to force
/// before each step where a chord starts (steps counted from the start of the generated part), in the
/// model's key.
public struct GivenChords: Sendable, Equatable {
    /// Step → vocabulary index of the chord token that starts there.
    public var tokens: [Int: Int]
    /// The steps the chords span.
    public var steps: Int
    /// The key of the chords (estimated from their tones) and the semitones that move it to the model's.
    public var key: Key
    public var shift: Int

    /// Chords as tokens already (a take's provenance).
    init(tokens: [Int: Int], steps: Int, key: Key, shift: Int) {
        self.tokens = tokens
        self.steps = steps
        self.key = key
        self.shift = shift
    }

    /// `chords` (sounding, quarter notes from 0) for `model`, which must be a lead-sheet model. A chord
    /// the model never saw is replaced by the triad on its root when the model knows that; else an error
    /// names it. `name` says in errors where the chords came from. `shift` moves them to the model's key
    /// instead of their estimated key's shift (a seed's, so that chords and seed agree).
    public init(_ chords: [ChordSymbol], model: MusicModel, name: String, shift: Int? = nil) throws(ComposeError) {
        guard model.encoding.chords else {
            throw .badModel(path: model.file?.path ?? "model", reason: "it was not trained on chords (import a corpus of lead sheets)")
        }
        guard !chords.isEmpty else { throw .badSeed(seed: name, reason: "no chords") }
        let key = Self.estimateKey(chords)
        let shift = shift ?? (model.encoding.transposes ? key.semitonesToNaturalSignature : 0)
        let step = model.encoding.step
        var tokens: [Int: Int] = [:]
        var end = QuarterLength.zero
        for (index, chord) in chords.enumerated() {
            let moved = ChordToken(chord.transposed(by: shift, fifths: 0))
            guard let token = Self.index(of: moved, in: model.vocabulary) else {
                throw .badSeed(seed: name, reason: "chord \(index + 1) (\(chord.symbol)): the model does not know it"
                               + (shift != 0 ? " (moved by \(shift) semitones: \(moved))" : ""))
            }
            let ratio = chord.onset / step
            tokens[ratio.numerator / ratio.denominator] = token
            end = max(end, chord.end)
        }
        let ratio = end / step
        self.tokens = tokens
        self.steps = (ratio.numerator + ratio.denominator - 1) / ratio.denominator
        self.key = key
        self.shift = shift
    }

    /// `chords` to write a melody over after `seed`: after a seed's notes the chords move with it, so that
    /// both are in the model's key alike; without any, the seed takes the chords' key and shift.
    public static func following(_ seed: inout Seed, chords: [ChordSymbol], model: MusicModel,
                                 name: String) throws(ComposeError) -> GivenChords {
        let plan = try GivenChords(chords, model: model, name: name, shift: seed.tokens.isEmpty ? nil : seed.shift)
        if seed.tokens.isEmpty {
            seed.shift = plan.shift
            seed.key = plan.key
        }
        return plan
    }

    /// The chord's token in `vocabulary`, else the triad on its root (major or minor by its third).
    static func index(of chord: ChordToken, in vocabulary: Vocabulary) -> Int? {
        if let index = vocabulary.index(of: .chord(chord)) { return index }
        let triad: ChordSymbol.Quality = chord.quality.intervals.contains(3) ? .minor : .major
        return vocabulary.index(of: .chord(ChordToken(root: chord.root, quality: triad)))
    }

    /// The key the chords' tones suggest (Krumhansl–Schmuckler on the tones, weighted by duration).
    static func estimateKey(_ chords: [ChordSymbol]) -> Key {
        var notes: [Note] = []
        for chord in chords {
            for pitchClass in chord.pitchClasses {
                notes.append(.note(60 + pitchClass, at: chord.onset, for: max(chord.duration, QuarterLength(1, 4))))
            }
            // The root counts twice: it is what the ear takes as the chord.
            notes.append(.note(48 + chord.rootPitchClass, at: chord.onset, for: max(chord.duration, QuarterLength(1, 4))))
        }
        return KeyEstimator.estimate(notes) ?? Key(tonic: 0, mode: .major)
    }
}
