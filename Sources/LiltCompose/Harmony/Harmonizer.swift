import Foundation
import LiltMusic
import LiltNN

/// A path's place in the search: the network's state after it (one stream: per layer h then c) and the
/// log-probabilities of the next token.
struct SearchState {
    var memory: [[Float]]
    var logProbabilities: [Float]

    /// The states of several streams side by side, as a session of that batch holds them.
    static func batched(_ streams: [[[Float]]]) -> [[Float]] {
        guard let first = streams.first else { return [] }
        return first.indices.map { buffer in streams.flatMap { $0[buffer] } }
    }

    /// Stream `index`'s state out of a batch's.
    static func stream(_ index: Int, of memory: [[Float]], batch: Int) -> [[Float]] {
        memory.map { buffer in
            let width = buffer.count / batch
            return Array(buffer[index * width..<(index + 1) * width])
        }
    }
}

/// Where a harmonization may change chord: every bar, half bar or beat.
public enum ChordChanges: String, Sendable, CaseIterable {
    case bar, half, beat

    /// The distance between change points in quarter notes, for `meter`. A beat is a quarter note, or a
    /// dotted quarter in 6/8, 9/8 and 12/8; a half bar of 3/4 or 9/8 is a whole bar.
    public func length(in meter: Meter) -> QuarterLength {
        let compound = meter.denominator == 8 && meter.numerator % 3 == 0 && meter.numerator > 3
        let beat = compound ? QuarterLength(3, 2) : QuarterLength(4, meter.denominator)
        switch self {
        case .bar: return meter.barLength
        case .half:
            let beats = meter.barLength / beat
            return beats.denominator == 1 && beats.numerator % 2 == 0 ? meter.barLength / 2 : meter.barLength
        case .beat: return beat
        }
    }
}

/// Chooses chords for a fixed melody with a lead-sheet model: one chord at each change point, the
/// progression found by a beam search that scores each path with the model's log-probabilities of its
/// chord tokens (divided by `adventure`) and of the melody's tokens that follow them. After the first
/// change point a path may also feed no chord token (the chord before goes on, as in a lead sheet that
/// writes a chord only where it changes); the melody tokens' probabilities then carry that choice.
public struct Harmonizer {
    public var model: MusicModel
    /// Paths kept at each change point.
    public var beamWidth: Int
    /// The temperature on the chords' log-probabilities: 1 as the model has it, more for rarer chords
    /// and more changes, less for the safest chords.
    public var adventure: Double
    /// Chords tried at each change point: the most likely ones after the path (at most this many).
    public var candidates: Int

    public init(model: MusicModel, beamWidth: Int = 4, adventure: Double = 1, candidates: Int = 4) {
        self.model = model
        self.beamWidth = beamWidth
        self.adventure = adventure
        self.candidates = candidates
    }

    /// What a harmonization gives: the melody with its new chords (in the melody's own key), and the
    /// score of the path (natural log).
    public struct Result: Sendable {
        public var melody: Melody
        public var logProbability: Double
        public var changePoints: Int
    }

    /// The melody with chords chosen at every `changes` point (the melody's own chords are ignored).
    /// `name` says in errors which melody it is.
    public func harmonize(_ melody: Melody, changes: ChordChanges, name: String) throws(ComposeError) -> Result {
        guard model.encoding.chords else {
            throw .badModel(path: model.file?.path ?? "model", reason: "it was not trained on chords (import a corpus of lead sheets)")
        }
        guard adventure > 0, beamWidth > 0, candidates > 0 else {
            throw .badControls("--adventure, --beam and the candidates must be positive")
        }
        var bare = melody
        bare.chords = []
        var melodyEncoding = model.encoding
        melodyEncoding.chords = false
        // Any length on the grid: the melody is only read, and the model knows every hold.
        melodyEncoding.acceptableDurations = nil
        let encoder = TimeStepEncoder(parameters: melodyEncoding)
        let (prepared, shift) = encoder.prepare(bare)
        if let reason = encoder.check(prepared) { throw .cannotScore(name: name, reason: "cannot be encoded: \(reason)") }
        let steps = Array(encoder.tokens(of: prepared).dropLast())
        guard let melodyIndices = model.vocabulary.indices(of: steps) else {
            throw .cannotScore(name: name, reason: "a note the model does not know (after moving it by \(shift) semitones)")
        }
        let chordIndices = model.vocabulary.tokens.indices.filter {
            if case .chord = model.vocabulary.tokens[$0] { return true } else { return false }
        }
        guard !chordIndices.isEmpty else { throw .badModel(path: model.file?.path ?? "model", reason: "no chord in its vocabulary") }

        // Change points in steps: from the first full bar (after a pickup) every `length`, and at 0.
        let meter = melody.meter ?? Meter(4, 4)
        let lengthSteps = max(1, Self.steps(changes.length(in: meter), model.encoding.step))
        let pickupSteps = Self.steps(melody.pickup ?? .zero, model.encoding.step) % lengthSteps
        var points = [0]
        var point = pickupSteps == 0 ? lengthSteps : pickupSteps
        while point < melodyIndices.count { points.append(point); point += lengthSteps }

        let v = model.vocabulary.count
        let first = InferenceSession(model: model.network, batch: 1, threads: 1)
        var logits = [Float](repeating: 0, count: v)
        first.step(tokens: [model.endIndex], logits: &logits)
        let start = SearchState(memory: first.state, logProbabilities: Self.logSoftmax(logits[...]))
        // Sessions by batch size: a change point's extensions run as one batch.
        var sessions: [Int: InferenceSession] = [:]
        let adventure = Float(self.adventure)
        let best = BeamSearch.best(
            positions: points.count, width: beamWidth, start: start,
            choices: { state, position in
                let likely = chordIndices.sorted { state.logProbabilities[$0] > state.logProbabilities[$1] }.prefix(candidates)
                return (position > 0 ? [Self.stay] : []) + likely
            },
            extendAll: { items, position in
                let end = position + 1 < points.count ? points[position + 1] : melodyIndices.count
                let segment = Array(melodyIndices[points[position]..<end])
                let batch = items.count
                let session = sessions[batch] ?? InferenceSession(model: model.network, batch: batch, threads: 1)
                sessions[batch] = session
                // Each stream: the path's state, then its chord token (none for a stay) and the segment.
                let sequences = items.map { ($0.choice == Self.stay ? [] : [$0.choice]) + segment }
                session.state = SearchState.batched(items.map(\.state.memory))
                var current = items.map(\.state.logProbabilities)
                var scores = [Float](repeating: 0, count: batch)
                var finals = [SearchState?](repeating: nil, count: batch)
                var batchLogits = [Float](repeating: 0, count: batch * v)
                let longest = sequences.map(\.count).max() ?? 0
                for step in 0..<longest {
                    var tokens = [Int](repeating: 0, count: batch)
                    for stream in 0..<batch {
                        let sequence = sequences[stream]
                        // A stream that has fed all it has repeats its last token; what follows is not used.
                        tokens[stream] = sequence[min(step, sequence.count - 1)]
                        guard step < sequence.count else { continue }
                        let weight: Float = step == 0 && items[stream].choice != Self.stay ? 1 / adventure : 1
                        scores[stream] += weight * current[stream][tokens[stream]]
                    }
                    session.step(tokens: tokens, logits: &batchLogits)
                    var memory: [[Float]]?
                    for stream in 0..<batch where step < sequences[stream].count {
                        current[stream] = Self.logSoftmax(batchLogits[stream * v..<(stream + 1) * v])
                        if step == sequences[stream].count - 1 {
                            if memory == nil { memory = session.state }
                            finals[stream] = SearchState(memory: SearchState.stream(stream, of: memory!, batch: batch),
                                                         logProbabilities: current[stream])
                        }
                    }
                }
                return (0..<batch).map { (finals[$0]!, Double(scores[$0])) }
            })
        // A stay holds the chord before.
        var held: [Int] = []
        for choice in best.choices { held.append(choice == Self.stay ? held.last! : choice) }
        var result = melody
        let fifths = melody.keyOrEstimate?.fifths ?? 0
        result.chords = held.enumerated().map { position, index in
            guard case .chord(let chord) = model.vocabulary.tokens[index] else { preconditionFailure("a chord index") }
            let start = points[position], end = position + 1 < points.count ? points[position + 1] : melodyIndices.count
            return chord.transposed(by: -shift).symbol(onset: model.encoding.step * QuarterLength(start),
                                                       duration: model.encoding.step * QuarterLength(end - start),
                                                       fifths: fifths)
        }
        return Result(melody: result, logProbability: best.score, changePoints: points.count)
    }

    /// The choice of no chord token at a change point: the chord before goes on.
    static let stay = -1

    /// Natural-log probabilities of logits, in single precision (the search computes thousands a melody).
    static func logSoftmax(_ logits: ArraySlice<Float>) -> [Float] {
        let maximum = logits.max() ?? 0
        var sum: Float = 0
        for value in logits { sum += exp(value - maximum) }
        let logSum = log(sum) + maximum
        return logits.map { $0 - logSum }
    }

    /// The part before the first change point after 0: the pickup, shortened to less than `length`.
    static func leadIn(_ melody: Melody, length: QuarterLength) -> QuarterLength {
        guard let pickup = melody.pickup, pickup > .zero, length > .zero else { return .zero }
        var lead = pickup
        while lead >= length { lead -= length }
        return lead
    }

    static func steps(_ length: QuarterLength, _ step: QuarterLength) -> Int {
        let ratio = length / step
        return ratio.numerator / ratio.denominator
    }
}
