import Foundation
import LiltCompose
import LiltMusic
import Testing

/// 200 melodies of 32 steps as one batch with `change` applied to the default controls.
private func batch(_ model: MusicModel, _ change: (inout GenerationControls) -> Void) throws -> [Take] {
    var controls = GenerationControls()
    controls.variations = 200
    controls.length = .steps(32)
    controls.stopAtEnd = false
    change(&controls)
    return try Composer.generate(model: model, seed: Seed(tokens: tokens("60 _ 62 _")), controls: controls)
}

private func restShare(_ takes: [Take]) -> Double {
    let generated = takes.flatMap(\.generated)
    return Double(generated.filter { $0 == .rest }.count) / Double(generated.count)
}

@Test("rest bias −3 gives fewer rests than 0, and +3 more (200 melodies each)")
func restBias() throws {
    let model = tinyModel()
    let fewer = restShare(try batch(model) { $0.restBias = -3 })
    let plain = restShare(try batch(model) { $0.restBias = 0 })
    let more = restShare(try batch(model) { $0.restBias = 3 })
    #expect(fewer < plain, "\(fewer) \(plain)")
    #expect(plain < more, "\(plain) \(more)")
    #expect(plain > 0)
}

@Test("hold bias lengthens notes")
func holdBias() throws {
    let model = tinyModel()
    func holds(_ takes: [Take]) -> Int { takes.flatMap(\.generated).filter { $0 == .hold }.count }
    #expect(holds(try batch(model) { $0.holdBias = -2 }) < holds(try batch(model) { $0.holdBias = 2 }))
}

@Test("higher temperature gives higher mean entropy; the adaptive rule moves the entropy towards its target")
func temperatureEntropy() throws {
    let model = tinyModel()
    func meanEntropy(_ takes: [Take]) -> Double { takes.map(\.meanEntropy).reduce(0, +) / Double(takes.count) }
    let cool = meanEntropy(try batch(model) { $0.temperature = 0.6 })
    let plain = meanEntropy(try batch(model) { $0.temperature = 1 })
    let warm = meanEntropy(try batch(model) { $0.temperature = 1.6 })
    #expect(cool < plain && plain < warm, "\(cool) \(plain) \(warm)")
    let low = meanEntropy(try batch(model) { $0.targetEntropy = 0.3 })
    let high = meanEntropy(try batch(model) { $0.targetEntropy = 2.5 })
    #expect(low < plain && plain < high, "\(low) \(plain) \(high)")
}

@Test("scale lock yields only pitches of the scale; pitch range only pitches inside it")
func scaleAndRange() throws {
    let model = tinyModel()
    let dMajor = Key(tonic: 2, mode: .major)
    let locked = try batch(model) { $0.scale = .scale(dMajor) }
    let pitches = locked.flatMap(\.generated).compactMap { token -> Int? in
        if case .note(let midi) = token { midi } else { nil }
    }
    #expect(pitches.count > 500)
    #expect(pitches.allSatisfy { dMajor.pitchClasses.contains($0 % 12) })
    let free = try batch(model) { _ in }.flatMap(\.generated)
    #expect(free.contains { if case .note(let m) = $0 { !dMajor.pitchClasses.contains(m % 12) } else { false } })
    let ranged = try batch(model) { $0.pitchRange = 60...67 }.flatMap(\.generated)
    #expect(ranged.allSatisfy { if case .note(let m) = $0 { (60...67).contains(m) } else { true } })
}

@Test("the same random seed reproduces a take exactly, a different one does not; provenance regenerates it")
func reproducible() throws {
    let model = tinyModel()
    var controls = GenerationControls()
    controls.length = .bars(4)
    controls.variations = 3
    controls.randomSeed = 42
    let seed = Seed(tokens: tokens("64 _ 62 _ 60 _ _ _"))
    let first = try Composer.generate(model: model, seed: seed, controls: controls)
    let again = try Composer.generate(model: model, seed: seed, controls: controls)
    #expect(first == again)
    controls.randomSeed = 43
    let other = try Composer.generate(model: model, seed: seed, controls: controls)
    #expect(first.map(\.tokens) != other.map(\.tokens))
    #expect(Set(first.map(\.tokens)).count == 3, "variations differ from one another")

    // Controls changed while streaming are recorded and replayed.
    controls.randomSeed = 5
    controls.stopAtEnd = false
    let generator = try StreamingGenerator(model: model, seed: seed, controls: controls)
    for _ in 0..<10 { generator.next() }
    generator.controls.restBias = 4
    generator.controls.temperature = 1.5
    for _ in 0..<7 { generator.next() }
    generator.controls.scale = .key
    let takes = generator.run()
    #expect(generator.changes.map(\.step) == [10, 17])
    for take in takes {
        let replay = try Composer.regenerate(take.provenance, model: model)
        #expect(replay == take)
    }
    let data = try JSONEncoder().encode(takes[1].provenance)
    let decoded = try JSONDecoder().decode(TakeProvenance.self, from: data)
    #expect(try Composer.regenerate(decoded, model: model) == takes[1])
}

@Test("a control change applies from the next step")
func streamingChange() throws {
    let model = tinyModel()
    var controls = GenerationControls()
    controls.length = .steps(40)
    controls.stopAtEnd = false
    controls.variations = 50
    let generator = try StreamingGenerator(model: model, seed: Seed(), controls: controls)
    for _ in 0..<20 { generator.next() }
    generator.controls.scale = .scale(Key(tonic: 1, mode: .major))
    let takes = generator.run()
    let allowed = Key(tonic: 1, mode: .major).pitchClasses
    for take in takes {
        #expect(take.generated.dropFirst(20).allSatisfy { if case .note(let m) = $0 { allowed.contains(m % 12) } else { true } })
    }
    #expect(takes.contains { $0.generated.prefix(20).contains { if case .note(let m) = $0 { !allowed.contains(m % 12) } else { false } } })
}

@Test("seeds from every source: the continuation starts with the seed unchanged")
func seedsFromEverySource() throws {
    let model = tinyModel()
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A tune in F major: moved down to C major for the model, and back to F for the result.
    let abc = folder.appendingPathComponent("seed.abc")
    try "X:1\nT:Seed\nM:4/4\nL:1/8\nK:F\nFGAB c2A2|B2G2 F4|c2c2 d2e2|f8|]\n".write(to: abc, atomically: true, encoding: .utf8)
    let original = try MusicFile.read(abc)[0]
    let store = CorpusStore(directory: folder.appendingPathComponent("corpora"))
    let corpus = CorpusImporter().importCorpus(name: "tiny", paths: [abc])
    try store.save(corpus)

    var controls = GenerationControls()
    controls.length = .bars(2)
    controls.stopAtEnd = false
    for source: SeedSource in [.tokens("67 _ 67 _ 67 _ _ 65 64 _ 64 _"), .file(path: abc.path, index: 1, bars: nil),
                               .file(path: abc.path, index: 1, bars: 2...3), .corpusSong(name: "tiny", index: 1), .none] {
        let seed = try Seed.resolve(source, for: model, corpora: store)
        let take = try Composer.generate(model: model, seed: seed, controls: controls)[0]
        #expect(Array(take.tokens.prefix(seed.tokens.count)) == seed.tokens, "\(source)")
        #expect(take.tokens.count == seed.tokens.count + 32, "\(source)")
        switch source {
        case .file(_, _, nil), .corpusSong:
            #expect(seed.shift == -5, "F major moves down to C")
            // Played back in F: the take's first notes are the file's notes.
            let count = original.notes.count
            #expect(Array(take.melody.notes.prefix(count).map(\.pitch)) == original.notes.map(\.pitch), "\(source)")
            #expect(Array(take.melody.notes.prefix(count - 1)) == Array(original.notes.prefix(count - 1)), "\(source)")
        case .file(_, _, .some):
            #expect(seed.tokens.count == 32)
            #expect(take.melody.notes.first?.pitch?.midi == original.notes[6].pitch?.midi)
        default: break
        }
    }
    #expect(SeedSource.parse("tiny:3") == .corpusSong(name: "tiny", index: 3))
    #expect(SeedSource.parse("\(abc.path)@2-3") == .file(path: abc.path, index: 1, bars: 2...3))
    #expect(SeedSource.parse("60 _ 62") == .tokens("60 _ 62"))
    #expect(throws: ComposeError.self) { try Seed.resolve(.tokens("60 x"), for: model, corpora: store) }
    #expect(throws: ComposeError.self) { try Seed.resolve(.tokens("90 _"), for: model, corpora: store) }
    #expect(throws: ComposeError.self) { try Seed.resolve(.corpusSong(name: "tiny", index: 9), for: model, corpora: store) }
}

@Test("each generated token carries the model's own probability: exp of what scoring the take gives it, whatever the sliders")
func tokenProbabilities() throws {
    let model = tinyModel()
    var controls = GenerationControls()
    controls.variations = 3
    controls.length = .steps(40)
    controls.stopAtEnd = false
    controls.temperature = 0.6
    controls.restBias = 1.5
    controls.topP = 0.9
    let seed = Seed(tokens: tokens("60 _ 62 _"))
    let takes = try Composer.generate(model: model, seed: seed, controls: controls)
    for take in takes {
        #expect(take.tokenProbabilities.count == take.generated.count)
        let indices = try #require(model.vocabulary.indices(of: take.tokens))
        // Scoring the whole take (seed and all) from `/`: the last score is the closing `/`.
        let scores = Scoring.logProbabilities(song: indices, model: model)
        let generatedScores = scores[seed.tokens.count..<take.tokens.count]
        for (probability, score) in zip(take.tokenProbabilities, generatedScores) {
            #expect(abs(probability - exp(score)) < 1e-4 * max(probability, 1e-3), "\(probability) vs \(exp(score))")
        }
        #expect(take.tokenProbabilities.allSatisfy { $0 > 0 && $0 < 1 })
    }
    // The takes differ, and so do their probabilities.
    #expect(takes[0].tokenProbabilities != takes[1].tokenProbabilities)
}

@Test("a generated note's probability is that of its onset token; seed notes and rests have none")
func noteProbabilities() throws {
    let model = tinyModel()
    var controls = GenerationControls()
    controls.length = .steps(48)
    controls.stopAtEnd = false
    controls.holdBias = 1
    let seed = Seed(tokens: tokens("60 _ 62 _"))
    let take = try #require(try Composer.generate(model: model, seed: seed, controls: controls).first)
    let step = QuarterLength(1, 4)
    var checked = 0
    for note in take.melody.notes {
        let index = (note.onset / step).numerator
        let probability = take.probability(ofNoteAt: note.onset)
        if note.isRest || index < seed.tokens.count {
            #expect(probability == nil)
        } else {
            #expect(probability == take.tokenProbabilities[index - seed.tokens.count])
            checked += 1
        }
    }
    #expect(checked >= 3)
    // Off the grid, or on a hold: nothing.
    #expect(take.probability(ofNoteAt: QuarterLength(9, 8)) == nil)
    if let hold = take.generated.firstIndex(of: .hold) {
        #expect(take.probability(ofNoteAt: step * QuarterLength(hold)) == nil)
    }
}

@Test("the model's odds for the next step are its own probabilities after the seed, moved to sounding pitch")
func nextStepPrediction() throws {
    let model = tinyModel()
    let seedTokens = tokens("60 _ 62 _ r 64")
    let indices = try #require(model.vocabulary.indices(of: seedTokens))
    let prediction = try NextStepPrediction(after: Seed(tokens: seedTokens, shift: 3), model: model)
    // Each candidate's probability is exp of what scoring gives it right after the seed.
    for (index, token) in model.vocabulary.tokens.enumerated() {
        let expected = exp(Scoring.logProbabilities(song: indices + [index], model: model)[indices.count])
        let got: Double
        switch token {
        case .note(let midi): got = try #require(prediction.notes[midi - 3])
        case .hold: got = prediction.hold
        case .rest: got = prediction.rest
        case .end: got = prediction.end
        case .chord, .noChord: continue
        }
        #expect(abs(got - expected) < 1e-9, "\(token)")
    }
    let total = prediction.notes.values.reduce(0, +) + prediction.hold + prediction.rest + prediction.end
    #expect(abs(total - 1) < 1e-9)
    #expect(prediction.summary(count: 2).split(separator: "·").count == 2)
    #expect(throws: ComposeError.self) { try NextStepPrediction(after: Seed(tokens: tokens("60 _ 120")), model: model) }
}
