import Foundation
import LiltCompose
import LiltMusic
import LiltNN
import Synchronization
import Testing

@Test("originality finds a planted copied span of known length exactly, and 0 for pitches absent from the corpus")
func originalityPlanted() throws {
    // A corpus of 300 random songs over MIDI 55…72 (and rests, holds).
    var generator = SeededGenerator(seed: 3)
    let vocabulary = testVocabulary
    var songs: [[Int]] = []
    for _ in 0..<300 {
        var song: [Int] = []
        for _ in 0..<64 {
            let roll = Int(generator.next() % 10)
            let token: TimeStepToken = roll < 3 ? .hold : roll == 3 ? .rest : .note(55 + Int(generator.next() % 18))
            song.append(vocabulary.index(of: token)!)
        }
        song[0] = vocabulary.index(of: .note(60))!
        songs.append(song + [vocabulary.index(of: .end)!])
    }
    let index = OriginalityIndex(songs: songs, vocabulary: vocabulary)
    let absent: [TimeStepToken] = tokens("76 _ 77 78 _ _ 79 76")
    for length in [1, 5, 13, 30] {
        let song = 123, start = 10
        var from = start
        while case .hold = vocabulary.tokens[songs[song][from]] { from += 1 }   // a span starts at an onset
        let copied = vocabulary.tokens(at: Array(songs[song][from..<(from + length)]))!
        let melody = absent + copied + absent
        let result = index.originality(of: melody, stepsPerBar: 16)
        #expect(result.longestSharedSteps == length, "planted \(length)")
        #expect(result.melodyStep == absent.count)
        #expect(result.longestSharedBars == Double(length) / 16)
    }
    let foreign = tokens("76 _ 77 _ 78 79 _ 76 77 _ _ 78 79 76 _ 77 78 79")
    let none = index.originality(of: foreign)
    #expect(none.longestSharedSteps == 0)
    #expect(none.sharedPatternShare == 0)
    // A whole corpus song is found in full, and all of its 8-note patterns.
    let whole = vocabulary.tokens(at: Array(songs[7].dropLast()))!
    let found = index.originality(of: whole)
    #expect(found.longestSharedSteps == whole.count)
    #expect(found.sharedPatternShare == 1)
}

@Test("the Kneser–Ney n-gram gives proper distributions and learns a repeating corpus")
func ngram() {
    let songs = (0..<20).map { _ in [3, 4, 5, 3, 4, 5, 6, 1, 1, 3] }
    let model = NGramModel(songs: songs, endOfSong: 0, vocabularySize: 8, order: 5)
    for context in [[Int](), [3, 4], [6, 1, 1, 3], [7, 7, 7, 7]] {
        let total = (0..<8).reduce(0.0) { $0 + exp(model.logProbability(of: $1, after: context[...])) }
        #expect(abs(total - 1) < 1e-9, "\(context)")
    }
    let logprobs = model.logProbabilities(song: songs[0])
    #expect(logprobs.count == 11)
    #expect(-logprobs.reduce(0, +) / 11 < 0.2)
    let unseen = model.logProbabilities(song: [7, 2, 7, 2])
    #expect(-unseen.reduce(0, +) / 5 > 1)
}

@Test("melody statistics and Jensen–Shannon distances")
func statistics() {
    let stats = MelodyStatistics(tokens("60 _ 64 _ r _ 67 61"))
    #expect(stats.notes == 4 && stats.steps == 8)
    #expect(stats.range == 7)
    #expect(stats.restRatio == 0.25)
    #expect(stats.inScaleRatio == 0.75)
    #expect(stats.intervals[12 + 4] == 1 && stats.intervals[12 + 3] == 1 && stats.intervals[12 - 6] == 1)
    #expect(stats.density(step: QuarterLength(1, 4)) == 2)
    #expect(CorpusComparison.jensenShannonDistance([1, 0], [0, 1]) == 1)
    #expect(CorpusComparison.jensenShannonDistance([1, 2, 3], [2, 4, 6]) == 0)
}

@Test("held-out cross-entropy of a model equals the mean of its scores; a training job writes model, metrics and samples")
func trainingAndHeldOut() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let corpus = CorpusImporter().importCorpus(name: "samples", paths: [packageRoot.appendingPathComponent("Corpora/samples")])
    #expect(corpus.songs.count == 15)
    var options = TrainingOptions()
    options.epochs = 2
    options.sequenceLength = 16
    options.batchSize = 8
    options.threads = 1
    let job = TrainingJob(corpus: corpus, model: ModelOptions(layers: 1, hidden: 16, dropout: 0), options: options,
                          directory: folder, sampleSteps: 16)
    job.start()
    #expect(try job.wait() == .finished)
    let events = job.drainEvents()
    #expect(events.filter { if case .trainer(.epoch) = $0 { true } else { false } }.count == 2)
    let sampled = events.compactMap { if case .sample(_, let take) = $0 { take } else { nil } }
    #expect(sampled.count == 2)
    // Each sample carries the model's probability of each of its tokens (the studio shades its notes by them).
    #expect(sampled.allSatisfy { $0.tokenProbabilities.count == $0.generated.count && !$0.generated.isEmpty })
    #expect(sampled.allSatisfy { $0.tokenProbabilities.allSatisfy { $0 > 0 && $0 <= 1 } })
    let csv = try String(contentsOf: job.metricsURL, encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 3 && csv[0].hasPrefix("epoch,train_loss"))
    let samples = try String(contentsOf: job.samplesURL, encoding: .utf8).split(separator: "\n")
    #expect(samples.count == 2 && samples[1] == "epoch 2: " + sampled[1].tokens.map(\.description).joined(separator: " "))

    let model = try MusicModel.load(from: folder)
    #expect(model.vocabulary == corpus.vocabulary)
    #expect(model.trainingInfo == TrainingInfo(corpus: "samples", seed: 1, validationFraction: 0.1))
    #expect(model.hash.count == 16)
    let heldOut = HeldOutEvaluation(corpus: corpus)
    #expect(heldOut.heldOut.count == 2)
    let result = heldOut.evaluate(model)
    let scores = heldOut.heldOut.flatMap { Scoring.logProbabilities(song: $0, model: model) }
    #expect(abs(result.crossEntropy + scores.reduce(0, +) / Double(scores.count)) < 1e-9)
    #expect(result.steps == scores.count)
    // The trainer's own validation loss for the best epoch is the same figure (float sums aside).
    let lines = csv[1...].map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let best = try #require(lines.last { $0.last == "1" })
    let validationLoss = try #require(Double(best[5]))
    #expect(abs(result.crossEntropy - validationLoss) < 1e-3, "\(result.crossEntropy) vs \(validationLoss)")
}

/// The batches a job reported, and the job itself for the callback.
private final class BatchLog: Sendable {
    let batches = Mutex<[BatchProgress]>([])
    let job = Mutex<TrainingJob?>(nil)
    var count: Int { batches.withLock { $0.count } }
    var all: [BatchProgress] { batches.withLock { $0 } }
}

/// A small training job on the samples corpus; `onBatch` sees the job and each batch as it ends.
private func smallJob(in folder: URL, onBatch: @escaping @Sendable (TrainingJob, BatchProgress) -> Void = { _, _ in })
    -> (TrainingJob, BatchLog) {
    let corpus = CorpusImporter().importCorpus(name: "samples", paths: [packageRoot.appendingPathComponent("Corpora/samples")])
    var options = TrainingOptions()
    options.epochs = 2
    options.sequenceLength = 16
    options.batchSize = 8
    options.threads = 1
    let log = BatchLog()
    let job = TrainingJob(corpus: corpus, model: ModelOptions(layers: 1, hidden: 16, dropout: 0), options: options,
                          directory: folder, sampleSteps: 8) { event in
        guard case .trainer(.batch(let batch)) = event else { return }
        log.batches.withLock { $0.append(batch) }
        if let job = log.job.withLock({ $0 }) { onBatch(job, batch) }
    }
    log.job.withLock { $0 = job }
    return (job, log)
}

/// Waits (up to 30 s) until `condition` holds.
private func waitUntil(_ condition: () -> Bool) {
    let deadline = Date().addingTimeInterval(30)
    while !condition(), Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
}

@Test("pause holds training at the next batch boundary; unpaused, it gives exactly the losses of a run never paused")
func pauseAndUnpause() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (plain, plainBatches) = smallJob(in: folder.appendingPathComponent("plain"))
    plain.start()
    #expect(try plain.wait() == .finished)
    let reference = plainBatches.all
    #expect(reference.count > 6)

    // Pause from inside the run, right after batch 3, so the boundary is known.
    let (job, batches) = smallJob(in: folder.appendingPathComponent("paused")) { job, batch in
        if batch.epoch == 1 && batch.batch == 3 { job.pause() }
    }
    #expect(job.pauseState == .running)
    job.start()
    waitUntil { job.pauseState == .paused }
    #expect(job.pauseState == .paused)
    let held = batches.count
    #expect(held == 3, "held after the batch in progress when asked")
    Thread.sleep(forTimeInterval: 0.4)
    #expect(batches.count == held, "no batch runs while paused")
    #expect(job.result == nil)
    job.unpause()
    #expect(try job.wait() == .finished)
    let resumed = batches.all
    #expect(resumed.map(\.loss) == reference.map(\.loss))
    #expect(resumed.map(\.gradientNorm) == reference.map(\.gradientNorm))
    #expect(resumed.map(\.batch) == reference.map(\.batch))
    #expect(job.pauseState == .running)
}

@Test("stop works while paused: the run ends at once without another batch")
func stopWhilePaused() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (job, batches) = smallJob(in: folder) { job, batch in
        if batch.batch == 2 { job.pause() }
    }
    job.start()
    waitUntil { job.pauseState == .paused }
    #expect(job.pauseState == .paused)
    job.cancel()
    #expect(try job.wait() == .cancelled)
    #expect(batches.count == 2)
    // It saved where it stood, so `lilt train --resume` can go on.
    #expect(FileManager.default.fileExists(atPath: job.latestURL.path))
}

@Test("a model's training history is read from the metrics file beside it: epochs, losses, the best epoch, its settings")
func trainingHistoryFromMetrics() throws {
    let csv = """
    epoch,train_loss,train_accuracy,train_onset_loss,train_onset_accuracy,validation_loss,validation_accuracy,validation_onset_loss,validation_onset_accuracy,learning_rate,steps_per_second,seconds,best
    1,2.500000,0.300000,,,2.100000,0.350000,,,0.003,12000.0,4.000,1
    2,1.900000,0.400000,,,1.800000,0.420000,,,0.003,12500.0,4.100,1
    3,1.600000,0.450000,,,1.850000,0.410000,,,0.003,12400.0,3.900,0
    broken,row
    """
    let epochs = TrainingHistory.parse(csv: csv)
    #expect(epochs.map(\.epoch) == [1, 2, 3])
    #expect(epochs.map(\.train) == [2.5, 1.9, 1.6])
    #expect(epochs.map(\.isBest) == [true, true, false])
    let history = TrainingHistory(epochs: epochs, settings: "")
    #expect(history.best?.epoch == 2 && history.best?.validation == 1.8)
    #expect(abs(history.seconds - 12) < 1e-9)

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-history-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var model = tinyModel()
    model.file = folder.appendingPathComponent("best.safetensors")
    #expect(TrainingHistory.read(for: model) == nil, "no metrics file, no history")
    try Data(csv.utf8).write(to: folder.appendingPathComponent("metrics.csv"))
    let read = try #require(TrainingHistory.read(for: model))
    #expect(read.epochs == epochs)
    #expect(read.settings.contains("LSTM") && read.settings.contains("dropout"))
}

@Test("a corpus's pooled histograms are shares of its notes, at distance 0 from themselves")
func pooledCorpusHistograms() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-pooled-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("X:1\nT:A\nL:1/4\nK:C\nC D E C|]\nX:2\nT:B\nL:1/4\nK:C\nG A G G|]\n".utf8).write(to: folder.appendingPathComponent("two.abc"))
    let corpus = CorpusImporter(concurrency: 1).importCorpus(name: "two", paths: [folder])
    let pooled = PooledHistograms(corpus: corpus)
    #expect(pooled.melodies == 2 && pooled.notes == 8)
    #expect(abs(pooled.pitchClasses.reduce(0, +) - 1) < 1e-9 && abs(pooled.intervals.reduce(0, +) - 1) < 1e-9)
    #expect(abs(pooled.pitchClasses[7] - 3.0 / 8) < 1e-9, "three of the eight notes are G")
    #expect(pooled.intervals[12] == 1.0 / 6, "one repeated note among six intervals")
    let distance = pooled.distances(to: pooled)
    #expect(distance.pitchClasses == 0 && distance.intervals == 0)
}
