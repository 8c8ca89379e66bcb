import ArgumentParser
import Foundation

/// `lilt bench …`: speed figures with units and the machine they ran on.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Lilt's speed and print the figures.",
        subcommands: [BenchCorpus.self, BenchTrain.self, BenchGenerate.self, BenchRender.self, BenchStudio.self])
}

/// The machine a benchmark ran on, printed by every `lilt bench` command so figures can be compared.
enum BenchMachine {
    /// The processor's model name from /proc/cpuinfo.
    static let cpu: String = {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
            ?? "unknown CPU"
    }()
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
    static var memoryMiB: UInt64 { ProcessInfo.processInfo.physicalMemory / 1_048_576 }

    #if DEBUG
    static let build = "debug build (use `swift build -c release` for real figures)"
    #else
    static let build = "release build"
    #endif

    /// "AMD EPYC …, 2 cores, 24105 MiB; release build".
    static var summary: String { "\(cpu), \(cores) cores, \(memoryMiB) MiB; \(build)" }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
