/// How a MIDI pitch is written in a key: a letter (0 = C … 6 = B), an alteration in semitones and the
/// octave of the letter (scientific: C4 is middle C).
struct SpelledPitch: Equatable {
    var letter: Int
    var alteration: Int
    var octave: Int

    static let letterNames: [Character] = ["C", "D", "E", "F", "G", "A", "B"]
    /// Places of the natural letters C D E F G A B on the line of fifths (C = 0, G = 1, F = −1).
    static let lineOfFifths = [0, 2, 4, -1, 1, 3, 5]

    /// Spells `midi` for a signature of `fifths`: the signature's own notes first, then naturals, then
    /// whichever of the sharp and the flat is nearer the key on the line of fifths.
    init(midi: Int, fifths: Int) {
        let pc = ((midi % 12) + 12) % 12
        let signature = Key.signatureAlterations(fifths: fifths)
        var chosen: (Int, Int)?
        for letter in 0..<7 where (letterPitchClasses[letter] + signature[letter] + 12) % 12 == pc {
            chosen = (letter, signature[letter])
        }
        if chosen == nil, let natural = letterPitchClasses.firstIndex(of: pc) {
            chosen = (natural, 0)
        }
        if chosen == nil, let below = letterPitchClasses.firstIndex(of: (pc + 11) % 12),
           let above = letterPitchClasses.firstIndex(of: (pc + 1) % 12) {
            // The spelling nearer the key on the line of fifths (B♭ in G major, C♯ in C, G♯ in A minor);
            // a tie goes to the sharp.
            let center = fifths + 2
            let sharp = Self.lineOfFifths[below] + 7, flat = Self.lineOfFifths[above] - 7
            chosen = abs(sharp - center) <= abs(flat - center) ? (below, 1) : (above, -1)
        }
        let (letter, alteration) = chosen ?? (0, 0)
        self.letter = letter
        self.alteration = alteration
        // The octave of the letter: B♯3 sounds as C4, C♭5 as B4.
        octave = Int(((Double(midi - alteration - letterPitchClasses[letter])) / 12).rounded(.down)) - 1
    }
}
