/// Chords as notes to play under a melody: a bass note in C2–B2 (the root, or the bass of a slash chord)
/// and the chord's tones in close position between C3 and G4, below the melody sounding with them; each
/// voicing is the one nearest the voicing before (the least movement of the voices).
public enum ChordVoicing {
    /// The lowest and highest MIDI numbers of the upper voices.
    static let upperRange = 48...67
    /// The bass notes' range, below the upper voices, so the lowest note is always the bass.
    static let bassRange = 36...47
    /// The velocity chords are played at, quieter than a melody.
    public static let velocity = 64
    /// The MIDI channel (0-based) chords are played on beside the melody's channel 0: in MIDI files, in
    /// renders and live, each channel with its own program.
    public static let channel = 1

    /// The MIDI numbers to sound for each chord, lowest first (the bass, then the upper voices). `previous`
    /// is the voicing of the chord before the first, as this returns it, when there is one (chords added
    /// to a piece already playing): the first chord moves from it as little as it can.
    public static func voicings(_ chords: [ChordSymbol], under melody: [Note], after previous: [Int]? = nil) -> [[Int]] {
        var previous = previous.flatMap { $0.count > 1 ? Array($0.dropFirst()) : nil }
        var result: [[Int]] = []
        var noteIndex = 0
        for chord in chords {
            // The lowest melody note sounding with the chord sets the ceiling.
            while noteIndex < melody.count, melody[noteIndex].end <= chord.onset { noteIndex += 1 }
            var lowestMelody = Int.max
            var index = noteIndex
            while index < melody.count, melody[index].onset < chord.end {
                if let pitch = melody[index].pitch { lowestMelody = min(lowestMelody, pitch.midi) }
                index += 1
            }
            let ceiling = max(57, min(upperRange.upperBound, lowestMelody - 1))
            let upper = bestVoicing(upperTones(chord), ceiling: ceiling, previous: previous)
            previous = upper
            let bass = bassRange.lowerBound + (chord.bassPitchClass - bassRange.lowerBound % 12 + 12) % 12
            result.append([bass] + upper)
        }
        return result
    }

    /// The pitch classes of the upper voices: the chord's tones, a five-note chord without its fifth.
    static func upperTones(_ chord: ChordSymbol) -> [Int] {
        var intervals = chord.quality.intervals
        if intervals.count > 4 { intervals.removeAll { $0 == 7 } }
        // In the order they stand above the root within an octave, so a rotation is a close-position inversion.
        return intervals.map { $0 % 12 }.sorted().map { (chord.rootPitchClass + $0) % 12 }
    }

    /// Of the close-position voicings of `tones` (every inversion, every octave in range, top at most
    /// `ceiling`), the one nearest `previous`, else the one centred nearest G3–A3.
    static func bestVoicing(_ tones: [Int], ceiling: Int, previous: [Int]?) -> [Int] {
        var candidates: [[Int]] = []
        for first in tones.indices {
            let order = Array(tones[first...] + tones[..<first])
            for lowest in upperRange where lowest % 12 == order[0] {
                var voicing = [lowest]
                for pc in order.dropFirst() {
                    var pitch = voicing.last! + 1
                    while pitch % 12 != pc { pitch += 1 }
                    voicing.append(pitch)
                }
                candidates.append(voicing)
            }
        }
        let fitting = candidates.filter { $0.last! <= ceiling }
        let pool = fitting.isEmpty ? [candidates.min { $0.last! < $1.last! }!] : fitting
        func cost(_ voicing: [Int]) -> Double {
            let centre = Double(voicing.reduce(0, +)) / Double(voicing.count)
            var cost = abs(centre - 56.5) * 0.25
            if let previous {
                // Each voice to the nearest voice of the chord before.
                for pitch in voicing { cost += Double(previous.map { abs($0 - pitch) }.min() ?? 0) }
                for pitch in previous { cost += Double(voicing.map { abs($0 - pitch) }.min() ?? 0) }
            }
            return cost
        }
        return pool.min { cost($0) < cost($1) || (cost($0) == cost($1) && $0[0] < $1[0]) }!
    }
}
