import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-compose-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Test("lilt train, score, generate and eval on the samples: files, plain progress, JSON, resume")
func trainScoreGenerateEval() throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let environment = ["XDG_CACHE_HOME": folder.appendingPathComponent("cache").path,
                       "XDG_DATA_HOME": folder.appendingPathComponent("data").path]
    let samples = root.appendingPathComponent("Corpora/samples")
    #expect(try runLilt(["corpus", "import", samples.path, "--name", "samples"], environment: environment).status == 0)

    let model = folder.appendingPathComponent("model")
    let train = try runLilt(["train", "--corpus", "samples", "--layers", "1", "--hidden", "24", "--epochs", "2",
                             "--seq", "16", "--batch", "8", "--out", model.path], environment: environment)
    #expect(train.status == 0, "\(train.output)")
    #expect(train.output.contains("epoch 1: train loss"))
    #expect(train.output.contains("epoch 2: train loss"))
    #expect(train.output.contains("sample after epoch 2:"))
    #expect(!train.output.contains("\r"), "no live line when piped")
    for file in ["best.safetensors", "latest.safetensors", "metrics.csv", "samples.txt"] {
        #expect(FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path), "\(file)")
    }
    let resumed = try runLilt(["train", "--corpus", "samples", "--epochs", "3", "--out", model.path, "--resume"],
                              environment: environment)
    #expect(resumed.status == 0, "\(resumed.output)")
    #expect(resumed.output.contains("epoch 3: train loss") && !resumed.output.contains("epoch 1:"))
    let csv = try String(contentsOf: model.appendingPathComponent("metrics.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 4)

    let tune = samples.appendingPathComponent("twinkle-twinkle.abc").path
    let score = try runLilt(["score", "--model", model.path, tune, "--json"], environment: environment)
    #expect(score.status == 0, "\(score.output)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(score.output.utf8)) as? [String: Any])
    let melodies = try #require(object["melodies"] as? [[String: Any]])
    let logprobs = try #require(melodies.first?["logprobs"] as? [Double])
    #expect(logprobs.count > 20 && logprobs.allSatisfy { $0 < 0 })
    let mean = -logprobs.reduce(0, +) / Double(logprobs.count)
    #expect(abs(mean - (melodies.first?["crossEntropy"] as? Double ?? 0)) < 1e-4)
    let tokens = try runLilt(["score", "--model", model.path, "--tokens", "/ 60 _ 62 r", "--json"], environment: environment)
    #expect(tokens.status == 0, "\(tokens.output)")
    #expect(tokens.output.contains("\"logprobs\":[") && tokens.output.filter { $0 == "," }.count >= 4)

    let json = folder.appendingPathComponent("takes.json")
    let generate = try runLilt(["generate", "--model", model.path, "--seed", "samples:1", "--bars", "4", "--variations", "3",
                                "--rest-bias", "-2", "--random-seed", "9", "--out", json.path], environment: environment)
    #expect(generate.status == 0, "\(generate.output)")
    let dump = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
    let takes = try #require(dump["melodies"] as? [[String: Any]])
    #expect(takes.count == 3)
    let provenance = try #require(takes[2]["provenance"] as? [String: Any])
    #expect(provenance["variation"] as? Int == 2)
    #expect((provenance["controls"] as? [String: Any])?["randomSeed"] as? Int == 9)
    #expect((provenance["modelHash"] as? String)?.count == 16)
    let midi = folder.appendingPathComponent("take.mid")
    let numbered = try runLilt(["generate", "--model", model.path, "--variations", "2", "--bars", "2", "--out", midi.path],
                               environment: environment)
    #expect(numbered.status == 0, "\(numbered.output)")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("take-1.mid").path))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("take-2.mid").path))

    let eval = try runLilt(["eval", "--model", model.path, "--generated", "20", "--bars", "4"], environment: environment)
    #expect(eval.status == 0, "\(eval.output)")
    for label in ["cross-entropy, nats per step", "perplexity", "onsets: cross-entropy", "pitch range", "note density",
                  "rest ratio", "in-scale ratio", "pitch-class JS distance", "interval JS distance",
                  "longest shared span, mean", "8-note patterns found in corpus"] {
        #expect(eval.output.contains(label), "\(label)")
    }
}

@Test("lilt train --default imports the default corpus and writes the default model; generate uses it")
func defaultModel() throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let environment = ["XDG_CACHE_HOME": folder.appendingPathComponent("cache").path,
                       "XDG_DATA_HOME": folder.appendingPathComponent("data").path]
    // An empty corpora folder but for the samples: the default falls back to them.
    let corpora = folder.appendingPathComponent("Corpora")
    try FileManager.default.createDirectory(at: corpora, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: root.appendingPathComponent("Corpora/samples"), to: corpora.appendingPathComponent("samples"))
    let missing = try runLilt(["generate", "--out", folder.appendingPathComponent("x.abc").path], environment: environment)
    #expect(missing.status != 0 && missing.output.contains("lilt train --default"))
    let train = try runLilt(["train", "--default", "--corpora", corpora.path, "--minutes", "0.01", "--hidden", "16"],
                            environment: environment)
    #expect(train.status == 0, "\(train.output)")
    #expect(train.output.contains("training on 'samples'"))
    let file = folder.appendingPathComponent("data/lilt/models/default/best.safetensors")
    #expect(FileManager.default.fileExists(atPath: file.path))
    let abc = folder.appendingPathComponent("x.abc")
    let generate = try runLilt(["generate", "--bars", "2", "--out", abc.path], environment: environment)
    #expect(generate.status == 0, "\(generate.output)")
    let text = try String(contentsOf: abc, encoding: .utf8)
    #expect(text.contains("X:1"))
    // Without a seed the length is counted in bars of 4/4, and the file says so, with its bar lines.
    #expect(text.contains("M:4/4"))
    #expect(text.contains("|"))
}

@Test("Ctrl-C during lilt train saves the latest state and exits cleanly; --resume goes on from it")
func trainInterrupted() throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let environment = ["XDG_CACHE_HOME": folder.appendingPathComponent("cache").path,
                       "XDG_DATA_HOME": folder.appendingPathComponent("data").path]
    #expect(try runLilt(["corpus", "import", root.appendingPathComponent("Corpora/samples").path, "--name", "samples"],
                        environment: environment).status == 0)
    let model = folder.appendingPathComponent("model")
    let process = Process()
    process.executableURL = liltExecutable()
    process.arguments = ["train", "--corpus", "samples", "--hidden", "32", "--epochs", "100000", "--patience", "0",
                         "--out", model.path]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let capture = try OutputCapture()
    defer { capture.remove() }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = capture.handle
    process.standardError = capture.handle
    try process.run()
    // Wait for the first finished epoch, then press Ctrl-C.
    let deadline = Date().addingTimeInterval(120)
    while !capture.text().contains("epoch 1: train loss") && Date() < deadline {
        Thread.sleep(forTimeInterval: 0.05)
    }
    process.interrupt()
    waitForExit(process, arguments: process.arguments ?? [])
    let output = capture.text()
    #expect(process.terminationStatus == 130, "\(output)")
    #expect(output.contains("stopped by Ctrl-C; the latest state is saved"), "\(output)")
    #expect(FileManager.default.fileExists(atPath: model.appendingPathComponent("latest.safetensors").path))
    #expect(FileManager.default.fileExists(atPath: model.appendingPathComponent("latest.optimizer.safetensors").path))
    // The run goes on in the epoch it was stopped in.
    let done = output.matches(of: /epoch (\d+): train loss/).compactMap { Int($0.1) }.max() ?? 0
    #expect(done >= 1)
    let resumed = try runLilt(["train", "--corpus", "samples", "--epochs", "\(done + 1)", "--out", model.path, "--resume"],
                              environment: environment)
    #expect(resumed.status == 0, "\(resumed.output)")
    #expect(resumed.output.contains("epoch \(done + 1): train loss"), "\(resumed.output)")
    #expect(!resumed.output.contains("epoch \(done): train loss"), "\(resumed.output)")
    #expect(resumed.output.contains("finished all epochs"), "\(resumed.output)")
}
