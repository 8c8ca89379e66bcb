import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

@Test("No SoundFont anywhere: the error names each place looked at and the Debian package")
func noSoundFont() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var locator = SoundFontLocator(environment: ["LILT_SOUNDFONT": folder.appendingPathComponent("x.sf2").path],
                                   projectFolder: folder)
    #expect(throws: SoundFontError.self) { try locator.locate() }
    locator.explicitPath = folder.appendingPathComponent("given.sf2").path
    do {
        _ = try locator.locate()
        Issue.record("a missing SoundFont was accepted")
    } catch {
        #expect(error.description.contains("given.sf2"))
        #expect(error.description.contains("fluid-soundfont-gm"))
    }
    // Loading a path that is not there says so, typed.
    #expect(throws: AudioError.soundFont(.unreadable(path: folder.appendingPathComponent("none.sf2").path,
                                                     reason: "no such file"))) {
        try Synth(soundFont: folder.appendingPathComponent("none.sf2"))
    }
}

@Test("General MIDI programs are chosen by number 1–128 or by name")
func generalMIDIPrograms() throws {
    #expect(GMProgram.names.count == 128)
    #expect(Set(GMProgram.names).count == 128)
    #expect(try GMProgram.parse("1") == .acousticGrandPiano)
    #expect(try GMProgram.parse("41").name == "Violin")
    #expect(try GMProgram.parse("128").name == "Gunshot")
    #expect(try GMProgram.parse("Acoustic Grand Piano").number == 0)
    #expect(try GMProgram.parse("violin").number == 40)
    #expect(try GMProgram.parse("FLUTE").number == 73)
    #expect(try GMProgram.parse("acoustic guitar nylon").number == 24)
    #expect(try GMProgram.parse("piano").number == 0)
    #expect(try GMProgram.parse("pan flute").number == 75)
    for bad in ["0", "129", "-3", "kazoo", ""] {
        #expect(throws: UnknownGMProgram(text: bad)) { try GMProgram.parse(bad) }
    }
}

/// These tests point the process-wide audio log at their own files, so they run one at a time.
@Suite("Audio log and unreadable SoundFonts", .serialized)
struct AudioLogTests {
    @Test("An unreadable SoundFont (garbage bytes, too short, a folder, a damaged RIFF) gives a typed error")
    func unreadableSoundFont() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        AudioLog.use(folder.appendingPathComponent("audio.log"))
        defer { AudioLog.use(nil) }

        let garbage = folder.appendingPathComponent("garbage.sf2")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: garbage)
        do {
            _ = try Synth(soundFont: garbage)
            Issue.record("garbage loaded as a SoundFont")
        } catch {
            guard case .soundFont(.unreadable(let path, let reason)) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == garbage.path)
            #expect(reason.contains("RIFF") && reason.contains("byte 0"))
        }

        let short = folder.appendingPathComponent("short.sf2")
        try Data("RIFF".utf8).write(to: short)
        #expect(throws: AudioError.soundFont(.unreadable(path: short.path,
                                                         reason: "too short (4 bytes) to be a SoundFont"))) {
            try Synth(soundFont: short)
        }
        #expect(throws: AudioError.soundFont(.unreadable(path: folder.path, reason: "is a folder"))) {
            try Synth(soundFont: folder)
        }

        // A right header over a damaged body gets past the header check; FluidSynth itself rejects it, and its
        // complaint goes to the log file, not the terminal.
        let damaged = folder.appendingPathComponent("damaged.sf2")
        var bytes = Data("RIFF".utf8) + Data([0x00, 0x10, 0x00, 0x00]) + Data("sfbk".utf8)
        bytes += Data("LIST".utf8) + Data([0xff, 0xff, 0xff, 0x7f]) + Data(repeating: 0xab, count: 64)
        try bytes.write(to: damaged)
        do {
            _ = try Synth(soundFont: damaged)
            Issue.record("a damaged SoundFont loaded")
        } catch {
            guard case .soundFont(.unreadable(let path, let reason)) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == damaged.path)
            #expect(reason.contains("FluidSynth could not parse it"))
        }
        let log = try String(contentsOf: folder.appendingPathComponent("audio.log"), encoding: .utf8)
        #expect(log.contains("fluidsynth"))
    }

    @Test("FluidSynth's messages go to the audio log, and standard error can be sent there too")
    func audioLogCapturesMessages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("cache/audio.log")
        AudioLog.use(log)
        defer { AudioLog.use(nil) }
        AudioLog.note("a line of our own")
        #expect(AudioLog.captureStandardError())
        FileHandle.standardError.write(Data("written to standard error\n".utf8))
        AudioLog.restoreStandardError()
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("lilt: a line of our own"))
        #expect(text.contains("written to standard error"))
    }

    @Test("A setting FluidSynth refuses is a typed error naming the call; a note it cannot start goes to the log",
          .enabled(if: hasFluidR3))
    func refusedCallsAreNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("audio.log")
        AudioLog.use(log)
        defer { AudioLog.use(nil) }
        #expect(throws: AudioError.call(name: "fluid_settings_setint", detail: "synth.polyphony = 0")) {
            try Synth(soundFont: fluidR3, settings: SynthSettings(polyphony: 0))
        }
        let synth = try Synth(soundFont: fluidR3, settings: dryPiano)
        synth.noteOn(200, velocity: 90)
        synth.noteOff(200)
        synth.noteOff(60)       // no voice sounding it: not an error
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("lilt: FluidSynth: fluid_synth_noteon failed: key 200"), "\(text)")
        #expect(text.contains("lilt: FluidSynth: fluid_synth_noteoff failed: key 200 is outside 0…127"), "\(text)")
        #expect(!text.contains("key 60"), "\(text)")
    }

    @Test("A driver probe and the capture of standard error, overlapping on two threads, always give fd 2 back")
    func overlappingRedirectsRestore() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        AudioLog.use(folder.appendingPathComponent("audio.log"))
        defer { AudioLog.use(nil) }
        func standardError() -> String { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/2")) ?? "?" }
        let original = standardError()
        let probes = Thread {
            for _ in 0..<300 { StandardErrorRedirect.run(to: nil) { _ = usleep(20) } }
        }
        probes.start()
        for _ in 0..<300 {
            AudioLog.captureStandardError()
            usleep(20)
            AudioLog.restoreStandardError()
        }
        while probes.isExecuting || !probes.isFinished { usleep(1000) }
        #expect(standardError() == original)
    }
}
