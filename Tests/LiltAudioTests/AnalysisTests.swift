import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

/// A mono signal of tone bursts (frequency, start s, length s) with a quick attack and a slow decay.
func toneBursts(_ bursts: [(Double, Double, Double)], duration: Double, rate: Double = 44_100) -> [Float] {
    var samples = [Float](repeating: 0, count: Int(duration * rate))
    for (frequency, start, length) in bursts {
        let first = Int(start * rate), count = Int(length * rate)
        for index in 0..<count where first + index < samples.count {
            let t = Double(index) / rate
            let envelope = min(1, t / 0.002) * exp(-t * 3)
            samples[first + index] += Float(0.4 * envelope * sin(2 * .pi * frequency * t))
        }
    }
    return samples
}

@Test("The pitch analyser finds the fundamental of pure and harmonic tones to within 0.2 %")
func fundamentalOfKnownTones() {
    let rate = 44_100.0
    for frequency in [98.0, 261.63, 440.0, 987.77] {
        let samples = (0..<8820).map { index -> Float in
            let t = Double(index) / rate
            // A strong second harmonic tempts a naive peak picker into the octave above.
            return Float(0.3 * sin(2 * .pi * frequency * t) + 0.5 * sin(2 * .pi * 2 * frequency * t))
        }
        let measured = AudioAnalysis.fundamental(samples[...], sampleRate: rate)
        #expect(measured.map { abs($0 / frequency - 1) < 0.002 } == true, "\(frequency) Hz → \(String(describing: measured))")
    }
}

@Test("The onset analyser finds tone bursts within 2 ms and nothing else")
func onsetsOfToneBursts() {
    let starts = [0.1, 0.45, 0.7, 0.95, 1.6]
    let samples = toneBursts(starts.map { (440, $0, 0.6) }, duration: 2.2)
    let found = AudioAnalysis.onsets(samples, sampleRate: 44_100)
    #expect(found.count == starts.count)
    for (detected, start) in zip(found, starts) {
        #expect(abs(detected - start) < 0.002, "\(detected) vs \(start)")
    }
}

@Test("Silence fails every check: an all-zero render has no notes, no pitch and no onsets")
func silenceIsRejected() {
    let melody = Fixtures.twinkle
    let silent = RenderedAudio(sampleRate: 44_100, samples: [Float](repeating: 0, count: 2 * 44_100 * 7))
    #expect(AudioAnalysis.onsets(silent.mono(), sampleRate: 44_100).isEmpty)
    #expect(AudioAnalysis.fundamental(silent.mono()[0..<8820], sampleRate: 44_100) == nil)
    #expect(AudioAnalysis.dominantFrequency(silent.mono()[0..<8820], sampleRate: 44_100) == nil)
    let report = RenderExpectation(melody: melody, tempo: 120).check(silent)
    let pitched = melody.notes.filter { !$0.isRest }.count
    #expect(report.problems.contains("the audio is silent"))
    #expect(report.problems.filter { $0.contains("no onset") }.count == pitched)
    #expect(report.problems.filter { $0.contains("no pitch") }.count == pitched)
}

@Test("A wrong note, a late note and a note in a rest are each caught")
func analyserCatchesMistakes() {
    // Bursts standing in for C5 at 0, A4 (expected G4) at 0.5, E5 late by 20 ms, and a stray note in the rest.
    let melody = Melody.sequence([(72, 1), (67, 1), (76, 1), (nil, 2)], tempo: 120)
    let samples = toneBursts([(523.25, 0, 0.5), (440, 0.5, 0.5), (659.26, 1.02, 0.48), (500, 2.2, 0.4)],
                             duration: 3)
    let audio = RenderedAudio(sampleRate: 44_100, samples: samples.flatMap { [$0, $0] })
    let problems = RenderExpectation(melody: melody, tempo: 120).check(audio).problems
    #expect(problems.contains { $0.hasPrefix("note G4") && $0.contains("Hz") })
    #expect(problems.contains { $0.hasPrefix("note E5") && $0.contains("no onset") })
    #expect(problems.contains { $0.hasPrefix("rest") })
    #expect(!problems.contains { $0.hasPrefix("note C5") })
}
