import Testing
@testable import LiltMusic

@Test("QuarterLength is exact: triplets add up to a whole beat and reduce")
func quarterLengthArithmetic() {
    let tripletEighth = QuarterLength(1, 3)
    #expect(tripletEighth + tripletEighth + tripletEighth == 1)
    #expect(QuarterLength(6, 8) == QuarterLength(3, 4))
    #expect(QuarterLength(3, -4) == -QuarterLength(3, 4))
    #expect(QuarterLength(3, 2) * QuarterLength(2, 3) == 1)
    #expect(QuarterLength(3, 4).isMultiple(of: QuarterLength(1, 4)))
    #expect(!tripletEighth.isMultiple(of: QuarterLength(1, 4)))
    #expect(QuarterLength(1, 3) < QuarterLength(1, 2))
}

@Test("Pitch names, octaves and frequencies follow scientific pitch notation")
func pitchNames() {
    #expect(Pitch(midi: 60).name == "C4")
    #expect(Pitch(midi: 61).name == "C#4")
    #expect(Pitch(midi: 59).name == "B3")
    #expect(Pitch(midi: 0).name == "C-1")
    #expect(abs(Pitch(midi: 69).frequency - 440) < 1e-9)
    #expect(abs(Pitch(midi: 81).frequency - 880) < 1e-9)
    #expect(Pitch(midi: 66).isBlackKey && !Pitch(midi: 64).isBlackKey)
}

@Test("A melody built from a sequence has consecutive onsets and its length is the last end")
func melodySequence() {
    let melody = Melody.sequence([(60, 1), (nil, QuarterLength(1, 2)), (67, QuarterLength(3, 2))])
    #expect(melody.notes.map(\.onset) == [0, 1, QuarterLength(3, 2)])
    #expect(melody.notes[1].isRest)
    #expect(melody.length == 3)
    #expect(Meter(6, 8).barLength == QuarterLength(3))
    #expect(Key(tonic: 9, mode: .minor).pitchClasses == Key(tonic: 0, mode: .major).pitchClasses)
}
