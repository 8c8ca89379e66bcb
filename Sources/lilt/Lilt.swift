import ArgumentParser
import LiltStudio

@main
struct Lilt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lilt",
        abstract: "A terminal music workstation that learns folk melodies with an LSTM.",
        version: StudioInfo.version,
        subcommands: [StudioCommand.self, Doctor.self, CorpusCommand.self, ConvertCommand.self, TrainCommand.self,
                      GenerateCommand.self, ScoreCommand.self, EvalCommand.self, Play.self, Render.self,
                      BenchCommand.self],
        defaultSubcommand: StudioCommand.self
    )
}
