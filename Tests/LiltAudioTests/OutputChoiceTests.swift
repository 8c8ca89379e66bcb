import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

@Test("With no audio driver that opens, the output falls back to silent playback that keeps time, and says so",
      .enabled(if: hasFluidR3))
func noAudioDriverFallsBack() throws {
    let synth = try Synth(soundFont: fluidR3)
    let output = try FluidSynthOutput(synth: synth, request: .automatic, candidates: [])
    #expect(!output.isAudible)
    #expect(output.name == "silent")
    let notice = try #require(output.notice)
    #expect(notice.contains("no sound device"))
    #expect(notice.contains("PulseAudio"))
    // It keeps time: the sequencer clock moves in real time.
    let before = output.clock.milliseconds
    Thread.sleep(forTimeInterval: 0.2)
    let elapsed = output.clock.milliseconds - before
    #expect(elapsed > 150 && elapsed < 300, "\(elapsed) ms")
    output.close()
}

@Test("The automatic choice takes the first driver that opens here, else the silent fallback",
      .enabled(if: hasFluidR3))
func automaticChoiceMatchesProbe() throws {
    let synth = try Synth(soundFont: fluidR3)
    let opening = AudioDriverProbe.probe(FluidSynthOutput.automaticDrivers).filter(\.opens).map(\.driver)
    let output = try FluidSynthOutput(synth: synth)
    if let first = opening.first {
        #expect(output.name == first)
        #expect(output.notice == nil)
    } else {
        #expect(output.name == "silent")
        #expect(output.notice != nil)
    }
    output.close()
}

@Test("A driver name that does not exist is a typed error listing the real ones", .enabled(if: hasFluidR3))
func unknownDriverName() throws {
    let synth = try Synth(soundFont: fluidR3)
    do {
        _ = try FluidSynthOutput(synth: synth, request: .named("gramophone"))
        Issue.record("an unknown driver was accepted")
    } catch {
        guard case .unknownAudioDriver(let name, let available) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(name == "gramophone")
        #expect(available.contains("file"))
        #expect(error.description.contains("gramophone"))
    }
    let silent = try FluidSynthOutput(synth: synth, request: .named("none"))
    #expect(!silent.isAudible && silent.notice == nil)
    silent.close()
    #expect(AudioDriverRequest(option: nil) == .automatic)
    #expect(AudioDriverRequest(option: "ALSA") == .named("alsa"))
}

@Test("A real driver that cannot open a device is a typed error when asked for by name",
      .enabled(if: hasFluidR3 && !AudioDriverProbe.availableDrivers().isEmpty))
func namedDriverThatCannotOpen() throws {
    let synth = try Synth(soundFont: fluidR3)
    let failing = AudioDriverProbe.probe().filter { !$0.opens }.map(\.driver)
    guard let driver = failing.first else { return }   // every driver opens on this machine: nothing to test
    do {
        _ = try FluidSynthOutput(synth: synth, request: .named(driver))
        Issue.record("\(driver) opened although the probe said it does not")
    } catch {
        guard case .audioDriverFailed(let name, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(name == driver)
    }
}
