import ArgumentParser

/// `lilt bench …`: speed figures with units and the machine they ran on.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Lilt's speed and print the figures.",
        subcommands: [BenchCorpus.self, BenchTrain.self, BenchGenerate.self, BenchRender.self, BenchStudio.self])
}
