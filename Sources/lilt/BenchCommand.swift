import ArgumentParser

/// `lilt bench …`: speed figures with units and the machine they ran on.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Lilt's speed and print the figures.",
        subcommands: [BenchCorpus.self, BenchTrain.self, BenchRender.self, BenchGenerate.self, BenchStudio.self])
}
