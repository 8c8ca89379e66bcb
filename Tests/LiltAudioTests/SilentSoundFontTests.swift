import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

/// The A4 check of the render tests, as one function: the audio is not silent and its dominant frequency is
/// 440 Hz ± 1 %. Returns what is wrong, or nothing.
func sustainedA4Problems(_ audio: RenderedAudio) -> [String] {
    let mono = audio.mono()
    var problems: [String] = []
    if AudioAnalysis.rms(mono, 0..<mono.count) <= 0.001 { problems.append("silent") }
    guard mono.count > 4410 + 16384,
          let dominant = AudioAnalysis.dominantFrequency(mono[4410..<(4410 + 16384)], sampleRate: audio.sampleRate)
    else { return problems + ["no dominant frequency"] }
    if abs(dominant / 440 - 1) >= 0.01 { problems.append("dominant frequency \(dominant) Hz") }
    return problems
}

@Test("A SoundFont that renders silence fails the A4 and melody checks; the same font with a sine passes")
func silentSoundFontFailsTheChecks() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let silentFont = folder.appendingPathComponent("silent.sf2")
    let sineFont = folder.appendingPathComponent("sine.sf2")
    try TinySoundFont.silent().write(to: silentFont)
    try TinySoundFont.sine().write(to: sineFont)

    let silent = try OfflineRenderer(soundFont: silentFont, settings: dryPiano, releaseTail: 0.2)
    let silentA4 = try silent.render(Fixtures.sustainedA4)
    #expect(silentA4.peak == 0)
    #expect(sustainedA4Problems(silentA4).contains("silent"))
    let melody = Melody.sequence([(69, 1), (nil, 1), (76, 1)], tempo: 120)
    let silentReport = RenderExpectation(melody: melody, tempo: 120).check(try silent.render(melody))
    #expect(silentReport.problems.contains("the audio is silent"))
    #expect(silentReport.problems.contains { $0.contains("no onset") })

    // The control: one sample changed from zeros to a sine, everything else the same, and the checks pass.
    let sine = try OfflineRenderer(soundFont: sineFont, settings: dryPiano, releaseTail: 0.2)
    let sineA4 = try sine.render(Fixtures.sustainedA4)
    #expect(sustainedA4Problems(sineA4).isEmpty, "\(sustainedA4Problems(sineA4))")
    let sineReport = RenderExpectation(melody: melody, tempo: 120).check(try sine.render(melody))
    #expect(!sineReport.problems.contains("the audio is silent"))
    #expect(sineReport.pitches.compactMap { $0 }.count == 2)
    for (measured, expected) in zip(sineReport.pitches, [440.0, 659.26]) {
        #expect(measured.map { abs($0 / expected - 1) < 0.01 } == true, "\(String(describing: measured))")
    }
}
