import ArgumentParser
import Foundation
import LiltCompose
import LiltMusic

/// `lilt score`: how likely a model finds melodies or a token string.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Log-probability of every token of melodies (or of a token string) under a model.",
        discussion: """
            Each melody is encoded with the model's encoding (transposed like its training data); `/` is fed \
            from a zero state, then the melody's tokens, and the closing `/` is scored too. --tokens feeds \
            its first token and scores each following one. Cross-entropy is the mean of −log p (nats per step).

            Every melody that can be scored is; a file that cannot be read, or a melody the encoding refuses \
            or with a token the model does not know, is listed with the reason (`not scored`). The overall \
            figure covers the scored melodies. The exit code is 0 when at least one melody was scored, \
            1 when none was.
            """)

    @Option(help: "The model file or folder (default: the default model).")
    var model: String?

    @Option(help: "A literal token string to score instead of files, e.g. \"/ 60 _ 62 r\".")
    var tokens: String?

    @Flag(help: "Print JSON: {\"melodies\":[{\"source\",\"logprobs\",\"crossEntropy\"}],\"notScored\":[{\"source\",\"reason\"}],\"crossEntropy\"}.")
    var json = false

    @Argument(help: "Melody files (.krn, .abc, .mid, .json).")
    var files: [String] = []

    /// What became of one melody: its log-probabilities, or why it has none.
    enum Outcome {
        case scored(source: String, logprobs: [Double])
        case notScored(source: String, reason: String)
    }

    func run() throws {
        let music = try ModelArgument.load(model)
        var outcomes: [Outcome] = []
        if let tokens {
            guard files.isEmpty else { throw CommandError("give files or --tokens, not both") }
            outcomes.append(.scored(source: "tokens", logprobs: try Scoring.logProbabilities(tokens: tokens, model: music)))
        } else {
            guard !files.isEmpty else { throw CommandError("name melody files to score, or --tokens") }
            for file in files { outcomes += Self.score(file: file, model: music) }
        }
        let scored = outcomes.compactMap { if case .scored(let source, let logprobs) = $0 { (source, logprobs) } else { nil } }
        let all = scored.flatMap(\.1)
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : -values.reduce(0, +) / Double(values.count) }
        if json {
            var melodies: [String] = [], notScored: [String] = []
            for outcome in outcomes {
                switch outcome {
                case .scored(let source, let logprobs):
                    melodies.append("{\"source\":" + jsonString(source) + ",\"logprobs\":["
                        + logprobs.map { jsonNumber($0) }.joined(separator: ",") + "],\"crossEntropy\":"
                        + jsonNumber(mean(logprobs)) + "}")
                case .notScored(let source, let reason):
                    notScored.append("{\"source\":" + jsonString(source) + ",\"reason\":" + jsonString(reason) + "}")
                }
            }
            print("{\"melodies\":[" + melodies.joined(separator: ",") + "],\"notScored\":[" + notScored.joined(separator: ",")
                  + "],\"crossEntropy\":" + jsonNumber(mean(all)) + "}")
        } else {
            for outcome in outcomes {
                switch outcome {
                case .scored(let source, let logprobs):
                    print(String(format: "%@: %d tokens, cross-entropy %.4f nats per step (perplexity %.2f)", source,
                                 logprobs.count, mean(logprobs), exp(mean(logprobs))))
                case .notScored(let source, let reason):
                    print("\(source): not scored: \(reason)")
                }
            }
            if scored.count > 1 {
                print(String(format: "overall: %d tokens, cross-entropy %.4f nats per step (perplexity %.2f)", all.count,
                             mean(all), exp(mean(all))))
            }
            // A file that cannot be read counts once, however many melodies it holds.
            if scored.count < outcomes.count { print("\(scored.count) scored, \(outcomes.count - scored.count) not scored") }
        }
        if scored.isEmpty { throw CommandError("no melody could be scored") }
    }

    /// Scores every melody of `file` (named `file#2` and so on when it holds several); a file that cannot
    /// be read is one outcome that says why.
    static func score(file: String, model: MusicModel) -> [Outcome] {
        let melodies: [Melody]
        do {
            melodies = try MusicFile.read(URL(fileURLWithPath: file))
        } catch {
            return [.notScored(source: file, reason: "\(error)")]
        }
        return melodies.enumerated().map { index, melody in
            let name = melodies.count > 1 ? "\(file)#\(index + 1)" : file
            do {
                return .scored(source: name, logprobs: try Scoring.logProbabilities(melody: melody, model: model, name: name))
            } catch ComposeError.cannotScore(_, let reason) {
                return .notScored(source: name, reason: reason)
            } catch {
                return .notScored(source: name, reason: "\(error)")
            }
        }
    }
}

/// `--model`: a file or folder, or the default model.
enum ModelArgument {
    static func load(_ path: String?) throws -> MusicModel {
        let url = path.map { URL(fileURLWithPath: $0) } ?? DefaultModel.file()
        let file = MusicModel.resolve(url)
        guard FileManager.default.fileExists(atPath: file.path) else {
            if path == nil {
                throw CommandError("no default model at \(file.path) yet: train it with `lilt train --default` "
                                      + "(about two minutes), or name one with --model")
            }
            throw ComposeError.modelNotFound(path: file.path)
        }
        return try MusicModel.load(from: url)
    }
}

func jsonString(_ text: String) -> String {
    String(decoding: (try? { let e = JSONEncoder(); e.outputFormatting = .withoutEscapingSlashes; return try e.encode(text) }()) ?? Data("\"\"".utf8), as: UTF8.self)
}

func jsonNumber(_ value: Double) -> String {
    value.isFinite ? String(format: "%.6g", value) : "null"
}
