import Foundation

/// A sounding pitch as a MIDI note number (60 = middle C = C4, 69 = A4 = 440 Hz).
public struct Pitch: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var midi: Int

    public init(midi: Int) { self.midi = midi }

    /// The pitch class, 0 = C … 11 = B.
    public var pitchClass: Int { ((midi % 12) + 12) % 12 }
    /// The scientific octave number (C4 = 60).
    public var octave: Int { Int((Double(midi) / 12).rounded(.down)) - 1 }
    /// Equal-tempered frequency in hertz with A4 = 440 Hz.
    public var frequency: Double { 440 * pow(2, (Double(midi) - 69) / 12) }

    /// The name with sharps, e.g. "C4", "F#5".
    public var name: String { Pitch.sharpNames[pitchClass] + String(octave) }
    public var description: String { name }

    public static func < (a: Pitch, b: Pitch) -> Bool { a.midi < b.midi }

    public static let sharpNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]

    /// Whether the pitch is on a black key of the piano.
    public var isBlackKey: Bool { [1, 3, 6, 8, 10].contains(pitchClass) }
}
