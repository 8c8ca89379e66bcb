import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

@Test("A sustained A4 rendered with the GM SoundFont is not silent and peaks at 440 Hz ± 1 %",
      .enabled(if: hasFluidR3))
func sustainedA4() throws {
    let renderer = try OfflineRenderer(soundFont: fluidR3)
    let audio = try renderer.render(Fixtures.sustainedA4)
    #expect(abs(audio.duration - (1.5 + renderer.releaseTail)) < 0.001)
    let mono = audio.mono()
    #expect(AudioAnalysis.rms(mono, 0..<mono.count) > 0.01)
    let dominant = try #require(AudioAnalysis.dominantFrequency(mono[4410..<(4410 + 32768)], sampleRate: 44_100))
    #expect(abs(dominant / 440 - 1) < 0.01, "dominant \(dominant) Hz")
    let fundamental = try #require(AudioAnalysis.fundamental(mono[4410..<13230], sampleRate: 44_100))
    #expect(abs(fundamental / 440 - 1) < 0.01, "fundamental \(fundamental) Hz")
}

@Test("A known melody renders every note on time (±10 ms) at its pitch (±1 %), with silence in the rest",
      .enabled(if: hasFluidR3))
func knownMelodyRendersCorrectly() throws {
    let renderer = try OfflineRenderer(soundFont: fluidR3, settings: dryPiano)
    let audio = try renderer.render(Fixtures.twinkle)
    let report = RenderExpectation(melody: Fixtures.twinkle, tempo: 120).check(audio)
    #expect(report.problems.isEmpty, "\(report.problems)")
    #expect(report.onsetErrors.count == Fixtures.twinkle.notes.filter { !$0.isRest }.count)
    // The same melody at another tempo moves every onset accordingly.
    let faster = try renderer.render(Fixtures.twinkle, tempo: 150)
    let fasterReport = RenderExpectation(melody: Fixtures.twinkle, tempo: 150).check(faster)
    #expect(fasterReport.problems.isEmpty, "\(fasterReport.problems)")
}

@Test("Another instrument by name renders the same pitches", .enabled(if: hasFluidR3))
func programByName() throws {
    var settings = dryPiano
    settings.program = try GMProgram.parse("marimba")
    let renderer = try OfflineRenderer(soundFont: fluidR3, settings: settings)
    #expect(renderer.synth.program.name == "Marimba")
    let melody = Melody.sequence([(67, 1), (nil, 1), (74, 1)], tempo: 100)
    let report = RenderExpectation(melody: melody, tempo: 100).check(try renderer.render(melody))
    #expect(report.problems.isEmpty, "\(report.problems)")
}

@Test("The WAV file is 16-bit 44.1 kHz stereo PCM holding the rendered samples", .enabled(if: hasFluidR3))
func wavFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let renderer = try OfflineRenderer(soundFont: fluidR3, releaseTail: 0.25)
    let audio = try renderer.render(Melody.sequence([(69, 1)], tempo: 120))
    let url = folder.appendingPathComponent("a4.wav")
    try WAVWriter.write(audio, to: url)
    let data = try Data(contentsOf: url)
    func u32(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24 }
    func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
    #expect(String(decoding: data[0..<4], as: UTF8.self) == "RIFF")
    #expect(String(decoding: data[8..<12], as: UTF8.self) == "WAVE")
    #expect(u32(4) == data.count - 8)
    #expect(u16(20) == 1)         // PCM
    #expect(u16(22) == 2)         // stereo
    #expect(u32(24) == 44_100)
    #expect(u16(34) == 16)
    #expect(String(decoding: data[36..<40], as: UTF8.self) == "data")
    #expect(u32(40) == audio.frameCount * 4)
    let pcm = audio.int16Samples()
    let middle = 2 * (audio.frameCount / 2)
    let stored = Int16(bitPattern: UInt16(u16(44 + 2 * middle)))
    #expect(stored == pcm[middle])
    #expect(pcm.contains { abs(Int($0)) > 1000 })
    // No temporary file is left beside it.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a4.wav"])
    #expect(throws: AudioError.self) {
        try WAVWriter.write(audio, to: folder.appendingPathComponent("missing/folder/x.wav"))
    }
}

@Test("Chord symbols are rendered below the melody on their own instrument, or left out when asked",
      .enabled(if: hasFluidR3))
func chordsRender() throws {
    let renderer = try OfflineRenderer(soundFont: fluidR3, settings: dryPiano, releaseTail: 0.25)
    // One melody note, then two beats where only the chord sounds (120 quarter notes a minute).
    var melody = Melody.sequence([(76, 1), (nil, 2)], tempo: 120)
    melody.chords = [try #require(ChordSymbol("C", onset: 0, duration: 3))]
    let audio = try renderer.render(melody)
    #expect(abs(audio.duration - 1.75) < 0.001)
    let mono = audio.mono()
    let chordOnly = 33_075..<55_125  // 0.75 s … 1.25 s
    #expect(AudioAnalysis.rms(mono, chordOnly) > 0.005)
    let dominant = try #require(AudioAnalysis.dominantFrequency(mono[chordOnly.lowerBound..<(chordOnly.lowerBound + 16_384)],
                                                                sampleRate: 44_100))
    #expect(dominant < 400, "the chord sounds below the melody's E5 (dominant \(dominant) Hz)")
    let without = try renderer.render(melody, chordProgram: nil).mono()
    #expect(AudioAnalysis.rms(without, chordOnly) < AudioAnalysis.rms(mono, chordOnly) / 10)
}
