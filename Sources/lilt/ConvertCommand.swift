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

    @Option(help: "For MIDI output: the General MIDI program of the chord symbols (1-128 or a name; 25 is the nylon guitar, 1 the piano).")
    var chordProgram: String = "25"

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
        let chordInstrument: GMProgram
        do { chordInstrument = try GMProgram.parse(chordProgram) } catch {
            throw CommandError("--chord-program: \(error)")
        }
        try MusicFile.write(melodies, to: URL(fileURLWithPath: output), program: instrument, chordProgram: chordInstrument)
        if melodies.count > 1, MusicFormat(pathExtension: URL(fileURLWithPath: output).pathExtension) == .midi {
            print("note: a MIDI file holds one melody; wrote the first of \(melodies.count) (choose one with --tune)")
        }
        for melody in melodies {
            for symbol in melody.unreadableChords {
                let file = melody.source?.file ?? input
                FileHandle.standardError.write(Data("\(file)\(symbol.line.map { ":\($0)" } ?? ""): chord symbol \"\(symbol.text)\" could not be read (left out)\n".utf8))
            }
        }
        let notes = melodies.reduce(0) { $0 + $1.notes.count }
        let chords = melodies.reduce(0) { $0 + $1.chords.count }
        print("\(input) → \(output): \(melodies.count) melod\(melodies.count == 1 ? "y" : "ies"), \(notes) events"
              + (chords > 0 ? ", \(chords) chords" : ""))
    }
}
