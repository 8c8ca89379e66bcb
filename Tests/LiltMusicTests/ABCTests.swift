import Testing
@testable import LiltMusic

let abcFile = """
%abc-2.1
% a file header comment

X:1
T:First Tune
T:A second title
M:3/4
L:1/8
Q:1/4=100
K:G
% a comment line
"G"d2 B>c d/e/f | ^c2 c2 =c2 | {g}!trill!a6- | a2 (3gfe d z | % a comment after the music
|: G,A, B,C D2 |1 [GBd]4 z2 :|2 g'6 |]

X:2
T:Modal
M:6/8
L:1/8
K:A dor
A>B c d<e f | [K:F] B2 b z3 |

X:3
T:No unit length
M:2/4
K:Bb
B2 e2 \\
f4 |]
"""

func expectNotes(_ melody: Melody, _ expected: [(Int?, QuarterLength, QuarterLength)],
                 sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(melody.notes.count == expected.count, sourceLocation: sourceLocation)
    for (note, want) in zip(melody.notes, expected) {
        #expect(note.pitch?.midi == want.0 && note.onset == want.1 && note.duration == want.2,
                "\(note) ≠ \(want)", sourceLocation: sourceLocation)
    }
}

@Test("ABC: key signature and bar accidentals, octaves, lengths, broken rhythm, ties, tuplets, chords, repeats with endings")
func abcExactNotes() throws {
    let melodies = try ABCReader().read(abcFile, file: "t.abc")
    #expect(melodies.count == 3)
    let first = melodies[0]
    #expect(first.title == "First Tune")
    #expect(first.meter == Meter(3, 4))
    #expect(first.tempo == 100)
    #expect(first.key == Key(tonic: 7, mode: .major))
    #expect(first.source == SourceLocation(file: "t.abc", line: 4, detail: "X:1"))
    #expect(first.pickup == nil)
    #expect(try ABCReader().read("X:1\nM:6/8\nL:1/8\nK:G\nD | GAB c2 d |]\n").first?.pickup == QuarterLength(1, 2))
    let q = QuarterLength(1, 4), h = QuarterLength(1, 2), t = QuarterLength(1, 3)
    expectNotes(first, [
        (74, 0, 1), (71, 1, 3 * q), (72, QuarterLength(7, 4), q), (74, 2, q), (76, QuarterLength(9, 4), q), (78, QuarterLength(5, 2), h),
        (73, 3, 1), (73, 4, 1), (72, 5, 1),  // ^c, c (still sharp in the bar), =c
        (81, 6, 4),  // a6- | a2: tied across the bar line; grace note and decoration skipped
        (79, 10, t), (78, 10 + t, t), (76, 10 + 2 * t, t), (74, 11, h), (nil, QuarterLength(23, 2), h),
        (55, 12, h), (57, QuarterLength(25, 2), h), (59, 13, h), (60, QuarterLength(27, 2), h), (62, 14, 1),
        (74, 15, 2), (nil, 17, 1),  // first ending: the chord's top note
        (55, 18, h), (57, QuarterLength(37, 2), h), (59, 19, h), (60, QuarterLength(39, 2), h), (62, 20, 1),
        (91, 21, 3),  // second ending
    ])
    let modal = melodies[1]
    #expect(modal.key == Key(tonic: 9, mode: .dorian))  // the signature of G major: f is F♯
    #expect(modal.meter == Meter(6, 8))
    expectNotes(modal, [(69, 0, 3 * q), (71, 3 * q, q), (72, 1, h), (74, QuarterLength(3, 2), q), (76, QuarterLength(7, 4), 3 * q),
                        (78, QuarterLength(5, 2), h), (70, 3, 1), (82, 4, h), (nil, QuarterLength(9, 2), QuarterLength(3, 2))])
    // Without L:, a 2/4 tune counts in sixteenths; a line continuation joins the lines.
    expectNotes(melodies[2], [(70, 0, h), (75, h, h), (77, 1, 1)])
}

@Test("ABC signatures follow the key as written: E sharp in F sharp major, B sharp in C sharp, F flat in C flat, modes too")
func abcSpelledKeySignatures() throws {
    /// The MIDI pitches of the scale C D E F G A B (middle C up) under `K:key`.
    func scale(_ key: String) throws -> [Int] {
        try #require(try ABCReader().read("X:1\nL:1/4\nK:\(key)\nC D E F G A B\n").first).notes.map { $0.pitch!.midi }
    }
    let fSharpMajor = [61, 63, 65, 66, 68, 70, 71]  // six sharps: E is E♯ (65)
    let gFlatMajor = [59, 61, 63, 65, 66, 68, 70]  // six flats: C is C♭ (59)
    let cSharpMajor = [61, 63, 65, 66, 68, 70, 72]  // seven sharps: B is B♯ (72)
    let cFlatMajor = [59, 61, 63, 64, 66, 68, 70]  // seven flats: F is F♭ (64)
    #expect(try scale("F#") == fSharpMajor)
    #expect(try scale("Gb") == gFlatMajor)
    #expect(try scale("C#") == cSharpMajor)
    #expect(try scale("Cb") == cFlatMajor)
    #expect(try scale("D#m") == fSharpMajor)
    #expect(try scale("Ebm") == gFlatMajor)
    #expect(try scale("A#m") == cSharpMajor)
    #expect(try scale("Abm") == cFlatMajor)
    #expect(try scale("G#mix") == cSharpMajor)
    #expect(try scale("F#dor") == [61, 63, 64, 66, 68, 69, 71])  // E major's four sharps
    #expect(try scale("C#m") == [61, 63, 64, 66, 68, 69, 71])
    #expect(try scale("Ebmix") == [60, 61, 63, 65, 67, 68, 70])  // A♭ major's four flats
    #expect(try scale("G#") == [61, 63, 65, 67, 68, 70, 72])  // eight sharps: F double sharp (67)
    let tune = try #require(try ABCReader().read("X:1\nL:1/4\nK:F#\nF\n").first)
    #expect(tune.key == Key(tonic: 6, mode: .major))
}

@Test("ABC repeats: plain |: :|, :: between parts, and a second part without |: returns to the double bar")
func abcRepeats() throws {
    let text = "X:1\nM:2/4\nL:1/4\nK:C\n|: C D :: E F :|\nG A || B c :|\n"
    let melody = try #require(try ABCReader().read(text).first)
    #expect(melody.notes.map { $0.pitch!.midi } == [60, 62, 60, 62, 64, 65, 64, 65, 67, 69, 71, 72, 71, 72])
    let endings = "X:1\nL:1/4\nK:D\nA B |1 c d :|2 e f |]\n"
    // A body line that begins like a field (`D:|`) is music.
    let lookalike = "X:1\nL:1/4\nK:C\nC |\nD:|\n"
    #expect(try ABCReader().read(lookalike).first?.notes.map { $0.pitch!.midi } == [60, 62, 60, 62])
    #expect(try ABCReader().read(endings).first?.notes.map { $0.pitch!.midi } == [69, 71, 73, 74, 69, 71, 76, 78])
}

@Test("ABC keys: modes, explicit accidentals in K:, and errors for bad input")
func abcKeysAndErrors() throws {
    let text = "X:1\nL:1/4\nK:D mix\nc f B\n\nX:2\nL:1/4\nK:C ^f _b\nf b c\n\nX:3\nL:1/4\nK:Ebm\ng c\n"
    let tunes = try ABCReader().read(text)
    #expect(tunes[0].key == Key(tonic: 2, mode: .mixolydian))
    #expect(tunes[0].notes.map { $0.pitch!.midi } == [72, 78, 71])
    #expect(tunes[1].notes.map { $0.pitch!.midi } == [78, 82, 72])
    #expect(tunes[2].key == Key(tonic: 3, mode: .minor))
    #expect(tunes[2].notes.map { $0.pitch!.midi } == [78, 71])  // g♭ and c♭ in E♭ minor
    #expect(throws: ABCError.noTunes(file: "<text>")) { try ABCReader().read("just some text\n") }
    #expect(throws: ABCError.malformed(file: "<text>", line: 3, reason: "note length divided by zero")) {
        try ABCReader().read("X:1\nK:C\nC/0 D\n")
    }
}

@Test("ABC: only the first voice is read; K:none has no key; x and Z rests; chords take their top note and first length")
func abcVoicesAndRests() throws {
    let text = """
    X:1
    M:2/4
    L:1/8
    V:1
    V:2
    K:none
    V:1
    C2 ^F2 | x2 [Ec]3 z |
    V:2
    C,8 | C,8 |
    V:1
    Z2 | F4 |]
    """
    let melody = try #require(try ABCReader().read(text).first)
    #expect(melody.key == nil)
    expectNotes(melody, [(60, 0, 1), (66, 1, 1), (nil, 2, 1), (72, 3, QuarterLength(3, 2)), (nil, QuarterLength(9, 2), QuarterLength(1, 2)),
                         (nil, 5, 4), (65, 9, 2)])
}
