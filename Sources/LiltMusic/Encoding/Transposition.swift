extension Key {
    /// The shift in semitones (−5…6, the smaller way) that moves this key's signature to none: major keys
    /// go to C major, minor keys to A minor, modes to their white-key form (D dorian, G mixolydian …).
    public var semitonesToNaturalSignature: Int {
        var shift = (12 - relativeMajorTonic) % 12
        if shift > 6 { shift -= 12 }
        return shift
    }
}

extension Melody {
    /// The melody moved by `semitones` (notes only; rests stay), with its key and chord symbols moved along.
    public func transposed(by semitones: Int) -> Melody {
        var copy = self
        if semitones == 0 { return copy }
        for index in copy.notes.indices {
            if let pitch = copy.notes[index].pitch { copy.notes[index].pitch = Pitch(midi: pitch.midi + semitones) }
        }
        if let key { copy.key = Key(tonic: key.tonic + semitones, mode: key.mode) }
        let fifths = copy.key?.fifths ?? 0
        copy.chords = chords.map { $0.transposed(by: semitones, fifths: fifths) }
        return copy
    }

    /// The melody's key as written, or else estimated from its notes (Krumhansl–Schmuckler).
    public var keyOrEstimate: Key? { key ?? KeyEstimator.estimate(notes) }
}
