import Foundation
import LiltMusic
import LiltNN

/// Generates one step at a time, all variations as one batch, so playback can start before a melody is
/// finished. Set `controls` at any time: the change applies from the next step (and is recorded in the
/// takes' provenance, so they regenerate exactly).
///
/// Use: `let generator = try StreamingGenerator(model:seed:controls:)`, then `next()` until
/// `isFinished` (each call returns the token drawn per variation, nil where one has finished), then
/// `takes()`. Not thread-safe: own it on one thread (the studio's generation task).
public final class StreamingGenerator {
    public let model: MusicModel
    public let seed: Seed
    /// The controls in force; setting them records a change from the next step.
    public var controls: GenerationControls {
        didSet { controlsChanged() }
    }
    /// The controls at the start.
    public let initialControls: GenerationControls
    public private(set) var changes: [ControlChange] = []
    /// Steps generated so far (the same for every variation still running).
    public private(set) var step = 0
    /// Generated token indices per variation (seed excluded).
    public private(set) var generated: [[Int]]
    /// Per variation, for each generated token, the probability the model itself gave it: the softmax of
    /// the network's logits at temperature 1, before the biases, masks, temperature and top-p that shaped
    /// the distribution it was drawn from. This is the figure `lilt score` reports (exp of its
    /// log-probability), so it says how likely the model found the token, whatever the sliders were.
    public private(set) var tokenProbabilities: [[Double]]
    /// Whether each variation has finished (ended its song or reached the length).
    public private(set) var finished: [Bool]
    /// The model ended the song in each variation.
    public private(set) var endedSong: [Bool]
    /// Steps in one bar (from the seed's meter, 4/4 without one).
    public let stepsPerBar: Int
    /// Chords the melody is written over (a lead-sheet model): forced, never drawn; no other chord is
    /// drawn. Empty: a lead-sheet model draws its chords with the melody.
    public let givenChords: GivenChords?
    /// Grid steps generated per variation (chord tokens take no step).
    public private(set) var stepsGenerated: [Int]
    /// Per variation, the step whose given chord was written last (−1 for none).
    var forcedThrough: [Int]

    let session: InferenceSession
    var generators: [SeededGenerator]
    var logits: [Float]
    var feed: [Int]
    var temperatures: [Double]
    var entropySums: [Double]
    var bias: [Double]
    /// The distribution the next token is drawn from (one stream at a time).
    var distribution: [Double]
    var order: [Int]
    let seedIndices: [Int]

    /// Primes a batch of `controls.variations` streams with `/` and the seed.
    /// With `givenChords` the melody is written over them (they start after the seed).
    public init(model: MusicModel, seed: Seed, controls: GenerationControls, threads: Int? = nil,
                givenChords: GivenChords? = nil) throws {
        if let problem = controls.problem { throw ComposeError.badControls(problem) }
        guard let seedIndices = model.vocabulary.indices(of: seed.tokens) else {
            throw ComposeError.badSeed(seed: seed.source.description, reason: "a token the model does not know")
        }
        self.model = model
        self.seed = seed
        self.controls = controls
        initialControls = controls
        self.seedIndices = seedIndices
        self.givenChords = givenChords
        let barSteps = (seed.meter ?? Meter(4, 4)).barLength / model.encoding.step
        stepsPerBar = max(1, barSteps.numerator / max(barSteps.denominator, 1))
        let batch = controls.variations, v = model.vocabulary.count
        session = InferenceSession(model: model.network, batch: batch, threads: threads)
        generators = (0..<batch).map { SeededGenerator(seed: controls.randomSeed &+ UInt64($0) &* 0x9E37_79B9_7F4A_7C15) }
        logits = [Float](repeating: 0, count: batch * v)
        feed = [Int](repeating: model.endIndex, count: batch)
        temperatures = [Double](repeating: controls.temperature, count: batch)
        entropySums = [Double](repeating: 0, count: batch)
        generated = [[Int]](repeating: [], count: batch)
        tokenProbabilities = [[Double]](repeating: [], count: batch)
        finished = [Bool](repeating: false, count: batch)
        endedSong = [Bool](repeating: false, count: batch)
        stepsGenerated = [Int](repeating: 0, count: batch)
        forcedThrough = [Int](repeating: -1, count: batch)
        bias = []
        distribution = [Double](repeating: 0, count: v)
        order = Array(0..<v)
        session.step(tokens: feed, logits: &logits)
        for token in seedIndices {
            for b in 0..<batch { feed[b] = token }
            session.step(tokens: feed, logits: &logits)
        }
        bias = biasVector(controls)
        if totalSteps == 0 { finished = finished.map { _ in true } }
    }

    /// The generated length in steps under the current controls.
    public var totalSteps: Int { max(0, controls.length.steps(stepsPerBar: stepsPerBar)) }

    public var isFinished: Bool { !finished.contains(false) }

    private func controlsChanged() {
        if controls.randomSeed != initialControls.randomSeed || controls.variations != initialControls.variations {
            // These fix the run; keep them as they started.
            controls.randomSeed = initialControls.randomSeed
            controls.variations = initialControls.variations
            return
        }
        if changes.last?.step == step { changes.removeLast() }
        changes.append(ControlChange(step: step, controls: controls))
        bias = biasVector(controls)
        if controls.targetEntropy == nil { temperatures = temperatures.map { _ in controls.temperature } }
        for b in finished.indices where !finished[b] && stepsGenerated[b] >= totalSteps { finished[b] = true }
    }

    /// Semitones from the output's sounding pitch to the model's key.
    private var outputShift: Int { controls.transposeBack ? seed.shift : 0 }

    /// Per-token additions to the logits: rest and hold biases, −∞ for pitches outside the scale or range
    /// and for `/` when the song must go on.
    private func biasVector(_ controls: GenerationControls) -> [Double] {
        var bias = [Double](repeating: 0, count: model.vocabulary.count)
        let allowedClasses: Set<Int>? = controls.scale.map { lock in
            switch lock {
            case .key:
                return seed.key.map { Key(tonic: $0.tonic + seed.shift, mode: $0.mode).pitchClasses } ?? Key(tonic: 0, mode: .major).pitchClasses
            case .scale(let key):
                return Key(tonic: key.tonic + outputShift, mode: key.mode).pitchClasses
            }
        }
        let range = controls.pitchRange.map { ($0.lowerBound + outputShift)...($0.upperBound + outputShift) }
        for (index, token) in model.vocabulary.tokens.enumerated() {
            switch token {
            case .rest: bias[index] = controls.restBias
            case .hold: bias[index] = controls.holdBias
            case .end: if !controls.stopAtEnd { bias[index] = -.infinity }
            case .note(let midi):
                if let allowedClasses, !allowedClasses.contains(((midi % 12) + 12) % 12) { bias[index] = -.infinity }
                if let range, !range.contains(midi) { bias[index] = -.infinity }
            case .chord, .noChord: if givenChords != nil { bias[index] = -.infinity }
            }
        }
        return bias
    }

    /// Draws one token for every running variation and feeds it; returns the tokens drawn (nil for a
    /// variation that has finished, or that ended its song at this step).
    @discardableResult
    public func next() -> [TimeStepToken?] {
        let batch = controls.variations, v = model.vocabulary.count
        var drawn = [TimeStepToken?](repeating: nil, count: batch)
        guard !isFinished else { return drawn }
        for b in 0..<batch where !finished[b] {
            let position = stepsGenerated[b]
            if let forced = givenChords?.tokens[position], forcedThrough[b] < position {
                // A given chord starts at this step: written as it is, nothing drawn.
                forcedThrough[b] = position
                generated[b].append(forced)
                tokenProbabilities[b].append(modelProbability(of: forced, stream: b))
                drawn[b] = model.vocabulary.tokens[forced]
                feed[b] = forced
                continue
            }
            let entropy = fillDistribution(stream: b)
            let token = Sampler.sample(distribution, uniform: generators[b].nextUnitDouble())
            entropySums[b] += entropy
            if let target = controls.targetEntropy {
                temperatures[b] = min(4, max(0.1, temperatures[b] * exp(0.5 * (target - entropy))))
            }
            if token == model.endIndex {
                finished[b] = true
                endedSong[b] = true
                feed[b] = token
                continue
            }
            generated[b].append(token)
            tokenProbabilities[b].append(modelProbability(of: token, stream: b))
            drawn[b] = model.vocabulary.tokens[token]
            feed[b] = token
            if model.vocabulary.tokens[token].isStep { stepsGenerated[b] += 1 }
            if stepsGenerated[b] >= totalSteps { finished[b] = true }
        }
        step += 1
        if !isFinished {
            session.step(tokens: feed, logits: &logits)
        }
        _ = v
        return drawn
    }

    /// Runs to the end and returns the takes.
    public func run() -> [Take] {
        while !isFinished { next() }
        return takes()
    }

    /// The probability of `token` under the softmax of stream `b`'s raw logits (temperature 1, no bias).
    private func modelProbability(of token: Int, stream b: Int) -> Double {
        let v = model.vocabulary.count, base = b * v
        var maximum = -Double.infinity
        for i in 0..<v { maximum = max(maximum, Double(logits[base + i])) }
        var total = 0.0
        for i in 0..<v { total += exp(Double(logits[base + i]) - maximum) }
        return exp(Double(logits[base + token]) - maximum) / total
    }

    /// Writes stream `b`'s distribution into `distribution`; returns its entropy (nats).
    private func fillDistribution(stream b: Int) -> Double {
        let v = model.vocabulary.count, base = b * v
        let temperature = controls.targetEntropy == nil ? controls.temperature : temperatures[b]
        var maximum = -Double.infinity
        for i in 0..<v {
            let z = (Double(logits[base + i]) + bias[i]) / temperature
            distribution[i] = z
            if z > maximum { maximum = z }
        }
        if maximum == -.infinity {
            // Everything masked: fall back to the unbiased logits.
            for i in 0..<v { distribution[i] = Double(logits[base + i]) / temperature }
            maximum = distribution.max() ?? 0
        }
        var total = 0.0
        for i in 0..<v {
            let p = distribution[i] == -.infinity ? 0 : exp(distribution[i] - maximum)
            distribution[i] = p
            total += p
        }
        var entropy = 0.0
        for i in 0..<v {
            let p = distribution[i] / total
            distribution[i] = p
            if p > 0 { entropy -= p * log(p) }
        }
        if controls.topP < 1 {
            for i in 0..<v { order[i] = i }
            let p = distribution
            order.sort { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
            var kept = 0.0, cut = v
            for (rank, index) in order.enumerated() {
                kept += p[index]
                if kept >= controls.topP { cut = rank + 1; break }
            }
            var remaining = 0.0
            for rank in 0..<v {
                if rank >= cut { distribution[order[rank]] = 0 } else { remaining += distribution[order[rank]] }
            }
            for i in 0..<v { distribution[i] /= remaining }
        }
        return entropy
    }

    /// The takes so far (every variation), with their provenance.
    public func takes() -> [Take] {
        (0..<controls.variations).map { b in
            let tokens = seed.tokens + generated[b].map { model.vocabulary.tokens[$0] }
            var melody = model.encoder.decode(tokens)
            let shift = controls.transposeBack ? seed.shift : 0
            melody = melody.transposed(by: -shift)
            melody.key = seed.key.map { controls.transposeBack ? $0 : Key(tonic: $0.tonic + seed.shift, mode: $0.mode) }
            // Without a seed's meter, the bars the length was counted in: 4/4.
            melody.meter = seed.meter ?? Meter(4, 4)
            melody.pickup = seed.pickup
            melody.title = seed.title.map { "\($0) (continued)" } ?? "Lilt take \(b + 1)"
            let provenance = TakeProvenance(
                model: model.file?.path ?? "", modelHash: model.hash, seed: seed.source,
                seedTokens: seed.tokens.map(\.description), transposition: seed.shift, seedKey: seed.key,
                seedMeter: seed.meter, seedPickup: seed.pickup?.doubleValue, controls: initialControls,
                changes: changes, variation: b,
                givenChords: givenChords.map { $0.tokens.mapValues { model.vocabulary.tokens[$0].description } })
            return Take(tokens: tokens, seedLength: seed.tokens.count, endedSong: endedSong[b],
                        meanEntropy: entropySums[b] / Double(max(1, generated[b].count + (endedSong[b] ? 1 : 0))),
                        tokenProbabilities: tokenProbabilities[b], step: model.encoding.step,
                        melody: melody, provenance: provenance)
        }
    }
}

/// One-call generation and exact regeneration.
public enum Composer {
    /// All variations of a generation, run to the end.
    public static func generate(model: MusicModel, seed: Seed, controls: GenerationControls,
                                givenChords: GivenChords? = nil) throws -> [Take] {
        try StreamingGenerator(model: model, seed: seed, controls: controls, givenChords: givenChords).run()
    }

    /// The take `provenance` describes, generated again with `model` (whose hash must match when both
    /// are known). Control changes are applied at their steps, so the result is bit-identical.
    public static func regenerate(_ provenance: TakeProvenance, model: MusicModel) throws -> Take {
        if !provenance.modelHash.isEmpty && !model.hash.isEmpty && provenance.modelHash != model.hash {
            throw ComposeError.badModel(path: model.file?.path ?? "", reason: "its hash \(model.hash) is not the take's \(provenance.modelHash)")
        }
        let tokens = provenance.seedTokens.compactMap(TimeStepToken.init)
        guard tokens.count == provenance.seedTokens.count else {
            throw ComposeError.badSeed(seed: provenance.seed.description, reason: "the provenance holds a token that is not one")
        }
        let seed = Seed(source: provenance.seed, tokens: tokens, shift: provenance.transposition, key: provenance.seedKey,
                        meter: provenance.seedMeter,
                        pickup: provenance.seedPickup.map { QuarterLength.rounded($0, toDenominator: 48) })
        var given: GivenChords?
        if let recorded = provenance.givenChords {
            var tokens: [Int: Int] = [:]
            for (step, text) in recorded {
                guard let token = TimeStepToken(text), let index = model.vocabulary.index(of: token) else {
                    throw ComposeError.badSeed(seed: provenance.seed.description, reason: "given chord '\(text)' is not in the model's vocabulary")
                }
                tokens[step] = index
            }
            // Only the tokens steer the generator; the span and key are what they were near enough.
            given = GivenChords(tokens: tokens, steps: (tokens.keys.max() ?? -1) + 1,
                                key: provenance.seedKey ?? Key(tonic: 0, mode: .major), shift: provenance.transposition)
        }
        let generator = try StreamingGenerator(model: model, seed: seed, controls: provenance.controls, givenChords: given)
        var pending = provenance.changes[...]
        while !generator.isFinished {
            while let change = pending.first, change.step <= generator.step {
                generator.controls = change.controls
                pending = pending.dropFirst()
            }
            generator.next()
        }
        // A change recorded at the very end (after the last step) still belongs to the record.
        for change in pending { generator.controls = change.controls }
        return generator.takes()[provenance.variation]
    }
}
