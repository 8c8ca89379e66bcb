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
            """)

    @Option(help: "The model file or folder (default: the default model).")
    var model: String?

    @Option(help: "A literal token string to score instead of files, e.g. \"/ 60 _ 62 r\".")
    var tokens: String?

    @Flag(help: "Print JSON: {\"melodies\":[{\"source\",\"logprobs\",\"crossEntropy\"}],\"crossEntropy\"}.")
    var json = false

    @Argument(help: "Melody files (.krn, .abc, .mid).")
    var files: [String] = []

    func run() throws {
        let music = try ModelArgument.load(model)
        var results: [(source: String, logprobs: [Double])] = []
        if let tokens {
            guard files.isEmpty else { throw CommandError("give files or --tokens, not both") }
            results.append(("tokens", try Scoring.logProbabilities(tokens: tokens, model: music)))
        } else {
            guard !files.isEmpty else { throw CommandError("name melody files to score, or --tokens") }
            for file in files {
                let melodies = try MusicFile.read(URL(fileURLWithPath: file))
                for (index, melody) in melodies.enumerated() {
                    let name = melodies.count > 1 ? "\(file)#\(index + 1)" : file
                    results.append((name, try Scoring.logProbabilities(melody: melody, model: music, name: name)))
                }
            }
        }
        let all = results.flatMap(\.logprobs)
        let overall = all.isEmpty ? 0 : -all.reduce(0, +) / Double(all.count)
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : -values.reduce(0, +) / Double(values.count) }
        if json {
            var out = "{\"melodies\":["
            for (index, result) in results.enumerated() {
                if index > 0 { out += "," }
                out += "{\"source\":" + jsonString(result.source) + ",\"logprobs\":["
                    + result.logprobs.map { jsonNumber($0) }.joined(separator: ",") + "],\"crossEntropy\":"
                    + jsonNumber(mean(result.logprobs)) + "}"
            }
            out += "],\"crossEntropy\":" + jsonNumber(overall) + "}"
            print(out)
        } else {
            for result in results {
                print(String(format: "%@: %d tokens, cross-entropy %.4f nats per step (perplexity %.2f)", result.source,
                             result.logprobs.count, mean(result.logprobs), exp(mean(result.logprobs))))
            }
            if results.count > 1 {
                print(String(format: "overall: %d tokens, cross-entropy %.4f nats per step (perplexity %.2f)", all.count,
                             overall, exp(overall)))
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
