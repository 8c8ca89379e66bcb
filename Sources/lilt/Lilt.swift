import ArgumentParser
import LiltStudio

@main
struct Lilt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lilt",
        abstract: "A terminal music workstation that learns folk melodies with an LSTM.",
        version: StudioInfo.version,
        subcommands: [StudioCommand.self, Doctor.self, CorpusCommand.self, ConvertCommand.self, TrainCommand.self,
                      GenerateCommand.self, HarmonizeCommand.self, ScoreCommand.self, EvalCommand.self, Play.self, Render.self,
                      BenchCommand.self],
        defaultSubcommand: StudioCommand.self
    )
}

/// A failure found while a command runs (a missing model, an out-of-range index). ArgumentParser
/// prints it as "Error: …" with exit code 1; a `ValidationError` would also print the root command's
/// usage, which only confuses once the arguments themselves have been accepted.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
