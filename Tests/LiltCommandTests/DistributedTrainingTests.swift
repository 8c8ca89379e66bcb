import Foundation
import LiltNN
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let trainScript = packageRoot.appendingPathComponent("Scripts/distributed/train.py")

/// The virtual environment with PyTorch that the distributed tests run: `$LILT_TORCH_VENV`, else
/// `~/.venvs/lilt-distributed` (where `.ci/run` installs it); nil when it has no `torchrun`.
private let torchVenv: URL? = {
    let environment = ProcessInfo.processInfo.environment
    let folder = environment["LILT_TORCH_VENV"].map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".venvs/lilt-distributed")
    return FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("bin/torchrun").path) ? folder : nil
}()
private let noTorch: Comment = "no PyTorch here: set LILT_TORCH_VENV to a venv made from Scripts/distributed/requirements.txt (see the README)"

/// Runs `executable` with `arguments`; stdout and stderr apart (the script's JSON is the last stdout line).
private func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:])
    throws -> (status: Int32, output: String, errors: String) {
    let output = try OutputCapture(), errors = try OutputCapture()
    defer { output.remove(); errors.remove() }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output.handle
    process.standardError = errors.handle
    try process.run()
    waitForExit(process, arguments: [executable.lastPathComponent] + arguments)
    return (process.terminationStatus, output.text(), errors.text())
}

/// `torchrun --standalone --nproc-per-node 2 train.py ARGUMENTS` on CPU.
private func torchrun(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    try run(torchVenv!.appendingPathComponent("bin/torchrun"),
            ["--standalone", "--nproc-per-node", "2", trainScript.path] + arguments + ["--device", "cpu"])
}

/// A scratch folder with its own Lilt data and cache, the samples imported as `samples` and exported.
private struct Scratch {
    let root: URL
    let environment: [String: String]
    var export: URL { root.appendingPathComponent("export") }

    init(importing paths: [String] = [packageRoot.appendingPathComponent("Corpora/samples").path]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-distributed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        environment = ["XDG_DATA_HOME": root.appendingPathComponent("data").path,
                       "XDG_CACHE_HOME": root.appendingPathComponent("cache").path]
        let imported = try runLilt(["corpus", "import"] + paths + ["--name", "samples"], environment: environment)
        #expect(imported.status == 0, "\(imported.output)")
        let exported = try runLilt(["corpus", "export", "samples", "--out", export.path], environment: environment)
        #expect(exported.status == 0, "\(exported.output)")
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
    func url(_ name: String) -> URL { root.appendingPathComponent(name) }
}

/// The JSON object on the last line of `text`.
private func lastJSONLine(_ text: String) throws -> [String: Any] {
    let line = try #require(text.split(separator: "\n").last, "no output")
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
}

@Test("lilt corpus export: NumPy shards of whole songs, and a manifest with the vocabulary, the trainer's split and the counts")
func corpusExportFormat() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let manifest = try #require(try JSONSerialization.jsonObject(
        with: Data(contentsOf: scratch.export.appendingPathComponent("manifest.json"))) as? [String: Any])
    #expect(manifest["format"] as? String == "lilt.corpus-export")
    #expect(manifest["version"] as? Int == 1)
    let vocabulary = try #require(manifest["vocabulary"] as? [String])
    #expect(Array(vocabulary.prefix(3)) == ["/", "_", "r"])
    let end = try #require(manifest["endOfSong"] as? Int)
    let split = try #require(manifest["split"] as? [String: Any])
    let expected = SongSplit(songCount: 15, validationFraction: 0.1, seed: 1)
    #expect(split["heldOut"] as? [Int] == expected.validation)
    #expect(split["training"] as? [Int] == expected.training)
    let counts = try #require(manifest["counts"] as? [String: Int])
    #expect(counts["songs"] == 15 && counts["trainingSongs"] == 13 && counts["heldOutSongs"] == 2)
    let metadata = try #require(manifest["checkpointMetadata"] as? [String: String])
    #expect(metadata["lilt.training"]?.contains("\"corpus\":\"samples\"") == true)

    let shard = try #require((manifest["shards"] as? [[String: Any]])?.first)
    func npy(_ name: String, width: Int) throws -> [Int] {
        let data = try Data(contentsOf: scratch.export.appendingPathComponent(name))
        #expect(data.prefix(8) == Data([0x93] + Array("NUMPY".utf8) + [1, 0]))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0, "the values start on a 64-byte boundary")
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains(width == 4 ? "'<i4'" : "'<i8'") && header.hasSuffix("\n"))
        let body = data.dropFirst(10 + headerLength)
        #expect(body.count % width == 0)
        return stride(from: body.startIndex, to: body.endIndex, by: width).map { start in
            (0..<width).reduce(0) { $0 | Int(body[start + $1]) << (8 * $1) }
        }
    }
    let tokens = try npy(try #require(shard["tokens"] as? String), width: 4)
    let offsets = try npy(try #require(shard["offsets"] as? String), width: 8)
    #expect(offsets.count == 16 && offsets.first == 0 && offsets.last == tokens.count)
    #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 < $1 }, "every song has tokens")
    #expect(tokens.count == counts["tokens"])
    #expect(tokens.allSatisfy { $0 >= 0 && $0 < vocabulary.count && $0 != end }, "songs are stored without `/`")
    // Scored steps: each song's tokens and its closing `/`.
    let heldOutSteps = expected.validation.reduce(0) { $0 + offsets[$1 + 1] - offsets[$1] + 1 }
    #expect(counts["heldOutSteps"] == heldOutSteps)
}

@Test("torchrun on 2 ranks trains an exported corpus; lilt eval gives the held-out cross-entropy the script printed, and generate and score open the model",
      .enabled(if: torchVenv != nil, noTorch))
func distributedTrainingOpensInLilt() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let model = scratch.url("model")
    let trained = try torchrun(["--data", scratch.export.path, "--out", model.path, "--epochs", "3", "--hidden", "32",
                                "--seq", "16", "--batch", "8"])
    #expect(trained.status == 0, "\(trained.output)\n\(trained.errors)")
    let result = try lastJSONLine(trained.output)
    #expect(result["model"] as? String == model.appendingPathComponent("best.safetensors").path)
    #expect(result["epochs"] as? Int == 3)
    let printed = try #require(result["heldOutCrossEntropy"] as? Double)

    let evaluated = try runLilt(["eval", "--model", model.path, "--json", "--generated", "0"], environment: scratch.environment)
    #expect(evaluated.status == 0, "\(evaluated.output)")
    let evaluation = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as? [String: Any])
    let scored = try #require((evaluation["model"] as? [String: Any])?["crossEntropy"] as? Double)
    #expect(abs(scored - printed) <= 1e-4, "lilt eval \(scored), the script \(printed)")
    #expect(scored > 0.3 && scored < 3.5, "a trained model's cross-entropy, not a constant")

    // Lilt's files: three epochs in the metrics and in the model's history.
    let metrics = try String(contentsOf: model.appendingPathComponent("metrics.csv"), encoding: .utf8)
    #expect(metrics.split(separator: "\n").count == 4)
    let history = try #require(try Checkpoint.load(from: model.appendingPathComponent("best.safetensors")).metadata["lilt.history"])
    #expect(try JSONDecoder().decode([EpochSummary].self, from: Data(history.utf8)).count >= 1)

    let take = scratch.url("take.mid")
    let generated = try runLilt(["generate", "--model", model.path, "--bars", "4", "--out", take.path],
                                environment: scratch.environment)
    #expect(generated.status == 0, "\(generated.output)")
    #expect(FileManager.default.fileExists(atPath: take.path))
    let song = packageRoot.appendingPathComponent("Corpora/samples/ode-to-joy.krn").path
    let score = try runLilt(["score", "--model", model.path, song], environment: scratch.environment)
    #expect(score.status == 0, "\(score.output)")
    #expect(score.output.contains("ode-to-joy"), "\(score.output)")
}

/// The parameters, Adam's first moments and the carried state of `folder/latest`.
private func latestRun(_ folder: URL) throws -> (parameters: [Float], moments: [Float], state: [Float], nextWindow: Int) {
    let model = try Checkpoint.load(from: folder.appendingPathComponent("latest.safetensors")).model
    let (tensors, metadata) = try SafeTensors.read(folder.appendingPathComponent("latest.optimizer.safetensors"))
    let state = ["state.h_l0", "state.c_l0", "state.h_l1", "state.c_l1"].flatMap { tensors[$0]?.values ?? [] }
    let trainer = try #require(try JSONSerialization.jsonObject(with: Data((metadata["lilt.trainer"] ?? "").utf8)) as? [String: Any])
    let window = try #require((trainer["progress"] as? [String: Any])?["nextWindow"] as? Int)
    return (model.parameters, tensors["adam.m"]?.values ?? [], state, window)
}

private func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "sizes differ")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Test("a step on 2 ranks gives the parameters a Lilt step gives on the same streams, and each resumes the other's run",
      .enabled(if: torchVenv != nil, noTorch), arguments: [0, 8])
func distributedStepMatchesLilt(embedding: Int) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let lilt = scratch.url("lilt"), script = scratch.url("script")
    // The run before its first window, written by Lilt: the same start for both.
    let started = try runLilt(["train", "--corpus", "samples", "--out", lilt.path, "--hidden", "24", "--dropout", "0",
                               "--embedding", String(embedding), "--seq", "8", "--batch", "6", "--max-steps", "0"],
                              environment: scratch.environment)
    #expect(started.status == 0, "\(started.output)")
    try FileManager.default.copyItem(at: lilt, to: script)
    let initial = try latestRun(lilt)

    // One window each: Lilt on its own, the script on 2 ranks of 3 streams.
    let liltStep = try runLilt(["train", "--corpus", "samples", "--out", lilt.path, "--resume", "--max-steps", "1"],
                               environment: scratch.environment)
    #expect(liltStep.status == 0, "\(liltStep.output)")
    let scriptStep = try torchrun(["--data", scratch.export.path, "--out", script.path, "--resume", "--max-steps", "1"])
    #expect(scriptStep.status == 0, "\(scriptStep.output)\n\(scriptStep.errors)")
    var a = try latestRun(lilt), b = try latestRun(script)
    #expect(a.nextWindow == 1 && b.nextWindow == 1)
    #expect(largestDifference(a.parameters, initial.parameters) > 2e-3, "Adam's first step moves the parameters by ~lr")
    #expect(largestDifference(a.parameters, b.parameters) <= 1e-4)
    #expect(largestDifference(a.moments, b.moments) <= 1e-5, "the same clipped gradient")
    #expect(largestDifference(a.state, b.state) <= 1e-5, "the same carried state")

    // Each goes on from the other's files: Lilt from the script's, the script from Lilt's.
    let liltResumes = try runLilt(["train", "--corpus", "samples", "--out", script.path, "--resume", "--max-steps", "2"],
                                  environment: scratch.environment)
    #expect(liltResumes.status == 0, "\(liltResumes.output)")
    let scriptResumes = try torchrun(["--data", scratch.export.path, "--out", lilt.path, "--resume", "--max-steps", "2"])
    #expect(scriptResumes.status == 0, "\(scriptResumes.output)\n\(scriptResumes.errors)")
    (a, b) = (try latestRun(lilt), try latestRun(script))
    #expect(a.nextWindow == 3 && b.nextWindow == 3)
    #expect(largestDifference(a.parameters, b.parameters) <= 1e-4)
    #expect(largestDifference(a.moments, b.moments) <= 1e-5)
}

@Test("the script names the file and the reason: a manifest of another version, a missing shard, another vocabulary on resume",
      .enabled(if: torchVenv != nil, noTorch))
func distributedBadInput() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let python = torchVenv!.appendingPathComponent("bin/python")
    let manifest = scratch.export.appendingPathComponent("manifest.json")
    let original = try String(contentsOf: manifest, encoding: .utf8)

    try original.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7")
        .write(to: manifest, atomically: true, encoding: .utf8)
    let version = try run(python, [trainScript.path, "--data", scratch.export.path, "--out", scratch.url("m").path])
    #expect(version.status != 0)
    #expect(version.errors.contains("\(manifest.path): export version 7"), "\(version.errors)")

    try original.write(to: manifest, atomically: true, encoding: .utf8)
    let shard = scratch.export.appendingPathComponent("shard-00000.offsets.npy")
    try FileManager.default.removeItem(at: shard)
    let missing = try run(python, [trainScript.path, "--data", scratch.export.path, "--out", scratch.url("m").path])
    #expect(missing.status != 0)
    #expect(missing.errors.contains("\(shard.path): missing"), "\(missing.errors)")

    // A run of Lilt on the samples, resumed on an export of two songs (a smaller vocabulary).
    let model = scratch.url("model")
    let started = try runLilt(["train", "--corpus", "samples", "--out", model.path, "--hidden", "16", "--max-steps", "0"],
                              environment: scratch.environment)
    #expect(started.status == 0, "\(started.output)")
    let other = try Scratch(importing: ["ode-to-joy.krn", "frere-jacques.krn"].map {
        packageRoot.appendingPathComponent("Corpora/samples/\($0)").path
    })
    defer { other.remove() }
    let resumed = try run(python, [trainScript.path, "--data", other.export.path, "--out", model.path, "--resume"])
    #expect(resumed.status != 0)
    #expect(resumed.errors.contains("\(model.appendingPathComponent("latest.safetensors").path): its vocabulary is not"),
            "\(resumed.errors)")
}
