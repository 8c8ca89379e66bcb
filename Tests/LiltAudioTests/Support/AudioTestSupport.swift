import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

/// Debian's General MIDI SoundFont (package fluid-soundfont-gm); tests that render skip without it.
let fluidR3 = URL(fileURLWithPath: "/usr/share/sounds/sf2/FluidR3_GM.sf2")
let hasFluidR3 = FileManager.default.isReadableFile(atPath: fluidR3.path)

/// A fresh folder under the temporary directory, removed by the caller.
func temporaryFolder(_ name: String = #function) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("lilt-audio-\(name.filter(\.isLetter))-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// What the file driver wrote to `url`: raw 16-bit little-endian stereo at 44.1 kHz.
func rawAudio(_ url: URL) throws -> RenderedAudio {
    let bytes = try Data(contentsOf: url)
    let pcm = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    return RenderedAudio(sampleRate: 44_100, samples: pcm.map { Float(Int16(littleEndian: $0)) / 32768 })
}

/// Settings for analysable renders: piano (sharp attacks), no reverb tail smearing rests.
let dryPiano = SynthSettings(program: .acousticGrandPiano, reverb: false, chorus: false)

enum Fixtures {
    /// A known tune with steps, leaps, a repeated pitch and a rest: the opening of "Twinkle, Twinkle"
    /// (C C G G A A G–, rest, F F E E) at 120 quarter notes per minute, about 6.5 s with the tail.
    static let twinkle = Melody.sequence([
        (72, 1), (72, 1), (79, 1), (79, 1), (81, 1), (81, 1), (79, 2),
        (nil, 2),
        (77, QuarterLength(1, 2)), (77, QuarterLength(1, 2)), (76, 1), (76, 1),
    ], tempo: 120)

    /// One long A4.
    static let sustainedA4 = Melody.sequence([(69, 3)], tempo: 120)
}

/// What a render should contain, checked against the audio alone. Each problem found is one string.
struct RenderExpectation {
    var melody: Melody
    var tempo: Double
    /// Where the melody's onset 0 is in the audio, in seconds.
    var offset: Double = 0
    /// Onset tolerance, seconds.
    var onsetTolerance = 0.010
    /// Pitch tolerance, as a ratio (0.01 = 1 %).
    var pitchTolerance = 0.01
    /// After a note ends, how long its release may still sound into a rest, seconds.
    var releaseAllowance = 0.35
    /// A rest counts as silent when its RMS is this far below the loudest note's RMS (ratio).
    var silenceRatio: Float = 0.01

    struct Report {
        var problems: [String]
        var detectedOnsets: [Double]
        /// Scheduled − detected onset for each matched note, seconds.
        var onsetErrors: [Double]
        var pitches: [Double?]
    }

    func check(_ audio: RenderedAudio) -> Report {
        let mono = audio.mono()
        let rate = audio.sampleRate
        let secondsPerQuarter = 60 / tempo
        let detected = AudioAnalysis.onsets(mono, sampleRate: rate)
        var problems: [String] = []
        var errors: [Double] = []
        var pitches: [Double?] = []
        var used = Set<Int>()
        var loudest: Float = 0
        for note in melody.notes {
            guard let pitch = note.pitch else { continue }
            let start = offset + note.onset.doubleValue * secondsPerQuarter
            let end = offset + note.end.doubleValue * secondsPerQuarter
            let nearest = detected.indices.filter { !used.contains($0) }
                .min { abs(detected[$0] - start) < abs(detected[$1] - start) }
            if let nearest, abs(detected[nearest] - start) <= onsetTolerance {
                used.insert(nearest)
                errors.append(detected[nearest] - start)
            } else {
                problems.append("note \(pitch) at \(fmt(start)) s: no onset within \(fmt(onsetTolerance)) s"
                                + (nearest.map { " (nearest \(fmt(detected[$0])) s)" } ?? ""))
            }
            let from = Int((start + 0.04) * rate)
            let to = Int((min(end, start + 0.2)) * rate)
            let measured = from < to ? AudioAnalysis.fundamental(mono[from..<min(to, mono.count)], sampleRate: rate)
                : nil
            pitches.append(measured)
            if let measured {
                if abs(measured / pitch.frequency - 1) > pitchTolerance {
                    problems.append("note \(pitch) at \(fmt(start)) s sounds at \(fmt(measured)) Hz, "
                                    + "expected \(fmt(pitch.frequency)) Hz")
                }
            } else {
                problems.append("note \(pitch) at \(fmt(start)) s: no pitch found")
            }
            loudest = max(loudest, AudioAnalysis.rms(mono, from..<to))
        }
        for (index, onset) in detected.enumerated() where !used.contains(index) {
            problems.append("unexpected onset at \(fmt(onset)) s")
        }
        for note in melody.notes where note.isRest {
            let from = offset + note.onset.doubleValue * secondsPerQuarter + releaseAllowance
            let to = offset + note.end.doubleValue * secondsPerQuarter
            guard from < to else { continue }
            let level = AudioAnalysis.rms(mono, Int(from * rate)..<Int(to * rate))
            if loudest == 0 || level > loudest * silenceRatio {
                problems.append("rest \(fmt(from))–\(fmt(to)) s is not silent (RMS \(level), notes \(loudest))")
            }
        }
        if loudest == 0 { problems.append("the audio is silent") }
        return Report(problems: problems, detectedOnsets: detected, onsetErrors: errors, pitches: pitches)
    }
}

func fmt(_ value: Double) -> String { String(format: "%.4f", value) }

/// Plays `melody` live through FluidSynth's file driver into `raw` (FluidR3, dry piano) until it finishes;
/// returns when its onset 0 fell on the output's clock (milliseconds; frame `origin × 44.1` of the file).
func playLive(_ melody: Melody, into raw: URL) throws -> Double? {
    let output = try FluidSynthOutput(synth: try Synth(soundFont: fluidR3, settings: dryPiano), request: .rawFile(raw))
    let player = LivePlayer(output: output, melody: melody)
    Thread.sleep(forTimeInterval: 0.05)
    player.play()
    var origin: Double?
    let deadline = Date().addingTimeInterval(10)
    while player.state != .finished, Date() < deadline {
        origin = origin ?? player.originTime
        Thread.sleep(forTimeInterval: 0.02)
    }
    Thread.sleep(forTimeInterval: 0.3)
    player.shutdown()
    output.close()
    return origin
}
