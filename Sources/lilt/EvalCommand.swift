import ArgumentParser
import Foundation
import LiltCompose
import LiltMusic

/// `lilt eval`: held-out cross-entropy against a 5-gram baseline, and generated melodies against the corpus.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model: held-out cross-entropy (vs a 5-gram baseline) and generated melodies vs the corpus.",
        discussion: """
            Held-out songs are those the model was validated on (the split is stored in the model). \
            Cross-entropy is in nats per step, over all steps and over onsets only (notes and rests starting). \
            Generated melodies (no seed, temperature 1) are compared with the whole corpus: pitch-class and \
            interval histograms (Jensen–Shannon distance, 0–1), range, density, rest and in-scale ratios, \
            and originality — the longest span shared exactly with a corpus song, and the share of 8-note \
            patterns found in the corpus. A model trained on lead sheets also reports the held-out melody's \
            cross-entropy with the chords given and without (no chord fed, the distribution renormalized \
            over melody tokens), and harmonization accuracy beat by beat (root and quality, root only) \
            against the held-out songs' own chords, beside an HMM harmonizer trained on the same split; \
            and the chord-tone share on strong beats — of the notes sounding on a bar's first beat and, when the \
            bar has an even number of beats, its middle (beats 1 and 3 of 4/4, both beats of 2/2 and 6/8; only \
            beat 1 of 3/4), those whose pitch class is a tone of the chord sounding there — for melodies the \
            model writes over each held-out song's chords (--chord-takes each, random seeds from --random-seed), \
            beside the songs' own melodies.
            """)

    @Option(help: "The model file or folder (default: the default model).") var model: String?
    @Option(help: "The corpus (default: the one the model was trained on).") var corpus: String?
    @Option(help: "Number of melodies to generate.") var generated = 100
    @Option(help: "Bars per generated melody.") var bars = 16
    @Option(help: "Random seed of the generated melodies.") var randomSeed: UInt64 = 1
    @Option(help: "Where chords may change when harmonizing (a lead-sheet model): bar, half or beat.") var changes = "half"
    @Option(help: "Held-out songs to harmonize (a lead-sheet model).") var harmonized = 20
    @Option(help: "Beam width when harmonizing.") var beam = 4
    @Option(help: "Melodies written over each held-out song's chords (a lead-sheet model).") var chordTakes = 3
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let music = try ModelArgument.load(model)
        guard let name = corpus ?? music.trainingInfo?.corpus else {
            throw CommandError("the model does not say which corpus it was trained on: name one with --corpus")
        }
        let encoded = try CorpusStore(directory: DataLocations().corpora).load(name)
        var controls = GenerationControls()
        controls.randomSeed = randomSeed
        var result = try ModelEvaluation.run(model: music, corpus: encoded, generated: max(0, generated), bars: bars,
                                             controls: controls)
        if music.encoding.chords {
            guard let changes = ChordChanges(rawValue: changes) else { throw CommandError("--changes: bar, half or beat") }
            result.harmony = try HarmonyEvaluation.run(model: music, corpus: encoded, changes: changes,
                                                       harmonizedSongs: harmonized, beamWidth: beam,
                                                       chordToneTakes: max(0, chordTakes), randomSeed: randomSeed)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
        func row(_ cells: [String]) -> String {
            zip(cells, [34, 14, 14]).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
        }
        print("model \(music.file?.path ?? "") (\(music.hash)); corpus '\(name)'")
        print("")
        print("held-out songs: \(result.ngram.songs), \(result.ngram.steps) steps (\(result.ngram.onsetSteps) onsets)")
        print(row(["", "model", "5-gram"]))
        let m = result.model
        print(row(["cross-entropy, nats per step", m.map { f($0.crossEntropy, 4) } ?? "n/a", f(result.ngram.crossEntropy, 4)]))
        print(row(["perplexity", m.map { f($0.perplexity) } ?? "n/a", f(result.ngram.perplexity)]))
        print(row(["onsets: cross-entropy", m.map { f($0.onsetCrossEntropy, 4) } ?? "n/a", f(result.ngram.onsetCrossEntropy, 4)]))
        print(row(["onsets: perplexity", m.map { f($0.onsetPerplexity) } ?? "n/a", f(result.ngram.onsetPerplexity)]))
        if m == nil { print("(the model's vocabulary is not this corpus's: no held-out figures for the model)") }
        print("")
        let c = result.comparison
        print("\(result.generatedMelodies) generated melodies of \(bars) bars vs \(c.corpus.melodies) corpus songs")
        print(row(["", "generated", "corpus"]))
        print(row(["pitch range, semitones", f(c.generated.meanRange, 1), f(c.corpus.meanRange, 1)]))
        print(row(["note density, notes per quarter", f(c.generated.meanDensity), f(c.corpus.meanDensity)]))
        print(row(["rest ratio", f(c.generated.meanRestRatio), f(c.corpus.meanRestRatio)]))
        print(row(["in-scale ratio", f(c.generated.meanInScaleRatio), f(c.corpus.meanInScaleRatio)]))
        print(row(["pitch-class JS distance", f(c.pitchClassDistance), ""]))
        print(row(["interval JS distance", f(c.intervalDistance), ""]))
        let o = result.originality
        print("")
        print("originality (index built in \(f(o.indexMilliseconds, 1)) ms; \(f(o.queryMilliseconds, 3)) ms per melody)")
        print(row(["longest shared span, mean", "\(f(o.meanLongestSharedSteps, 1)) steps", "\(f(o.meanLongestSharedBars, 2)) bars"]))
        print(row(["longest shared span, max", "\(o.maxLongestSharedSteps) steps", ""]))
        print(row(["8-note patterns found in corpus", f(o.meanSharedPatternShare), ""]))
        if let h = result.harmony {
            print("")
            print("harmony: \(h.songs) held-out songs, \(h.melodyTokens) melody tokens")
            print(row(["melody cross-entropy, nats", "chords given", "not given"]))
            print(row(["", f(h.melodyCrossEntropyWithChords, 4), f(h.melodyCrossEntropyWithoutChords, 4)]))
            print("harmonized \(h.harmonizedSongs) songs, chords every \(h.changes), \(h.beats) beats with a chord")
            print(row(["accuracy per beat", "root+quality", "root"]))
            print(row(["model (beam \(beam))", f(h.model.exact), f(h.model.root)]))
            print(row(["HMM baseline", f(h.hmm.exact), f(h.hmm.root)]))
            print("melodies over the held-out songs' chords: \(h.chordToneSongs) songs, \(h.chordToneTakes) takes each")
            print(row(["chord tones on strong beats", "generated", "corpus"]))
            print(row(["share", f(h.generatedChordTones.share), f(h.corpusChordTones.share)]))
            print(row(["strong beats counted", "\(h.generatedChordTones.beats)", "\(h.corpusChordTones.beats)"]))
        }
    }
}
