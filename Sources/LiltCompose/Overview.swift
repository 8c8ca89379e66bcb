// LiltCompose: what the command line and the studio share about making music with a trained model.
//
// Models
//   MusicModel.load(from: fileOrFolder)   a checkpoint (or a folder's best.safetensors) with its Vocabulary,
//                                         EncodingParameters and FNV-1a hash; MusicModel(network:vocabulary:…)
//                                         for a model made in memory
//   DefaultModel                          where the default model lives ($XDG_DATA_HOME/lilt/models/default),
//                                         its shape (2 × LSTM 128, one-hot) and options (2 minutes), and its
//                                         corpus (Corpora/essen-abc, else Corpora/samples; imported if needed)
//
// Generation (Generation/)
//   SeedSource  .none | .tokens("67 _ 65") | .file(path:index:bars:) | .corpusSong(name:index:);
//               SeedSource.parse(commandLineText)
//   Seed.resolve(source, for: model, corpora: CorpusStore)   tokens in the model's key + shift back
//   GenerationControls   temperature, targetEntropy (adaptive; rule on the type), restBias, holdBias, topP,
//                        scale (ScaleLock .key / .scale(Key)), pitchRange, length (.bars/.steps), stopAtEnd,
//                        variations (one batch), randomSeed, transposeBack
//   StreamingGenerator(model:seed:controls:)   next() → one token per variation; set `controls` any time
//                        (applies from the next step, recorded); takes() → [Take]. Not Sendable: create
//                        and drive it on the one thread or task that owns it, hand out its tokens/takes
//   Composer.generate(model:seed:controls:) → [Take];  Composer.regenerate(provenance, model:) → Take
//   Take: tokens (model key), seedLength, melody (output key), meanEntropy, tokenProbabilities (the
//         model's own probability of each generated token), probability(ofNoteAt:) (a note's onset token),
//         provenance (TakeProvenance: model path + hash, seed, controls, changes, variation);
//         Take.jsonDump(takes) for `.json` files
//   NextStepPrediction(after: seed, model:): the model's own odds for the next step (notes by sounding
//         pitch, hold, rest, end), e.g. at the studio's cursor
//
// Training (Training/)
//   TrainingJob(corpus:model: ModelOptions, options: TrainingOptions, directory:resume:onEvent:), or
//   TrainingJob(corpusNamed: "erk", model:options:) (folder $XDG_DATA_HOME/lilt/models/NAME)
//     start() (own thread), cancel(), pause()/unpause() (held at a window boundary, in memory),
//     pauseState, drainEvents() → [TrainingJobEvent], wait(); writes best/latest
//     .safetensors, metrics.csv, samples.txt into `directory`; maxSteps: windows in this run at most
//   CorpusExport(corpus:seed:validationFraction:songsPerShard:).write(to: folder)   manifest.json and .npy
//     token shards for Scripts/distributed/train.py (`lilt corpus export`)
//
// Evaluation (Evaluation/)
//   Scoring            log-probabilities of a melody, a token string or token indices (`lilt score`)
//   ModelEvaluation.run(model:corpus:generated:bars:)   everything `lilt eval` prints (Codable)
//   HeldOutEvaluation  model cross-entropy/perplexity on held-out songs (all steps, onsets only)
//   NGramModel         interpolated Kneser–Ney n-gram baseline over the same tokens
//   MelodyStatistics / CorpusComparison   pitch-class JS distance, range, density, rest ratio, in-scale
//                      ratio, interval-histogram distance
//   OriginalityIndex   longest span shared with any corpus song (steps, bars), share of 8-note patterns
//                      found in the corpus; built once per corpus, answers in milliseconds
//   HarmonyEvaluation  a lead-sheet model's figures: melody cross-entropy with and without chords,
//                      harmonization accuracy beside ChordHMM, StrongBeatChordTones of melodies written
//                      over the held-out songs' chords beside the songs' own
import Foundation
