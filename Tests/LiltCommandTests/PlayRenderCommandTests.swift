import Foundation
import Testing

private let soundFontPath = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
private let hasSoundFont = FileManager.default.isReadableFile(atPath: soundFontPath)

/// A JSON melody dump with one melody, written into `folder`.
private func writeTune(in folder: URL, notes: String, tempo: Double = 120) throws -> URL {
    let url = folder.appendingPathComponent("tune.json")
    try Data("""
        {"melodies":[{"title":"Test tune","key":"C major","meter":"4/4","tempo":\(tempo),"notes":[\(notes)]}]}
        """.utf8).write(to: url)
    return url
}

private func makeFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Test("lilt render writes a 16-bit stereo WAV of the melody", .enabled(if: hasSoundFont))
func renderCommandWritesWAV() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tune = try writeTune(in: folder, notes: """
        {"pitch":69,"onset":0,"duration":1},{"pitch":null,"onset":1,"duration":1},{"pitch":72,"onset":2,"duration":1}
        """)
    let wav = folder.appendingPathComponent("out.wav")
    let (status, output) = try runLilt(["render", tune.path, "-o", wav.path, "--program", "flute", "--tail", "0.5"])
    #expect(status == 0, "\(output)")
    #expect(output.contains("Flute"))
    let data = try Data(contentsOf: wav)
    // 1.5 s of melody + 0.5 s tail at 44.1 kHz, 4 bytes a frame, after the 44-byte header.
    #expect(data.count == 44 + 2 * 44_100 * 4)
    #expect(String(decoding: data[8..<12], as: UTF8.self) == "WAVE")

    let (badStatus, badOutput) = try runLilt(["render", tune.path, "-o", wav.path, "--program", "kazoo"])
    #expect(badStatus != 0)
    #expect(badOutput.contains("kazoo"))
    let garbage = folder.appendingPathComponent("bad.json")
    try Data("{\"melodies\": [{\"title\": 3}]}".utf8).write(to: garbage)
    let (garbageStatus, garbageOutput) = try runLilt(["render", garbage.path, "-o", wav.path])
    #expect(garbageStatus != 0)
    #expect(garbageOutput.contains("bad.json"))
}

@Test("lilt play with a driver that does not exist fails with the list of real ones", .enabled(if: hasSoundFont))
func playUnknownDriver() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tune = try writeTune(in: folder, notes: #"{"pitch":60,"onset":0,"duration":1}"#)
    let (status, output) = try runLilt(["play", tune.path, "--audio-driver", "gramophone"])
    #expect(status != 0)
    #expect(output.contains("gramophone"))
    #expect(output.contains("file"))
}

@Test("lilt play finishes a short melody and prints no FluidSynth or ALSA messages", .enabled(if: hasSoundFont))
func playToTheEnd() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tune = try writeTune(in: folder, notes: """
        {"pitch":60,"onset":0,"duration":1},{"pitch":64,"onset":1,"duration":1}
        """, tempo: 240)
    let (status, output) = try runLilt(["play", tune.path], environment: ["XDG_CACHE_HOME": folder.path])
    #expect(status == 0, "\(output)")
    #expect(output.contains("done: Test tune"))
    #expect(!output.lowercased().contains("fluidsynth:"))
    #expect(!output.contains("ALSA lib"))
}

@Test("Ctrl-C during lilt play cuts the sound at once and exits 130", .enabled(if: hasSoundFont))
func interruptSilencesAtOnce() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // An organ holds its note at full level: a cut shows as a jump from loud to zero.
    let tune = try writeTune(in: folder, notes: #"{"pitch":69,"onset":0,"duration":16}"#, tempo: 60)
    let raw = folder.appendingPathComponent("live.raw")
    let process = Process()
    process.executableURL = liltExecutable()
    process.arguments = ["play", tune.path, "--program", "church organ", "--audio-file", raw.path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Interrupt once a second of audio has been played (start-up time varies with the machine's load).
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
        let size = (try? FileManager.default.attributesOfItem(atPath: raw.path)[.size] as? Int) ?? 0
        if size >= 44_100 * 4 { break }
        Thread.sleep(forTimeInterval: 0.05)
    }
    let interruptedAt = Date()
    kill(process.processIdentifier, SIGINT)
    waitForExit(process, arguments: process.arguments ?? [])
    let exitDelay = Date().timeIntervalSince(interruptedAt)
    #expect(process.terminationStatus == 130)
    #expect(exitDelay < 1.0, "took \(exitDelay) s to stop")

    let bytes = try Data(contentsOf: raw)
    let pcm = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }.map { Int(Int16(littleEndian: $0)) }
    #expect(pcm.count >= 2 * 44_100)            // it did play for a while
    let lastSound = try #require(pcm.lastIndex { abs($0) > 30 })
    func level(_ range: Range<Int>) -> Double {
        let part = pcm[range.clamped(to: 0..<pcm.count)]
        return (Double(part.map { $0 * $0 }.reduce(0, +)) / Double(max(part.count, 1))).squareRoot()
    }
    // Until the cut the organ sounds at its held level (no release fading it out)…
    let held = level(22_050..<(lastSound - 8820))
    let beforeCut = level((lastSound - 8820)..<lastSound)
    #expect(held > 100)
    #expect(beforeCut > 0.5 * held, "RMS \(beforeCut) just before the cut, \(held) while held")
    // …and after it there is nothing but silence until the driver closed, well within 0.2 s.
    #expect(Double(pcm.count - lastSound) / 2 / 44_100 < 0.2)
}

@Test("Ctrl-C in a terminal leaves no progress line behind", .enabled(if: hasSoundFont && Tmux.isAvailable))
func interruptLeavesTerminalClean() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tune = try writeTune(in: folder, notes: #"{"pitch":69,"onset":0,"duration":16}"#, tempo: 60)
    // The shell catches SIGINT (a handler, not "ignore", which lilt would inherit) so it lives to print
    // lilt's exit status, then stays: a pane that ends scrolls its last lines up to say so.
    let tmux = try Tmux(command: "trap true INT; \(liltExecutable().path) play \(tune.path) --audio-driver none; echo EXIT=$?; sleep 60",
                        width: 100, height: 12, environment: ["XDG_CACHE_HOME": folder.path])
    let playing = try tmux.waitFor { $0.contains("Ctrl-C stops") }
    #expect(playing.contains("\u{25B6} Test tune"), "\(playing)")
    try tmux.send("C-c")
    let screen = try tmux.waitFor { $0.contains("EXIT=") }
    #expect(screen.contains("stopped: Test tune"), "\(screen)")
    #expect(screen.contains("EXIT=130"), "\(screen)")
    #expect(!screen.contains("\u{25B6}"), "the progress line is still on screen:\n\(screen)")
    #expect(!screen.contains("^C"), "\(screen)")
}

/// The peak of a 16-bit WAV file Lilt wrote (44-byte header), in dBFS.
private func peakDecibels(ofWAV url: URL) throws -> Double {
    let data = try Data(contentsOf: url)
    var peak = 0
    for offset in stride(from: 44, to: data.count - 1, by: 2) {
        peak = max(peak, abs(Int(Int16(bitPattern: UInt16(data[offset]) | UInt16(data[offset + 1]) << 8))))
    }
    return 20 * log10(Double(peak) / 32767)
}

@Test("lilt render normalizes to a peak of −1 dBFS; --no-normalize keeps the synth's level and --gain adds to it",
      .enabled(if: hasSoundFont))
func renderLevels() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let tune = try writeTune(in: folder, notes: """
        {"pitch":60,"onset":0,"duration":1},{"pitch":64,"onset":1,"duration":1},{"pitch":67,"onset":2,"duration":2}
        """)
    let wav = folder.appendingPathComponent("out.wav")
    func render(_ options: [String]) throws -> Double {
        let (status, output) = try runLilt(["render", tune.path, "-o", wav.path] + options)
        #expect(status == 0, "\(output)")
        return try peakDecibels(ofWAV: wav)
    }
    let normalized = try render([])
    #expect(abs(normalized - -1) < 0.05, "peak \(normalized) dBFS")
    let raw = try render(["--no-normalize"])
    #expect(raw < -6, "FluidSynth's own level: peak \(raw) dBFS")
    let louder = try render(["--gain", "4.5"])
    #expect(abs(louder - raw - 4.5) < 0.05, "--gain 4.5: \(louder) dBFS against \(raw)")
}

@Test("lilt play plays a melody's chord symbols on their own instrument; --chord-program none leaves them out",
      .enabled(if: hasSoundFont))
func playPlaysChords() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // One short note, then a bar where only the chord (an organ, held) sounds.
    let tune = folder.appendingPathComponent("chords.json")
    try Data("""
        {"melodies":[{"title":"Chords","key":"C major","meter":"4/4","tempo":120,
        "notes":[{"pitch":72,"onset":0,"duration":0.25},{"pitch":null,"onset":0.25,"duration":3.75}],
        "chords":[{"symbol":"C","root":0,"quality":"major","bass":null,"onset":0,"duration":4}]}]}
        """.utf8).write(to: tune)
    func chordLevel(_ extra: [String]) throws -> Double {
        let raw = folder.appendingPathComponent("live-\(extra.count).raw")
        let (status, output) = try runLilt(["play", tune.path, "--audio-file", raw.path] + extra)
        #expect(status == 0, "\(output)")
        let bytes = try Data(contentsOf: raw)
        let pcm = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }.map { Double(Int16(littleEndian: $0)) }
        // 1.0 … 1.5 s (stereo frames): the note long gone, the chord held.
        let part = pcm[min(pcm.count, 88_200)..<min(pcm.count, 132_300)]
        return (part.map { $0 * $0 }.reduce(0, +) / Double(max(part.count, 1))).squareRoot()
    }
    let withChords = try chordLevel(["--chord-program", "church organ"])
    let without = try chordLevel(["--chord-program", "none", "--index", "1"])
    #expect(withChords > 100, "the chord is heard: RMS \(withChords)")
    #expect(withChords > 10 * without, "RMS \(withChords) with chords, \(without) without")
}
