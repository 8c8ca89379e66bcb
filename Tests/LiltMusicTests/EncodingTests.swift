import Testing
@testable import LiltMusic

@Test("Time-step tokens: notes start with their MIDI number, rests with r, holds with _, songs end with /")
func timeStepTokens() {
    let melody = Melody.sequence([(60, 1), (nil, QuarterLength(1, 2)), (62, QuarterLength(1, 4)), (64, QuarterLength(3, 4))])
    let encoder = TimeStepEncoder(parameters: EncodingParameters(transposes: false))
    let tokens = encoder.tokens(of: melody)
    #expect(tokens.map(\.description) == ["60", "_", "_", "_", "r", "_", "62", "64", "_", "_", "/"])
    #expect(encoder.decode(tokens).notes == melody.notes)
}

@Test("Songs are moved to C major / A minor from their key; modes keep their white-key form")
func transposition() {
    #expect(Key(tonic: 7, mode: .major).semitonesToNaturalSignature == 5)  // G → C up a fourth
    #expect(Key(tonic: 2, mode: .major).semitonesToNaturalSignature == -2)
    #expect(Key(tonic: 4, mode: .minor).semitonesToNaturalSignature == 5)  // E minor → A minor
    #expect(Key(tonic: 9, mode: .dorian).semitonesToNaturalSignature == 5)  // A dorian → D dorian
    var melody = Melody.sequence([(67, 1), (71, 1), (74, 1), (66, 1), (67, 2)])
    melody.key = Key(tonic: 7, mode: .major)
    let (moved, shift) = TimeStepEncoder().prepare(melody)
    #expect(shift == 5)
    #expect(moved.notes.map { $0.pitch!.midi } == [72, 76, 79, 71, 72])
    #expect(moved.key == Key(tonic: 0, mode: .major))
}

@Test("Key estimation finds the key of scales and arpeggios without a signature")
func keyEstimation() {
    let dMajor = Melody.sequence([62, 64, 66, 67, 69, 71, 73, 74, 69, 66, 62].map { ($0, QuarterLength(1)) })
    #expect(KeyEstimator.estimate(dMajor.notes) == Key(tonic: 2, mode: .major))
    let aMinor = Melody.sequence([69, 72, 76, 69, 71, 72, 74, 76, 72, 69, 64, 69].map { ($0, QuarterLength(1)) })
    #expect(KeyEstimator.estimate(aMinor.notes) == Key(tonic: 9, mode: .minor))
    #expect(KeyEstimator.estimate([]) == nil)
    // A melody without a key is transposed by its estimated key.
    #expect(TimeStepEncoder().prepare(dMajor).shift == -2)
}

@Test("Songs outside the acceptable durations or off the grid are refused with the reason")
func encodingChecks() {
    let encoder = TimeStepEncoder(parameters: EncodingParameters(transposes: false))
    #expect(encoder.check(Melody.sequence([(60, 1), (62, QuarterLength(5, 4))])) == .durationNotAcceptable)
    let triplets = Melody.sequence([(60, QuarterLength(1, 3)), (62, QuarterLength(2, 3))])
    let anyDuration = TimeStepEncoder(parameters: EncodingParameters(acceptableDurations: nil, transposes: false))
    #expect(anyDuration.check(triplets) == .offGrid)
    #expect(anyDuration.check(Melody.sequence([(60, QuarterLength(5, 4))])) == nil)
    #expect(encoder.check(Melody.sequence([(nil, 1)])) == .noNotes)
    // A finer step takes the triplets.
    let fine = TimeStepEncoder(parameters: EncodingParameters(step: QuarterLength(1, 3), acceptableDurations: nil, transposes: false))
    #expect(fine.check(triplets) == nil)
    #expect(fine.decode(fine.tokens(of: triplets)).notes == triplets.notes)
}

@Test("Acceptable durations apply to written notes: a quarter tied to a sixteenth is five steps, a note written 5/4 long is refused")
func tiedNotesAreCheckedAsWritten() throws {
    let encoder = TimeStepEncoder(parameters: EncodingParameters(transposes: false))
    let expected = ["60", "_", "_", "_", "_", "62", "_", "_", "64", "_", "_", "_", "_", "_", "_", "_", "/"]
    let kern = try #require(try KernReader().read("**kern\n*M4/4\n[4c\n16c]\n8.d\n2e\n*-\n").first)
    #expect(kern.notes[0].duration == QuarterLength(5, 4))
    #expect(kern.notes[0].tiedDurations == [1, QuarterLength(1, 4)])
    #expect(try encoder.encode(kern).get().map(\.description) == expected)
    let abc = try #require(try ABCReader().read("X:1\nL:1/16\nK:C\nC4-C D3 E8 |]\n").first)
    #expect(try encoder.encode(abc).get().map(\.description) == expected)

    // Written whole, 5/4 is outside the classic set; any multiple of the step allows it.
    let written = try #require(try ABCReader().read("X:1\nL:1/16\nK:C\nC5 D3 E8 |]\n").first)
    #expect(written.notes[0].tiedDurations.isEmpty)
    #expect(encoder.check(written) == .durationNotAcceptable)
    let anyDuration = TimeStepEncoder(parameters: EncodingParameters(acceptableDurations: nil, transposes: false))
    #expect(try anyDuration.encode(written).get().map(\.description) == expected)

    // Three parts (`_` continues a tie in kern); two thirty-second notes are each outside the set
    // (and off the grid) though their sum, a sixteenth, is in it.
    let three = try #require(try KernReader().read("**kern\n[4c\n4c_\n16c]\n*-\n").first)
    #expect(three.notes.map(\.writtenDurations) == [[1, 1, QuarterLength(1, 4)]])
    #expect(encoder.check(three) == nil)
    let thirtySeconds = try #require(try KernReader().read("**kern\n[32c\n32c]\n4d\n*-\n").first)
    #expect(encoder.check(thirtySeconds) == .durationNotAcceptable)
    #expect(try anyDuration.encode(thirtySeconds).get().map(\.description) == ["60", "62", "_", "_", "_", "/"])

    // A tied note cut short since (a seed cut at a bar) counts as one written note of its new length.
    var cut = kern.notes[0]
    cut.duration = 1
    #expect(cut.writtenDurations == [1])
}

@Test("The vocabulary is sorted: /, _, r, then notes from low to high; indices round trip")
func vocabularyOrder() throws {
    let vocabulary = Vocabulary.build(from: [[.note(72), .hold, .note(60), .end], [.note(65), .rest, .end]])
    #expect(vocabulary.strings == ["/", "_", "r", "60", "65", "72"])
    let song: [TimeStepToken] = [.note(65), .hold, .rest, .note(72), .end]
    let indices = try #require(vocabulary.indices(of: song))
    #expect(indices == [4, 1, 2, 5, 0])
    #expect(vocabulary.tokens(at: indices) == song)
    #expect(vocabulary.index(of: .note(61)) == nil)
    #expect(Vocabulary(strings: vocabulary.strings) == vocabulary)
    #expect(Vocabulary(strings: ["60", "/"]) == nil)  // not canonical order
}
