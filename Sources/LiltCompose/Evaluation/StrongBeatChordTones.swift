import LiltMusic

/// How often a melody sounds a tone of the chord on the strong beats: of the strong beats where a note
/// and a chord both sound, those where the note's pitch class is one of the chord's (its bass included).
/// A note held over two strong beats counts at each.
///
/// The strong beats are the first beat of each bar and the middle of the bar when the bar has an even
/// number of beats: beats 1 and 3 of 4/4, 1 and 2 of 2/2 and 2/4, both dotted quarters of 6/8 (its two
/// beats), 1 and 3 of 12/8's four. A bar of three beats (3/4, 9/8) has no middle beat, so only its first
/// counts. These are the points where a half-bar harmonization may change chord (`ChordChanges.half`).
public struct StrongBeatChordTones: Sendable, Codable, Equatable {
    /// Strong beats where a note and a chord sound.
    public var beats: Int
    /// Those where the note is a chord tone.
    public var chordTones: Int

    public init(beats: Int = 0, chordTones: Int = 0) {
        self.beats = beats
        self.chordTones = chordTones
    }

    /// `chordTones / beats`, 0 with no beat.
    public var share: Double { beats == 0 ? 0 : Double(chordTones) / Double(beats) }

    /// The counts of `melody`'s notes against `chords` (default: its own), bars laid as its meter (4/4
    /// without one) and pickup say. Without a pickup, bars start where the first chord does: a corpus
    /// keeps no pickup, and a lead sheet seldom gives the pickup a chord of its own.
    public init(_ melody: Melody, chords: [ChordSymbol]? = nil) {
        let chords = (chords ?? melody.chords).sorted { $0.onset < $1.onset }
        self.init()
        guard let firstChord = chords.first else { return }
        let spacing = ChordChanges.half.length(in: melody.meter ?? Meter(4, 4))
        let barStart = melody.pickup ?? firstChord.onset
        let turns = barStart / spacing
        var beat = barStart - spacing * QuarterLength(turns.numerator / turns.denominator)
        let notes = melody.notes.filter { !$0.isRest }
        var noteIndex = 0
        while beat < melody.length {
            while noteIndex < notes.count, notes[noteIndex].end <= beat { noteIndex += 1 }
            if noteIndex < notes.count, notes[noteIndex].onset <= beat, let pitch = notes[noteIndex].pitch,
               let chord = ChordHMM.chord(at: beat, in: chords) {
                beats += 1
                if chord.pitchClasses.contains(((pitch.midi % 12) + 12) % 12) { chordTones += 1 }
            }
            beat += spacing
        }
    }

    public static func + (a: StrongBeatChordTones, b: StrongBeatChordTones) -> StrongBeatChordTones {
        StrongBeatChordTones(beats: a.beats + b.beats, chordTones: a.chordTones + b.chordTones)
    }
}

extension StrongBeatChordTones {
    enum CodingKeys: String, CodingKey { case beats, chordTones, share }

    /// The share is written too, so a JSON reader need not divide; it is not read back.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(beats, forKey: .beats)
        try container.encode(chordTones, forKey: .chordTones)
        try container.encode(share, forKey: .share)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(beats: try container.decode(Int.self, forKey: .beats),
                  chordTones: try container.decode(Int.self, forKey: .chordTones))
    }
}
