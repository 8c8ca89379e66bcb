import Foundation
import Testing
@testable import LiltNN

/// A tiny corpus: the same 6-token phrase in every song, 0 the end-of-song token.
private func repeatingCorpus(songs: Int = 6) -> TokenCorpus {
    TokenCorpus(songs: Array(repeating: [1, 2, 3, 1, 4, 2, 5, 5], count: songs), endOfSong: 0, vocabularySize: 6)
}

private func options(epochs: Int, seed: UInt64 = 3) -> TrainingOptions {
    var options = TrainingOptions()
    options.sequenceLength = 8
    options.batchSize = 2
    options.epochs = epochs
    options.learningRate = 0.02
    options.seed = seed
    options.validationFraction = 0
    options.earlyStoppingPatience = nil
    return options
}

private func smallModel(seed: UInt64 = 1, dropout: Float = 0) -> LSTMModel {
    var generator = SeededGenerator(seed: seed)
    return LSTMModel(config: LSTMConfig(vocabularySize: 6, layers: 1, hidden: 16, embedding: 0, dropout: dropout),
                     using: &generator)
}

private func batchLosses(_ trainer: Trainer, shouldStop: @escaping () -> Bool = { false }) throws -> [Double] {
    var losses: [Double] = []
    try trainer.run(shouldStop: shouldStop) { event in
        if case .batch(let progress) = event { losses.append(progress.loss) }
    }
    return losses
}

@Test("Stream layout: whole songs per stream, / before each song and at the end, resets exactly at /")
func streamLayoutFollowsTheRule() {
    let layout = StreamLayout(songs: [[1, 2, 3], [4], [5, 5]], order: [0, 1, 2], endOfSong: 0, batch: 2)
    // Stream 0: / 1 2 3 /   stream 1: / 4 / 5 5 /   (song 2 goes to the shorter stream 1).
    #expect(layout.length == 5)
    var inputs = [Int32](repeating: 9, count: 10), targets = inputs, resets = [UInt8](repeating: 9, count: 10)
    let steps = layout.write(window: 0, steps: 5, endOfSong: 0, inputs: &inputs, targets: &targets, resets: &resets)
    #expect(steps == 5)
    // Time-major [t, b].
    #expect(inputs == [0, 0, 1, 4, 2, 0, 3, 5, 0, 5])
    #expect(targets == [1, 4, 2, 0, 3, 5, 0, 5, -1, 0])
    #expect(resets == [1, 1, 0, 0, 0, 1, 0, 0, 1, 0])
}

@Test("The split by song is deterministic from the seed and holds out the asked share")
func splitBySong() {
    let a = SongSplit(songCount: 50, validationFraction: 0.1, seed: 4)
    let b = SongSplit(songCount: 50, validationFraction: 0.1, seed: 4)
    let c = SongSplit(songCount: 50, validationFraction: 0.1, seed: 5)
    #expect(a == b)
    #expect(a != c)
    #expect(a.validation.count == 5 && a.training.count == 45)
    #expect(Set(a.training).isDisjoint(with: a.validation))
}

@Test("A model overfits a tiny repeating corpus to a loss below 0.01")
func overfitsTinyCorpus() throws {
    let trainer = try Trainer(model: smallModel(), corpus: repeatingCorpus(), options: options(epochs: 60))
    let losses = try batchLosses(trainer)
    #expect(losses.first! > 1)
    #expect(trainer.history.last!.train.loss < 0.01, "final epoch loss \(trainer.history.last!.train.loss)")
    #expect(trainer.history.last!.train.accuracy == 1)
}

@Test("Same seed and threads give bit-identical loss curves; another seed does not")
func deterministicRuns() throws {
    let first = try batchLosses(Trainer(model: smallModel(dropout: 0.2), corpus: repeatingCorpus(), options: options(epochs: 3)))
    let second = try batchLosses(Trainer(model: smallModel(dropout: 0.2), corpus: repeatingCorpus(), options: options(epochs: 3)))
    let other = try batchLosses(Trainer(model: smallModel(dropout: 0.2), corpus: repeatingCorpus(),
                                        options: options(epochs: 3, seed: 4)))
    #expect(first == second)
    #expect(first != other)
}

@Test("A run stopped mid-epoch and resumed from its files reproduces the uninterrupted loss curve")
func resumeReproducesCurve() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var settings = options(epochs: 4)
    settings.validationFraction = 0.2
    let corpus = TokenCorpus(songs: (0..<10).map { [1 + $0 % 5, 2, 3, 4 - $0 % 3, 5] }, endOfSong: 0, vocabularySize: 6)
    let uninterrupted = try Trainer(model: smallModel(dropout: 0.3), corpus: corpus, options: settings)
    let expected = try batchLosses(uninterrupted)

    let interrupted = try Trainer(model: smallModel(dropout: 0.3), corpus: corpus, options: settings)
    interrupted.checkpoints = CheckpointTarget(directory: directory, metadata: ["lilt.vocabulary": "[\"/\"]"])
    var windows = 0
    let before = try batchLosses(interrupted, shouldStop: { windows += 1; return windows > 7 })
    #expect(before.count == 7)
    let resumed = try Trainer.resume(from: directory.appendingPathComponent("latest.safetensors"), corpus: corpus)
    let after = try batchLosses(resumed)
    #expect(before + after == expected)
    #expect(resumed.history.map(\.validation) == uninterrupted.history.map(\.validation))
    let loaded = try Checkpoint.load(from: directory.appendingPathComponent("best.safetensors"))
    #expect(loaded.metadata["lilt.vocabulary"] == "[\"/\"]")
    #expect(loaded.metadata["lilt.history"] != nil)
}

@Test("A step limit stops after that many windows of this run, saves, and a run resumed with one more goes on from there")
func stepLimit() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-steps-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let expected = try batchLosses(Trainer(model: smallModel(), corpus: repeatingCorpus(), options: options(epochs: 2)))
    let first = try Trainer(model: smallModel(), corpus: repeatingCorpus(), options: options(epochs: 2))
    first.checkpoints = CheckpointTarget(directory: directory, metadata: [:])
    var losses: [Double] = []
    var stopped: [StopReason] = []
    func record(_ event: TrainingEvent) {
        if case .batch(let progress) = event { losses.append(progress.loss) }
        if case .stopped(let reason) = event { stopped.append(reason) }
    }
    #expect(try first.run(maxSteps: 2, onEvent: record) == .stepLimit)
    #expect(losses.count == 2)
    let resumed = try Trainer.resume(from: directory.appendingPathComponent("latest.safetensors"), corpus: repeatingCorpus())
    #expect(try resumed.run(maxSteps: 1, onEvent: record) == .stepLimit)
    #expect(stopped == [.stepLimit, .stepLimit])
    #expect(losses == Array(expected.prefix(3)))
}

@Test("A non-finite loss stops training with a clear error and changes no parameter")
func nonFiniteStops() throws {
    var model = smallModel()
    model.parameters[model.layout.tensor(named: "head.bias")!.offset] = .nan
    let trainer = try Trainer(model: model, corpus: repeatingCorpus(), options: options(epochs: 1))
    #expect(throws: TrainingError.self) { try trainer.run { _ in } }
    do { try trainer.run { _ in } } catch let error as TrainingError {
        #expect(error.description.contains("diverged at epoch 1, batch 1"))
    }
    #expect(trainer.model.parameters.dropFirst(1).elementsEqual(model.parameters.dropFirst(1)) { $0 == $1 || ($0.isNaN && $1.isNaN) })
}

@Test("Classic windows: one window per position, loss on the last step only, from a zero state")
func classicMode() throws {
    var settings = options(epochs: 30)
    settings.mode = .classic
    settings.batchSize = 4
    let trainer = try Trainer(model: smallModel(), corpus: repeatingCorpus(songs: 2), options: settings)
    // / s / s / = 19 tokens: 18 target positions, 5 windows of 4.
    #expect(trainer.batchesPerEpoch == 5)
    try trainer.run { _ in }
    #expect(trainer.history.last!.train.steps == 18)
    #expect(trainer.history.last!.train.loss < 0.05)
}

@Test("The onset-only figures count only targets among the onset tokens")
func onsetFigures() throws {
    var settings = options(epochs: 1)
    settings.validationFraction = 0.5
    let trainer = try Trainer(model: smallModel(), corpus: repeatingCorpus(songs: 2), onsetTokens: [5], options: settings)
    let totals = trainer.validate()
    // One validation song: / 1 2 3 1 4 2 5 5 / → 9 targets, two of them 5.
    #expect(totals.count == 9)
    #expect(totals.onsetCount == 2)
}

@Test("Step schedule multiplies the rate every N epochs; plateau cuts it when validation stalls")
func learningRateSchedules() throws {
    var settings = options(epochs: 4)
    settings.schedule = .step(epochs: 2, factor: 0.5)
    let stepped = try Trainer(model: smallModel(), corpus: repeatingCorpus(), options: settings)
    try stepped.run { _ in }
    #expect(stepped.history.map(\.learningRate) == [0.02, 0.02, 0.01, 0.01])

    settings.schedule = .plateau(patience: 1, factor: 0.1, minimum: 1e-4)
    settings.learningRate = 5   // far too high: the loss cannot keep improving
    settings.epochs = 10
    settings.clipNorm = 1
    let plateau = try Trainer(model: smallModel(), corpus: repeatingCorpus(), options: settings)
    try plateau.run { _ in }
    let rates = plateau.history.map(\.learningRate)
    // With patience 1: every epoch that is not the best so far cuts the next epoch's rate by 10×.
    for epoch in 0..<(rates.count - 1) {
        let expected = plateau.history[epoch].isBest ? rates[epoch] : max(rates[epoch] * 0.1, 1e-4)
        #expect(rates[epoch + 1] == expected, "epoch \(epoch + 1)")
    }
    #expect(rates.contains { $0 < 5 }, "no epoch stalled at learning rate 5: \(plateau.history.map(\.train.loss))")
}

@Test("Early stopping ends the run after the patience without improvement; a zero time limit stops at once")
func earlyStoppingAndTimeLimit() throws {
    var settings = options(epochs: 50)
    settings.validationFraction = 0.5
    settings.earlyStoppingPatience = 2
    settings.learningRate = 0.05
    let corpus = TokenCorpus(songs: [[1, 2, 3], [5, 4, 1, 1, 2]], endOfSong: 0, vocabularySize: 6)
    let trainer = try Trainer(model: smallModel(), corpus: corpus, options: settings)
    var stops: [StopReason] = []
    let reason = try trainer.run { event in if case .stopped(let why) = event { stops.append(why) } }
    guard case .earlyStopped(let best) = reason else { Issue.record("ran \(trainer.history.count) epochs: \(reason)"); return }
    #expect(stops == [reason])
    #expect(trainer.history.count == best + 2)
    #expect(trainer.history[best - 1].isBest && !trainer.history.last!.isBest)

    settings.minutes = 0
    let limited = try Trainer(model: smallModel(), corpus: corpus, options: settings)
    #expect(try limited.run { _ in } == .timeLimit)
    #expect(limited.history.isEmpty)
}

@Test("A trained model writes the phrase it learned; the same seed writes the same tokens")
func generationAfterTraining() throws {
    let trainer = try Trainer(model: smallModel(), corpus: repeatingCorpus(), options: options(epochs: 60))
    try trainer.run { _ in }
    let session = InferenceSession(model: trainer.model, batch: 3)
    var generator = SeededGenerator(seed: 5)
    let tokens = TokenGenerator.continuation(of: [0], session: session, stream: 1, length: 20, stop: 0,
                                             controls: SamplingControls(temperature: 0.5), generator: &generator)
    #expect(tokens == [1, 2, 3, 1, 4, 2, 5, 5, 0])
    var again = SeededGenerator(seed: 5)
    let hot = SamplingControls(temperature: 3)
    let first = TokenGenerator.continuation(of: [0, 1], session: session, length: 12, controls: hot, generator: &again)
    again = SeededGenerator(seed: 5)
    #expect(TokenGenerator.continuation(of: [0, 1], session: session, length: 12, controls: hot, generator: &again) == first)
    #expect(first.count == 12)
}
