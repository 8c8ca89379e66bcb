import ArgumentParser
import Foundation
import LiltCompose
import LiltMusic

/// `lilt harmonize`: chords for a melody, chosen by a model trained on lead sheets.
struct HarmonizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harmonize",
        abstract: "Choose chords for a melody with a model trained on lead sheets.",
        discussion: """
            The melody stays as it is; at every change point (each bar, half bar or beat) a chord is \
            chosen so that the whole progression is likely under the model: a beam search over the \
            chords, each path scored by the model's log-probabilities of its chord tokens and of the \
            melody's tokens that follow them. --adventure divides the chords' log-probabilities: above 1 \
            rarer chords, below 1 the safest. Every melody of FILE is harmonized; its own chords are \
            ignored. The output's format follows its extension (.abc, .mid, .musicxml, .json).
            """)

    @Argument(help: "The melody file (.abc, .krn, .mid, .json).") var file: String
    @Option(help: "The lead-sheet model file or folder (default: the default model).") var model: String?
    @Option(help: "Where chords may change: bar, half or beat.") var changes = "bar"
    @Option(help: "Paths kept by the beam search at each change point.") var beam = 4
    @Option(help: "Chords tried after each path at each change point: the most likely ones.") var candidates = 4
    @Option(help: "Temperature on the chords' log-probabilities (1: as the model has it).") var adventure = 1.0
    @Option(help: "General MIDI instrument for .mid: 1–128 or a name.") var program = "74"
    @Option(name: .shortAndLong, help: "The file to write (.abc, .mid, .musicxml, .json).") var out: String

    func run() throws {
        guard let changes = ChordChanges(rawValue: changes) else { throw CommandError("--changes: bar, half or beat") }
        let music = try ModelArgument.load(model)
        let melodies = try MusicFile.read(URL(fileURLWithPath: file))
        guard !melodies.isEmpty else { throw CommandError("\(file): no melody in the file") }
        let harmonizer = Harmonizer(model: music, beamWidth: beam, adventure: adventure, candidates: candidates)
        var results: [Melody] = []
        for (index, melody) in melodies.enumerated() {
            let name = melodies.count == 1 ? file : "\(file), melody \(index + 1)"
            let result = try harmonizer.harmonize(melody, changes: changes, name: name)
            print(String(format: "%@: %d chords (%@), log-probability %.2f nats: %@", name, result.changePoints,
                         changes.rawValue, result.logProbability,
                         result.melody.chords.map(\.symbol).joined(separator: " ")))
            results.append(result.melody)
        }
        try MusicFile.write(results, to: URL(fileURLWithPath: out), program: try GMProgram.parse(program))
        print("wrote \(out)")
    }
}
