import Foundation
import Testing
@testable import LiltCompose
import LiltMusic
import LiltNN

/// Two small lead sheets in D and G.
private let leadSheets = """
X:1
T:One
M:4/4
L:1/8
K:D
"D"d2 f2 a2 f2|"G"g2 b2 "A7"a2 g2|"D"f2 d2 "A7"e2 c2|"D"d8|]

X:2
T:Two
M:4/4
L:1/8
K:G
"G"G2 B2 d2 B2|"C"c2 e2 "D7"d2 c2|"G"B2 G2 "D7"A2 F2|"G"G8|]

"""

/// A lead-sheet model trained for a few epochs on the two songs.
private func leadSheetModel() throws -> MusicModel {
    let encoder = TimeStepEncoder(parameters: EncodingParameters(chords: true))
    let songs = try ABCReader().read(leadSheets).map { try encoder.encode($0).get() }
    let vocabulary = Vocabulary.build(from: songs)
    var generator = SeededGenerator(seed: 5)
    let network = LSTMModel(config: LSTMConfig(vocabularySize: vocabulary.count, layers: 1, hidden: 16, dropout: 0),
                            using: &generator)
    var options = TrainingOptions()
    options.sequenceLength = 16
    options.batchSize = 2
    options.epochs = 4
    options.learningRate = 0.02
    options.validationFraction = 0
    options.earlyStoppingPatience = nil
    options.threads = 1
    let corpus = TokenCorpus(songs: songs.map { vocabulary.indices(of: Array($0.dropLast()))! }, endOfSong: vocabulary.index(of: .end)!,
                             vocabularySize: vocabulary.count)
    let trainer = try Trainer(model: network, corpus: corpus, options: options)
    try trainer.run { _ in }
    return MusicModel(network: trainer.model, vocabulary: vocabulary, encoding: encoder.parameters)
}

@Test("A lead-sheet model's metadata says so, and it loads back as one")
func leadSheetModelMetadata() throws {
    let model = try leadSheetModel()
    let metadata = MusicModel.metadata(vocabulary: model.vocabulary, encoding: model.encoding)
    #expect(metadata["lilt.encoding"]?.contains("leadsheet") == true)
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("m.safetensors")
    try Checkpoint.save(model.network, metadata: metadata, to: file)
    let loaded = try MusicModel.load(from: file)
    #expect(loaded.encoding.chords && loaded.vocabulary == model.vocabulary)
}

@Test("A melody over given chords keeps exactly those chords, in their own key")
func generationOverGivenChords() throws {
    let model = try leadSheetModel()
    let chart = try ChordChart.parse("| D | G A7 | D |", barLength: 4)
    let given = try GivenChords(chart, model: model, name: "chart")
    #expect(given.key == Key(tonic: 2, mode: .major) && given.steps == 48)
    var controls = GenerationControls()
    controls.length = .steps(given.steps)
    controls.stopAtEnd = false
    controls.variations = 2
    let seed = Seed(shift: given.shift, key: given.key, meter: Meter(4, 4))
    let takes = try Composer.generate(model: model, seed: seed, controls: controls, givenChords: given)
    for take in takes {
        #expect(take.melody.chords.map(\.symbol) == ["D", "G", "A7", "D"])
        #expect(take.melody.chords.map(\.onset) == [0, 4, 6, 8])
        #expect(take.melody.length == 12)
    }
    #expect(throws: ComposeError.self) { try GivenChords(try ChordChart.parse("| F#m7b5 |", barLength: 4), model: model, name: "chart") }
    // Each take's provenance holds the chords it was written over: it regenerates bit for bit.
    for take in takes {
        #expect(take.provenance.givenChords?.count == 4)
        let again = try Composer.regenerate(take.provenance, model: model)
        #expect(again.tokens == take.tokens && again.melody == take.melody)
    }
}

@Test("A note's probability in a lead-sheet take is its onset token's: chord tokens take no step")
func noteProbabilityAfterChordTokens() throws {
    let model = try leadSheetModel()
    let given = try GivenChords(try ChordChart.parse("| D | G A7 | D |", barLength: 4), model: model, name: "chart")
    var controls = GenerationControls()
    controls.length = .steps(given.steps)
    controls.stopAtEnd = false
    // A note at every step, so each step's token is a note's onset.
    controls.restBias = -30
    controls.holdBias = -30
    let seed = Seed(shift: given.shift, key: given.key, meter: Meter(4, 4))
    let take = try #require(try Composer.generate(model: model, seed: seed, controls: controls, givenChords: given).first)
    #expect(take.tokens.count == 48 + 4)
    #expect(take.tokens.first.map { !$0.isStep } == true, "a chord token comes before the first note")
    let stepProbabilities = zip(take.generated, take.tokenProbabilities).filter { $0.0.isStep }.map(\.1)
    #expect(stepProbabilities.count == 48)
    for step in 0..<48 {
        #expect(take.probability(ofNoteAt: QuarterLength(step, 4)) == stepProbabilities[step], "step \(step)")
    }
    #expect(take.probability(ofNoteAt: 12) == nil)
}

@Test("Harmonizing gives one chord per change point and a file that reads back")
func harmonizeOneChordPerChangePoint() throws {
    let model = try leadSheetModel()
    let melody = try #require(try ABCReader().read("X:3\nT:Bare\nM:4/4\nL:1/8\nK:D\nd2 f2 a2 f2|g2 b2 a2 g2|f2 d2 e2 c2|d8|]\n").first)
    let bars = try Harmonizer(model: model, beamWidth: 3).harmonize(melody, changes: .bar, name: "bare")
    #expect(bars.changePoints == 4 && bars.melody.chords.count == 4)
    #expect(bars.melody.chords.map(\.onset) == [0, 4, 8, 12])
    #expect(bars.melody.notes == melody.notes)
    let halves = try Harmonizer(model: model, beamWidth: 2, adventure: 2).harmonize(melody, changes: .half, name: "bare")
    #expect(halves.melody.chords.count == 8)
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("h.abc")
    try MusicFile.write([bars.melody], to: file)
    let reread = try #require(try MusicFile.read(file).first)
    #expect(reread.chords.map(\.symbol) == bars.melody.chords.map(\.symbol))
    #expect(throws: ComposeError.self) { try Harmonizer(model: tinyModel()).harmonize(melody, changes: .bar, name: "bare") }
}

@Test("The HMM baseline gives one chord per change point and finds a training song's own chords")
func hmmHarmonizer() throws {
    let encoder = TimeStepEncoder(parameters: EncodingParameters(chords: true))
    let melodies = try ABCReader().read(leadSheets).map { encoder.decode(try encoder.encode($0).get()) }
    let hmm = ChordHMM(training: melodies, changes: .bar)
    let chords = hmm.harmonize(melodies[0])
    #expect(chords.count == 4 && chords.map(\.onset) == [0, 4, 8, 12])
    #expect(chords.first?.symbol == "C" && chords.last?.symbol == "C")
}

@Test("Chord tones on strong beats: beats 1 and 3 of 4/4, beat 1 only of 3/4, both beats of 6/8")
func strongBeatChordTones() throws {
    // 4/4 over | C | G7 |: C and E on beats 1 and 3 of bar 1 are chord tones; F# on beat 1 of bar 2 is
    // not, nor the A held from beat 2 over beat 3.
    let common = Melody(meter: Meter(4, 4), notes: [
        .note(60, at: 0, for: 1), .note(62, at: 1, for: 1), .note(64, at: 2, for: 1), .note(65, at: 3, for: 1),
        .note(66, at: 4, for: 1), .note(69, at: 5, for: 2), .rest(at: 7, for: 1),
    ], chords: try ChordChart.parse("| C | G7 |", barLength: 4))
    let commonTones = StrongBeatChordTones(common)
    #expect(commonTones.beats == 4 && commonTones.chordTones == 2 && commonTones.share == 0.5)

    // 3/4 over | Am | E7 |: B on beat 1 is not a tone of Am, G# is one of E7; the C on beat 3 is weak.
    let waltz = Melody(meter: Meter(3, 4), notes: [
        .note(71, at: 0, for: 1), .note(72, at: 1, for: 2), .note(68, at: 3, for: 3),
    ], chords: try ChordChart.parse("| Am | E7 |", barLength: 3))
    #expect(StrongBeatChordTones(waltz) == StrongBeatChordTones(beats: 2, chordTones: 1))

    // 6/8 with an eighth-note pickup and no pickup written: bars start at the first chord (C at 1/2, G at
    // 7/2), so the strong beats are 1/2, 2, 7/2 and 5. D at 2 is not a tone of C.
    let jig = Melody(meter: Meter(6, 8), notes: [
        .note(64, at: 0, for: QuarterLength(1, 2)), .note(60, at: QuarterLength(1, 2), for: QuarterLength(3, 2)),
        .note(62, at: 2, for: QuarterLength(3, 2)), .note(67, at: QuarterLength(7, 2), for: QuarterLength(3, 2)),
        .note(71, at: 5, for: QuarterLength(3, 2)),
    ], chords: [ChordToken(root: 0, quality: .major).symbol(onset: QuarterLength(1, 2), duration: 3),
                ChordToken(root: 7, quality: .major).symbol(onset: QuarterLength(7, 2), duration: 3)])
    #expect(StrongBeatChordTones(jig) == StrongBeatChordTones(beats: 4, chordTones: 3))
    // Other chords over the same melody: F throughout makes only the C a chord tone.
    let f = [ChordToken(root: 5, quality: .major).symbol(onset: QuarterLength(1, 2), duration: 6)]
    #expect(StrongBeatChordTones(jig, chords: f) == StrongBeatChordTones(beats: 4, chordTones: 1))
}

@Test("Harmony figures on a held-out song: cross-entropies, and accuracies between 0 and 1")
func harmonyEvaluation() throws {
    let folder = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data(leadSheets.utf8).write(to: folder.appendingPathComponent("two.abc"))
    let corpus = CorpusImporter(concurrency: 1).importCorpus(name: "two", paths: [folder])
    let trained = try leadSheetModel()
    #expect(trained.vocabulary == corpus.vocabulary)
    let info = TrainingInfo(corpus: "two", seed: 1, validationFraction: 0.5)
    let model = MusicModel(network: trained.network, vocabulary: trained.vocabulary, encoding: corpus.parameters,
                           metadata: [MusicModel.MetadataKey.training: info.json])
    let result = try HarmonyEvaluation.run(model: model, corpus: corpus, changes: .bar, harmonizedSongs: 1, beamWidth: 2)
    #expect(result.songs == 1 && result.harmonizedSongs == 1 && result.beats == 16)
    #expect(result.melodyCrossEntropyWithChords > 0 && result.melodyCrossEntropyWithoutChords > 0)
    for accuracy in [result.model, result.hmm] {
        #expect((0...1).contains(accuracy.exact) && accuracy.exact <= accuracy.root && accuracy.root <= 1)
    }
    #expect(result.chordToneSongs == 1 && result.chordToneTakes == 3)
    #expect(result.corpusChordTones.beats == 8 && result.generatedChordTones.beats > 0)
    #expect((0...1).contains(result.generatedChordTones.share) && (0...1).contains(result.corpusChordTones.share))
}
