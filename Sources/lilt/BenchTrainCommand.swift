import ArgumentParser
import Foundation
import LiltNN

/// `lilt bench train`: training speed (sequence-steps/s, GFLOP/s) and single-step generation latency
/// for the bench configurations, side by side with PyTorch when its reference script can run.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Measure training speed and generation latency for configs A and C (and PyTorch's, when present).",
        discussion: """
            A: one-hot vocabulary 38, 1 × LSTM 256, dropout 0.2, T 64, batch 64. \
            C: one-hot vocabulary 128, 3 × LSTM 512, T 50, batch 64. Loss at every step; figures are medians. \
            OpenBLAS reads OPENBLAS_CORETYPE when the program starts: run under \
            `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` for the kernels OpenBLAS picks by itself.
            """)

    @OptionGroup var options: BenchTrainOptions

    func run() throws { try options.run() }
}

/// The same command under its temporary top-level name `bench-train`.
struct BenchTrainTopLevel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-train", abstract: BenchTrain.configuration.abstract,
        discussion: BenchTrain.configuration.discussion)

    @OptionGroup var options: BenchTrainOptions

    func run() throws { try options.run() }
}

struct BenchTrainOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "OpenBLAS threads (and PyTorch's, through its script).")
    var threads = 2

    @Option(help: "Configurations to measure, comma-separated (A, C).")
    var configs = "A,C"

    @Option(help: "Measured training steps per configuration (the median is reported).")
    var repeats = 7

    @Option(help: "PyTorch's reference script; skipped when it or the Python below is missing.")
    var torchScript = "../shared/bench/torch_lstm.py"

    @Option(help: "Python with torch installed.")
    var torchPython = "~/.venvs/torchref/bin/python"

    @Flag(help: "Do not run PyTorch's reference.")
    var noTorch = false

    func run() throws {
        BLASInfo.setThreads(threads)
        let environment = ProcessInfo.processInfo.environment
        let cases = configs.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            .compactMap { name -> TrainingBenchmark.Case? in
                switch name {
                case "A": .a
                case "C": .c
                default: nil
                }
            }
        guard !cases.isEmpty else { throw ValidationError("--configs: choose among A and C") }
        let machine = MachineFacts(environment: environment, threads: threads)
        if !json { print(machine.description) }

        var results: [TrainingBenchmark.Result] = []
        for benchCase in cases {
            let result = TrainingBenchmark.run(benchCase, repeats: repeats)
            results.append(result)
            if !json {
                print(String(format: "config %@: %8.0f seq-steps/s  %6.1f GFLOP/s  (%.1f ms a step)  single step %8.1f µs",
                             result.name, result.seqStepsPerSecond, result.gflopsPerSecond,
                             result.stepSeconds * 1000, result.stepMicros))
            }
        }

        let torch = noTorch ? nil : runTorch()
        if !json {
            if let torch {
                for result in results {
                    if let theirs = torch[result.name] {
                        print(String(format: "PyTorch %@: %8.0f seq-steps/s  → Lilt/PyTorch %.2f×", result.name, theirs,
                                     result.seqStepsPerSecond / theirs))
                    }
                }
            } else if !noTorch {
                print("PyTorch: not measured (needs \(torchPython) with torch and \(torchScript))")
            }
        } else {
            var object: [String: Any] = [:]
            for result in results {
                var entry: [String: Any] = [
                    "seqStepsPerSecond": result.seqStepsPerSecond, "gflopsPerSecond": result.gflopsPerSecond,
                    "stepSeconds": result.stepSeconds, "stepMicros": result.stepMicros,
                ]
                if let theirs = torch?[result.name] {
                    entry["torchSeqStepsPerSecond"] = theirs
                    entry["ratioToTorch"] = result.seqStepsPerSecond / theirs
                }
                object[result.name] = entry
            }
            object["machine"] = machine.json
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// PyTorch's figures from its reference script, or nil when it cannot run.
    private func runTorch() -> [String: Double]? {
        let python = NSString(string: torchPython).expandingTildeInPath
        guard FileManager.default.isExecutableFile(atPath: python),
              FileManager.default.fileExists(atPath: torchScript) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [torchScript]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double]
        else { return nil }
        return object
    }
}

/// The machine a benchmark ran on.
private struct MachineFacts {
    var cpu: String, cores: Int, threads: Int, blasCore: String, pinned: String?

    init(environment: [String: String], threads: Int) {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        cpu = info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
            ?? "unknown CPU"
        cores = ProcessInfo.processInfo.activeProcessorCount
        self.threads = threads
        blasCore = BLASInfo.coreName
        pinned = environment["OPENBLAS_CORETYPE"]
    }

    var description: String {
        "machine: \(cpu), \(cores) cores; OpenBLAS \(blasCore) kernels, \(threads) thread(s)"
            + (pinned.map { " (pinned by OPENBLAS_CORETYPE=\($0))" } ?? " (chosen by OpenBLAS)")
    }

    var json: [String: Any] {
        ["cpu": cpu, "cores": cores, "threads": threads, "blasCore": blasCore, "pinned": pinned ?? ""]
    }
}
