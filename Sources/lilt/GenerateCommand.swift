import ArgumentParser
import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

/// `lilt generate`: melodies from a model, with seeds and musical controls.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write new melodies with a model: from a seed, with temperature, biases, scale and length.",
        discussion: """
            SEED: none; a corpus song NAME:INDEX (from 1); a melody file, optionally FILE@BARS (3 or 3-6, \
            from 1); or a token string in the model's key ("67 _ 67 _ 65 64 _ _"). A file or song seed is \
            moved to the model's key like the training data and the result played back in its own key \
            (--model-key keeps the model's). --adaptive N sets a target entropy in nats: the temperature \
            is multiplied by exp(0.5·(N − H)) after every step (H the entropy just drawn from), kept in \
            0.1…4. With several variations, .mid, .krn and .wav files are numbered (NAME-1.mid …); .abc, \
            .musicxml and .json hold them all; .json is the `lilt convert` dump with each melody's \
            provenance (model hash, seed, controls, random seed). A model trained on lead sheets writes \
            chords with the melody; --chords "| D | G A7 | D |" (bars; the chords of a bar share it evenly) \
            or --chords FILE (that file's chord symbols) writes a melody over those chords instead, as long \
            as they last, in their key.
            """)

    @Option(help: "The model file or folder (default: the default model).") var model: String?
    @Option(help: "Where to start: none, NAME:INDEX, FILE[@BARS] or a token string.") var seed = "none"
    @Option(help: "Sampling temperature.") var temperature = 1.0
    @Option(help: "Entropy-adaptive temperature with this target entropy (nats per step).") var adaptive: Double?
    @Option(parsing: .unconditional, help: "Added to the rest token's logit (negative: fewer rests).") var restBias = 0.0
    @Option(parsing: .unconditional, help: "Added to the hold token's logit (positive: longer notes).") var holdBias = 0.0
    @Option(help: "Keep the most likely tokens up to this total probability.") var topP = 1.0
    @Option(help: "Scale lock: key (the seed's key) or a scale such as \"D dorian\".") var scale: String?
    @Option(help: "Pitch range in MIDI numbers, e.g. 60-84 (sounding pitch).") var range: String?
    @Option(help: "Length of the continuation in bars.") var bars = 16
    @Option(help: "Length of the continuation in steps (instead of bars).") var steps: Int?
    @Flag(help: "Do not stop where the model ends the song; fill the whole length.") var keepGoing = false
    @Option(help: "Number of variations (one batch).") var variations = 1
    @Option(help: "Random seed: the same one repeats a take exactly.") var randomSeed: UInt64 = 1
    @Flag(help: "Keep the model's key instead of the seed's.") var modelKey = false
    @Option(help: "Tempo in quarter notes per minute.") var tempo = 120.0
    @Option(help: "General MIDI instrument for .mid and .wav: 1–128 or a name.") var program = "74"
    @Option(help: "A SoundFont for .wav output.") var soundfont: String?
    @Option(help: "Chords to write the melody over: a chart like \"| D | G A7 | D |\" or a file with chord symbols (a lead-sheet model).")
    var chords: String?
    @Option(help: "The meter of a --chords chart, e.g. 3/4 (default: the seed's, else 4/4).") var meter: String?
    @Option(name: .shortAndLong, help: "The file to write (.mid, .musicxml, .abc, .krn, .wav, .json).") var out: String

    func run() throws {
        let music = try ModelArgument.load(model)
        var controls = GenerationControls()
        controls.temperature = temperature
        controls.targetEntropy = adaptive
        controls.restBias = restBias
        controls.holdBias = holdBias
        controls.topP = topP
        if let scale {
            guard let lock = ScaleLock.parse(scale) else { throw CommandError("--scale: use key or a scale like \"D dorian\"") }
            controls.scale = lock
        }
        if let range {
            let parts = range.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, parts[0] <= parts[1] else { throw CommandError("--range: LOW-HIGH in MIDI numbers, e.g. 60-84") }
            controls.pitchRange = parts[0]...parts[1]
        }
        controls.length = steps.map { .steps($0) } ?? .bars(bars)
        controls.stopAtEnd = !keepGoing
        controls.variations = variations
        controls.randomSeed = randomSeed
        controls.transposeBack = !modelKey
        var seed = try Seed.resolve(SeedSource.parse(seed), for: music, corpora: CorpusStore(directory: DataLocations().corpora))
        var given: GivenChords?
        if let chords {
            let meter = try meter.map(Self.parseMeter) ?? seed.meter ?? Meter(4, 4)
            let (symbols, name, fileMeter) = try Self.readChords(chords, meter: meter)
            let plan = try GivenChords.following(&seed, chords: symbols, model: music, name: name)
            given = plan
            seed.meter = fileMeter ?? meter
            controls.length = .steps(plan.steps)
            controls.stopAtEnd = false
        }
        let clock = ContinuousClock()
        let start = clock.now
        var takes = try Composer.generate(model: music, seed: seed, controls: controls, givenChords: given)
        let elapsed = clock.now - start
        for index in takes.indices { takes[index].melody.tempo = tempo }
        try TakeWriter.write(takes, to: URL(fileURLWithPath: out), program: program, soundfont: soundfont)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        for (index, take) in takes.enumerated() {
            let generated = take.tokens[take.seedLength...].filter(\.isStep).count
            let chords = take.melody.chords.isEmpty ? "" : ", \(take.melody.chords.count) chords"
            print(String(format: "take %d: %d seed + %d generated steps (%.1f bars)%@%@, mean entropy %.3f nats",
                         index + 1, take.tokens[..<take.seedLength].filter(\.isStep).count, generated, Double(generated) / Double(max(1, stepsPerBar(seed, music))),
                         chords, take.endedSong ? ", the song ended" : "", take.meanEntropy))
        }
        print(String(format: "generated in %.1f ms; wrote %@", milliseconds, TakeWriter.files(for: URL(fileURLWithPath: out),
                                                                                            count: takes.count).map(\.path).joined(separator: ", ")))
    }

    /// "3/4" as a meter.
    static func parseMeter(_ text: String) throws -> Meter {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { throw CommandError("--meter: write it like 3/4") }
        return Meter(parts[0], parts[1])
    }

    /// The chords of `--chords`: a file's chord symbols (and its meter) when `text` names a file, else a
    /// chart in bars of `meter`.
    static func readChords(_ text: String, meter: Meter) throws -> (chords: [ChordSymbol], name: String, meter: Meter?) {
        if FileManager.default.fileExists(atPath: text) {
            let url = URL(fileURLWithPath: text)
            guard let melody = try MusicFile.read(url).first(where: { !$0.chords.isEmpty }) else {
                throw CommandError("\(text): no chord symbols in the file")
            }
            let start = melody.chords.first?.onset ?? .zero
            let chords = melody.chords.map { chord in
                var moved = chord
                moved.onset = chord.onset - start
                return moved
            }
            return (chords, text, melody.meter)
        }
        do {
            return (try ChordChart.parse(text, barLength: meter.barLength), "--chords", nil)
        } catch {
            throw CommandError("--chords: \(error)")
        }
    }

    private func stepsPerBar(_ seed: Seed, _ model: MusicModel) -> Int {
        let ratio = (seed.meter ?? Meter(4, 4)).barLength / model.encoding.step
        return ratio.numerator / max(ratio.denominator, 1)
    }
}

/// Writes takes by file extension; formats that hold one melody get numbered files.
enum TakeWriter {
    static func holdsOne(_ url: URL) -> Bool {
        ["mid", "midi", "krn", "kern", "wav"].contains(url.pathExtension.lowercased())
    }

    static func files(for url: URL, count: Int) -> [URL] {
        guard count > 1, holdsOne(url) else { return [url] }
        let base = url.deletingPathExtension()
        return (1...count).map { URL(fileURLWithPath: base.path + "-\($0)." + url.pathExtension) }
    }

    static func write(_ takes: [Take], to url: URL, program: String, soundfont: String?) throws {
        let gm = try GMProgram.parse(program)
        let ext = url.pathExtension.lowercased()
        if ext == "json" {
            do { try Data(Take.jsonDump(takes).utf8).write(to: url, options: .atomic) } catch {
                throw MusicFileError.unwritable(file: url.path, reason: error.localizedDescription)
            }
            return
        }
        if ext == "wav" {
            AudioLog.use(DataLocations().audioLog)
            let font = try SoundFontLocator(explicitPath: soundfont).locate()
            let renderer = try OfflineRenderer(soundFont: font, settings: SynthSettings(program: gm), releaseTail: 1)
            for (take, file) in zip(takes, files(for: url, count: takes.count)) {
                try WAVWriter.write(try renderer.render(take.melody, tempo: take.melody.tempo).leveled(.standard).audio, to: file)
            }
            return
        }
        guard MusicFormat(pathExtension: ext) != nil else {
            throw CommandError("\(url.path): write .mid, .musicxml, .abc, .krn, .wav or .json")
        }
        if holdsOne(url) {
            for (take, file) in zip(takes, files(for: url, count: takes.count)) {
                try MusicFile.write([take.melody], to: file, program: gm)
            }
        } else {
            try MusicFile.write(takes.map(\.melody), to: url, program: gm)
        }
    }
}
