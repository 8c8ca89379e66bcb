import Foundation
import LiltMusic
import LiltNN

/// How a lead-sheet model does with harmony on its held-out songs: the melody's cross-entropy with the
/// chords given and without them, harmonization accuracy beat by beat against the songs' own chords,
/// beside an HMM harmonizer (`ChordHMM`) trained on the same training songs, and how often melodies it
/// writes over the songs' chords sound a chord tone on the strong beats, beside the songs' own melodies.
public struct HarmonyEvaluation: Sendable, Codable {
    /// Held-out songs and the melody tokens (steps and the song's end) scored.
    public var songs: Int
    public var melodyTokens: Int
    /// Nats per melody token, the chord tokens fed as they are in the song.
    public var melodyCrossEntropyWithChords: Double
    /// Nats per melody token, no chord token fed and the model's distribution renormalized over the
    /// melody tokens.
    public var melodyCrossEntropyWithoutChords: Double
    /// Where chords could change, the held-out songs harmonized and the beats that had a chord.
    public var changes: String
    public var harmonizedSongs: Int
    public var beats: Int
    public var model: Accuracy
    public var hmm: Accuracy
    /// Held-out songs whose chords the model wrote melodies over, and the takes per song.
    public var chordToneSongs: Int
    public var chordToneTakes: Int
    /// Strong-beat chord tones of those melodies, and of the songs' own melodies over the same chords.
    public var generatedChordTones: StrongBeatChordTones
    public var corpusChordTones: StrongBeatChordTones

    /// Shares of beats whose chord matches the song's: root and quality, and root only.
    public struct Accuracy: Sendable, Codable, Equatable {
        public var exact: Double
        public var root: Double
    }

    /// Evaluates `model` (trained on lead sheets) on the held-out songs of `corpus` (the split stored in
    /// the model); harmonizes at most `harmonizedSongs` of them with a beam of `beamWidth`; writes
    /// `chordToneTakes` melodies over each one's chords (random seed `randomSeed` plus the song's place
    /// among the held-out songs, so the figure repeats).
    public static func run(model: MusicModel, corpus: EncodedCorpus, changes: ChordChanges = .half,
                           harmonizedSongs: Int = 20, beamWidth: Int = 4, chordToneTakes: Int = 3,
                           randomSeed: UInt64 = 1) throws(ComposeError) -> HarmonyEvaluation {
        guard model.encoding.chords, corpus.parameters.chords, model.vocabulary == corpus.vocabulary else {
            throw .badCorpus(name: corpus.name, reason: "harmony figures need a lead-sheet model of this lead-sheet corpus")
        }
        let info = model.trainingInfo.flatMap { $0.corpus == corpus.name ? $0 : nil }
        let split = SongSplit(songCount: corpus.songs.count, validationFraction: info?.validationFraction ?? 0.1,
                              seed: info?.seed ?? 1)
        let session = InferenceSession(model: model.network, batch: 1, threads: 1)
        let v = model.vocabulary.count
        let stepIndices = model.vocabulary.tokens.indices.filter { model.vocabulary.tokens[$0].isStep }
        var withChords = 0.0, withoutChords = 0.0, tokens = 0
        var logits = [Float](repeating: 0, count: v)
        for song in split.validation {
            let indices = corpus.songs[song].tokens
            let scored = session.logProbabilities(of: [model.endIndex] + indices)
            for (target, logProbability) in zip(indices, scored) where model.vocabulary.tokens[target].isStep {
                withChords -= logProbability
                tokens += 1
            }
            session.reset()
            session.step(tokens: [model.endIndex], logits: &logits)
            for target in indices where model.vocabulary.tokens[target].isStep {
                let all = Sampler.logProbabilities(logits: logits[...])
                let maximum = stepIndices.map { all[$0] }.max() ?? 0
                let melodyMass = log(stepIndices.reduce(0) { $0 + exp(all[$1] - maximum) }) + maximum
                withoutChords -= all[target] - melodyMass
                if target != model.endIndex { session.step(tokens: [target], logits: &logits) }
            }
        }

        let hmm = ChordHMM(training: split.training.map(corpus.melody(at:)), changes: changes)
        let harmonizer = Harmonizer(model: model, beamWidth: beamWidth)
        var beats = 0, harmonized = 0
        var modelCounts = (exact: 0, root: 0), hmmCounts = (exact: 0, root: 0)
        func count(_ guess: ChordSymbol?, against reference: ChordSymbol, into counts: inout (exact: Int, root: Int)) {
            guard let guess, guess.rootPitchClass == reference.rootPitchClass else { return }
            counts.root += 1
            if guess.quality == reference.quality { counts.exact += 1 }
        }
        for song in split.validation.prefix(max(0, harmonizedSongs)) {
            var melody = corpus.melody(at: song)
            guard let first = melody.chords.first else { continue }
            // A corpus keeps no pickup: the bars are taken to start where the song's first chord does,
            // for both harmonizers alike.
            let bar = (melody.meter ?? Meter(4, 4)).barLength
            if bar > .zero, first.onset > .zero {
                let phase = first.onset - bar * QuarterLength(Int((first.onset / bar).doubleValue.rounded(.down)))
                if phase > .zero { melody.pickup = phase }
            }
            let chosen = try harmonizer.harmonize(melody, changes: changes, name: melody.title ?? "song \(song + 1)").melody.chords
            let baseline = hmm.harmonize(melody)
            harmonized += 1
            let beat = ChordChanges.beat.length(in: melody.meter ?? Meter(4, 4))
            var onset = QuarterLength.zero
            while onset < melody.length {
                if let reference = ChordHMM.chord(at: onset, in: melody.chords) {
                    beats += 1
                    count(ChordHMM.chord(at: onset, in: chosen), against: reference, into: &modelCounts)
                    count(ChordHMM.chord(at: onset, in: baseline), against: reference, into: &hmmCounts)
                }
                onset = onset + beat
            }
        }

        let takesPerSong = min(max(0, chordToneTakes), 1024)
        var generatedTones = StrongBeatChordTones(), corpusTones = StrongBeatChordTones(), toneSongs = 0
        for (place, song) in split.validation.enumerated() where takesPerSong > 0 {
            let melody = corpus.melody(at: song)
            guard !melody.chords.isEmpty else { continue }
            let name = melody.title ?? "song \(song + 1)"
            // The corpus song is in the model's key already: its chords go in as they are.
            let given = try GivenChords(melody.chords, model: model, name: name, shift: 0)
            var controls = GenerationControls()
            controls.length = .steps(given.steps)
            controls.stopAtEnd = false
            controls.variations = takesPerSong
            controls.randomSeed = randomSeed &+ UInt64(place)
            let takes: [Take]
            do {
                takes = try Composer.generate(model: model, seed: Seed(meter: melody.meter), controls: controls, givenChords: given)
            } catch let error as ComposeError {
                throw error
            } catch {
                throw .cannotScore(name: name, reason: "\(error)")
            }
            toneSongs += 1
            corpusTones = corpusTones + StrongBeatChordTones(melody)
            for take in takes { generatedTones = generatedTones + StrongBeatChordTones(take.melody, chords: melody.chords) }
        }

        let n = Double(max(beats, 1)), t = Double(max(tokens, 1))
        return HarmonyEvaluation(songs: split.validation.count, melodyTokens: tokens,
                                 melodyCrossEntropyWithChords: withChords / t, melodyCrossEntropyWithoutChords: withoutChords / t,
                                 changes: changes.rawValue, harmonizedSongs: harmonized, beats: beats,
                                 model: Accuracy(exact: Double(modelCounts.exact) / n, root: Double(modelCounts.root) / n),
                                 hmm: Accuracy(exact: Double(hmmCounts.exact) / n, root: Double(hmmCounts.root) / n),
                                 chordToneSongs: toneSongs, chordToneTakes: takesPerSong,
                                 generatedChordTones: generatedTones, corpusChordTones: corpusTones)
    }
}
