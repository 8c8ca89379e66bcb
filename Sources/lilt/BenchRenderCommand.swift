import ArgumentParser
import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

/// `lilt bench render`: how fast offline rendering is, and how precisely the live player's notes land.
struct BenchRender: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Measure the offline render's real-time factor and the live player's scheduling jitter.")

    @Option(help: "Bars (4/4) of the generated melody to render.")
    var bars = 64

    @Option(help: "Offline renders to time; the best is reported.")
    var repeats = 3

    @Option(help: "Seconds of live playback (file driver, real time) for the jitter figure; 0 skips it.")
    var liveSeconds = 6.0

    @Option(help: "A SoundFont (.sf2/.sf3) to use instead of the ones Lilt looks for.")
    var soundfont: String?

    func run() throws {
        AudioLog.use(DataLocations().audioLog)
        let font = try SoundFontLocator(explicitPath: soundfont).locate()
        print("machine     \(BenchMachine.summary); FluidSynth \(FluidSynthInfo.version)")
        print("SoundFont   \(font.path)")

        let clock = ContinuousClock()
        var start = clock.now
        let renderer = try OfflineRenderer(soundFont: font)
        print(String(format: "load        %.3f s", BenchMachine.seconds(clock.now - start)))

        let melody = Self.benchMelody(bars: bars, seed: 2026)
        var best = Double.infinity
        var audio = RenderedAudio(sampleRate: 44_100, samples: [])
        for _ in 0..<max(1, repeats) {
            start = clock.now
            audio = try renderer.render(melody)
            best = min(best, BenchMachine.seconds(clock.now - start))
        }
        print(String(format: "render      %d bars, %d notes, %.1f s of audio (reverb on, 1 s tail) in %.3f s: "
                     + "%.0f× real time (target ≥ 60×)", bars, melody.notes.count, audio.duration, best,
                     audio.duration / best))

        guard liveSeconds > 0 else { return }
        try measureJitter(font: font)
    }

    /// Plays a short melody live through the file driver (real-time paced) into a raw file, then finds each
    /// note's onset in that audio and compares it with its scheduled time.
    private func measureJitter(font: URL) throws {
        let tempo = 150.0
        let notes = max(4, Int(liveSeconds * tempo / 60 / 0.5))
        let melody = Melody.sequence((0..<notes).map { index in
            index % 4 == 3 ? (nil, QuarterLength(1, 2)) : ([72, 76, 79, 74, 77, 81][index % 6], QuarterLength(1, 2))
        }, tempo: tempo)
        let settings = SynthSettings(reverb: false, chorus: false)
        let offline = try OfflineRenderer(soundFont: font, settings: settings).render(melody)

        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-bench-\(getpid()).raw")
        defer { try? FileManager.default.removeItem(at: raw) }
        let output = try FluidSynthOutput(synth: try Synth(soundFont: font, settings: settings), request: .rawFile(raw))
        let player = LivePlayer(output: output, melody: melody)
        Thread.sleep(forTimeInterval: 0.05)
        player.play()
        var origin: Double?
        while player.state != .finished {
            origin = origin ?? player.originTime
            Thread.sleep(forTimeInterval: 0.01)
        }
        Thread.sleep(forTimeInterval: 0.3)
        player.shutdown()
        output.close()
        guard let origin else { throw CommandError("the live player never started") }

        let bytes = try Data(contentsOf: raw)
        let pcm = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        let live = RenderedAudio(sampleRate: 44_100, samples: pcm.map { Float(Int16(littleEndian: $0)) / 32768 })
        let heard = AudioAnalysis.onsets(live.mono(), sampleRate: 44_100)
        let rendered = AudioAnalysis.onsets(offline.mono(), sampleRate: 44_100)
        let scheduled = melody.notes.filter { !$0.isRest }.map { origin / 1000 + $0.onset.doubleValue * 60 / tempo }
        let versusSchedule = Self.matchErrors(heard, scheduled)
        let versusOffline = Self.matchErrors(heard, rendered.map { $0 + origin / 1000 })
        print(String(format: "live        %d notes in %.1f s through the file driver (real time): %d onsets found",
                     scheduled.count, live.duration, heard.count))
        print("jitter      rendered − scheduled onset: " + Self.summary(versusSchedule))
        print("            live − offline onset:       " + Self.summary(versusOffline))
    }

    /// For each expected time, the signed error to the nearest found onset (within 50 ms), in seconds.
    static func matchErrors(_ found: [Double], _ expected: [Double]) -> [Double] {
        expected.compactMap { time in
            found.map { $0 - time }.filter { abs($0) < 0.05 }.min { abs($0) < abs($1) }
        }
    }

    static func summary(_ errors: [Double]) -> String {
        guard !errors.isEmpty else { return "no notes matched" }
        let ms = errors.map { $0 * 1000 }
        let mean = ms.reduce(0, +) / Double(ms.count)
        let spread = (ms.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ms.count)).squareRoot()
        return String(format: "mean %+.2f ms, sd %.2f ms, max |%.2f| ms over %d notes", mean, spread,
                      ms.map(abs).max() ?? 0, ms.count)
    }

    /// A deterministic 4/4 melody in C major: steps and small leaps, eighths to halves, a rest now and then.
    static func benchMelody(bars: Int, seed: UInt64) -> Melody {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let scale = [60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79, 81, 83, 84]
        let lengths = [QuarterLength(1, 2), QuarterLength(1, 2), 1, 1, QuarterLength(3, 2), 2]
        var degree = 7
        var events: [(Int?, QuarterLength)] = []
        for _ in 0..<bars {
            var left = QuarterLength(4)
            while left > .zero {
                var length = lengths[next(lengths.count)]
                if length > left { length = left }
                degree = min(max(degree + next(5) - 2, 0), scale.count - 1)
                events.append((next(10) == 0 ? nil : scale[degree], length))
                left -= length
            }
        }
        return Melody.sequence(events, tempo: 120)
    }

}
