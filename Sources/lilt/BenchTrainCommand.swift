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

struct BenchTrainOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Threads for Lilt's training steps (PyTorch's script always uses 2).")
    var threads = 2

    @Option(help: "Configurations to measure, comma-separated (A, C).")
    var configs = "A,C"

    @Option(help: "Measured training steps per configuration and round (the median is reported).")
    var repeats = 7

    @Option(help: "Rounds, each measuring Lilt's A, PyTorch's A and C, then Lilt's C; figures are medians over rounds.")
    var rounds = 3

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
        guard !cases.isEmpty else { throw CommandError("--configs: choose among A and C") }
        guard rounds >= 1, repeats >= 1 else { throw CommandError("--rounds and --repeats must be at least 1") }
        let machine = MachineFacts(environment: environment, threads: threads)
        if !json { print(machine.description) }
        let torchAvailable = !noTorch && torchCanRun

        var ours: [String: [TrainingBenchmark.Result]] = [:]
        var torchTraining: [String: [Double]] = [:], torchStep: [String: [Double]] = [:]
        for round in 1...rounds {
            for (index, benchCase) in cases.enumerated() {
                let result = TrainingBenchmark.run(benchCase, repeats: repeats, threads: threads)
                ours[result.name, default: []].append(result)
                if !json {
                    print(String(format: "round %d  Lilt %@: %8.0f seq-steps/s  %6.1f GFLOP/s  (%.1f ms a step)  single step %7.1f µs (%d thread%@)",
                                 round, result.name, result.seqStepsPerSecond, result.gflopsPerSecond,
                                 result.stepSeconds * 1000, result.stepMicros, result.stepThreads,
                                 result.stepThreads == 1 ? "" : "s"))
                }
                // PyTorch's script measures A, then C: run between our A and our C, each pair is measured
                // seconds apart (a shared machine's speed drifts over tens of seconds).
                if index == 0, torchAvailable {
                    // NaN where a run failed, so every round's figures stay paired with that round's.
                    let training = runPython(arguments: [torchScript]) ?? [:]
                    for name in cases.map(\.name) { torchTraining[name, default: []].append(training[name] ?? .nan) }
                }
            }
            if torchAvailable {
                if let steps = runPython(arguments: ["-c", Self.torchStepScript]) {
                    for (name, value) in steps { torchStep[name, default: []].append(value) }
                }
                if !json {
                    let names = cases.map(\.name)
                    print("round \(round)  PyTorch: " + names.map { name in
                        let theirs = torchTraining[name]?.last ?? .nan
                        let ratio = (ours[name]?.last?.seqStepsPerSecond ?? .nan) / theirs
                        return String(format: "%@ %.0f seq-steps/s (Lilt %.2f× this round), single step %.1f µs", name,
                                      theirs, ratio, torchStep[name]?.last ?? .nan)
                    }.joined(separator: "; "))
                }
            }
        }

        func median(_ values: [Double]) -> Double? {
            let measured = values.filter { !$0.isNaN }
            return measured.isEmpty ? nil : measured.sorted()[measured.count / 2]
        }
        var object: [String: Any] = ["machine": machine.json, "rounds": rounds]
        if !json { print("medians over \(rounds) round(s):") }
        for benchCase in cases {
            let results = ours[benchCase.name] ?? []
            let speed = median(results.map(\.seqStepsPerSecond))!
            let gflops = median(results.map(\.gflopsPerSecond))!
            let micros = median(results.map(\.stepMicros))!
            var entry: [String: Any] = [
                "seqStepsPerSecond": speed, "gflopsPerSecond": gflops, "stepSeconds": Double(benchCase.steps * benchCase.batch) / speed,
                "stepMicros": micros, "stepThreads": results.last!.stepThreads,
            ]
            var line = String(format: "config %@: Lilt %8.0f seq-steps/s  %6.1f GFLOP/s  single step %7.1f µs",
                              benchCase.name, speed, gflops, micros)
            if let theirs = median(torchTraining[benchCase.name] ?? []) {
                let theirGflops = theirs * benchCase.flopsPerStep / Double(benchCase.steps * benchCase.batch) / 1e9
                // The ratio of the medians, and the ratios round by round (each pair measured side by side,
                // seconds apart): their median, and their range, which says how much to trust either figure
                // on a shared machine.
                let roundRatios = zip(results.map(\.seqStepsPerSecond), torchTraining[benchCase.name] ?? [])
                    .map { $0 / $1 }.filter { !$0.isNaN }
                entry["torchSeqStepsPerSecond"] = theirs
                entry["torchGflopsPerSecond"] = theirGflops
                entry["ratioToTorch"] = speed / theirs
                entry["roundRatios"] = roundRatios
                entry["medianRoundRatio"] = median(roundRatios)!
                line += String(format: "  | PyTorch %8.0f seq-steps/s %6.1f GFLOP/s → %.2f× (round by round: median %.2f×, %.2f–%.2f×)",
                               theirs, theirGflops, speed / theirs, median(roundRatios) ?? .nan,
                               roundRatios.min() ?? .nan, roundRatios.max() ?? .nan)
            }
            if let theirs = median(torchStep[benchCase.name] ?? []) {
                entry["torchStepMicros"] = theirs
                line += String(format: "; PyTorch single step %.1f µs (%.1f× slower)", theirs, theirs / micros)
            }
            object[benchCase.name] = entry
            if !json { print(line) }
        }
        if !json && !torchAvailable && !noTorch {
            print("PyTorch: not measured (needs \(torchPython) with torch, and \(torchScript))")
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    private var pythonPath: String { NSString(string: torchPython).expandingTildeInPath }

    private var torchCanRun: Bool {
        FileManager.default.isExecutableFile(atPath: pythonPath) && FileManager.default.fileExists(atPath: torchScript)
    }

    /// Runs the Python with torch; its last output line must be a JSON object of numbers.
    private func runPython(arguments: [String]) -> [String: Double]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pythonPath)
        process.arguments = arguments
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

    /// PyTorch's single generation step (batch 1, carried state, no gradient, 2 threads), the faster of
    /// its two CPU back ends, median of 300, microseconds.
    static let torchStepScript = """
        import json, time, torch
        torch.set_num_threads(2); torch.manual_seed(0)
        def step_us(V, H, L, mkldnn):
            torch.backends.mkldnn.enabled = mkldnn
            lstm = torch.nn.LSTM(V, H, L, batch_first=True); head = torch.nn.Linear(H, V)
            x = torch.zeros(1, 1, V); x[0, 0, 3] = 1; state = None; ts = []
            with torch.no_grad():
                for i in range(330):
                    t = time.perf_counter(); out, state = lstm(x, state); head(out); ts.append(time.perf_counter() - t)
            ts = sorted(ts[30:]); return ts[len(ts) // 2] * 1e6
        print(json.dumps({"A": min(step_us(38, 256, 1, m) for m in (True, False)),
                          "C": min(step_us(128, 512, 3, m) for m in (True, False))}))
        """
}

/// The machine a benchmark ran on.
private struct MachineFacts {
    var cpu: String, cores: Int, threads: Int, blasCore: String, pinned: String?, cellKernels: String

    init(environment: [String: String], threads: Int) {
        cpu = BenchMachine.cpu
        cores = BenchMachine.cores
        self.threads = threads
        blasCore = BLASInfo.coreName
        pinned = environment["OPENBLAS_CORETYPE"]
        cellKernels = KernelInstructionSet.selected.rawValue
    }

    var description: String {
        "machine: \(cpu), \(cores) cores, \(BenchMachine.build); OpenBLAS \(blasCore) kernels, \(threads) thread(s)"
            + (pinned.map { " (pinned by OPENBLAS_CORETYPE=\($0))" } ?? " (chosen by OpenBLAS)")
            + "; LSTM cell kernels for \(cellKernels)"
    }

    var json: [String: Any] {
        ["cpu": cpu, "cores": cores, "threads": threads, "blasCore": blasCore, "pinned": pinned ?? "", "cellKernels": cellKernels]
    }
}
