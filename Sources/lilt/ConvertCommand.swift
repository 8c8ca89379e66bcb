import ArgumentParser
import Foundation
import LiltMusic

/// `lilt convert IN OUT`: any readable format to any writable one, by extension.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between .krn, .abc, .mid (read and write) and .musicxml, .json (write).")

    @Argument(help: "The file to read (.krn, .abc, .mid, .midi).")
    var input: String

    @Argument(help: "The file to write (.krn, .abc, .mid, .musicxml, .json).")
    var output: String

    @Option(help: "For MIDI input: the track to take the melody from (0-based).")
    var track: Int?

    @Option(help: "For MIDI input: the channel to take the melody from (1-16).")
    var channel: Int?

    @Option(help: "For kern input: the **kern spine, by number (1 = leftmost) or instrument name.")
    var spine: String?

    @Option(help: "For ABC input: only the tune with this X: number.")
    var tune: Int?

    @Option(help: "For MIDI output: the General MIDI program (1-128; 1 is the piano, 74 the flute).")
    var program: Int = 1

    func run() throws {
        var options = MusicReadOptions()
        options.midi.track = track
        options.midi.channel = channel.map { $0 - 1 }
        if let spine {
            options.kernSpine = Int(spine).map { .index($0 - 1) } ?? .named(spine)
        }
        var melodies = try MusicFile.read(URL(fileURLWithPath: input), options: options)
        if let tune {
            melodies = melodies.filter { $0.source?.detail == "X:\(tune)" }
            guard !melodies.isEmpty else { throw CommandError("\(input): no tune X:\(tune)") }
        }
        guard let instrument = GMProgram(gmNumber: program) else { throw CommandError("--program must be 1-128") }
        try MusicFile.write(melodies, to: URL(fileURLWithPath: output), program: instrument)
        if melodies.count > 1, MusicFormat(pathExtension: URL(fileURLWithPath: output).pathExtension) == .midi {
            print("note: a MIDI file holds one melody; wrote the first of \(melodies.count) (choose one with --tune)")
        }
        let notes = melodies.reduce(0) { $0 + $1.notes.count }
        print("\(input) → \(output): \(melodies.count) melod\(melodies.count == 1 ? "y" : "ies"), \(notes) events")
    }
}
