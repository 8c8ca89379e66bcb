import Foundation
import LiltCompose
import LiltMusic
import Testing

private func chord(_ text: String, _ onset: Int, _ duration: Int) -> ChordSymbol {
    ChordSymbol(text, onset: QuarterLength(onset), duration: QuarterLength(duration))!
}

@Test("a chord entered at a position lasts to the bar's end or the next chord, cutting the one sounding there")
func enterChordRules() {
    var session = ComposingSession()
    session.enterChord(chord("C", 0, 0), at: 0)
    #expect(session.chords == [chord("C", 0, 4)])
    session.enterChord(chord("G7", 0, 0), at: 2)
    #expect(session.chords == [chord("C", 0, 2), chord("G7", 2, 2)])
    session.enterChord(chord("F", 0, 0), at: 8)
    session.enterChord(chord("Dm", 0, 0), at: 5)
    #expect(session.chords.map(\.symbol) == ["C", "G7", "Dm", "F"])
    #expect(session.chord(at: QuarterLength(6))?.symbol == "Dm" && session.chord(at: QuarterLength(7))?.end == 8)
    #expect(session.chord(at: QuarterLength(4)) == nil, "no chord on bar 2's first beat")
    #expect(session.removeChord(at: QuarterLength(3))?.symbol == "G7")
    #expect(session.chords.map(\.symbol) == ["C", "Dm", "F"])
}

@Test("harmony replaces the chords of unlocked bars only, cut at a locked bar's edges")
func replaceChordsAroundLockedBars() {
    var session = ComposingSession(notes: (0..<12).map { SessionNote(pitch: 60, onset: QuarterLength($0), duration: 1, origin: .seed) })
    session.setChord(chord("Am", 4, 4))
    session.toggleLock(bar: 1)
    #expect(session.unlockedBarRanges(from: .zero, to: QuarterLength(12)) == [QuarterLength(0)..<QuarterLength(4), QuarterLength(8)..<QuarterLength(12)])
    session.replaceChords(from: .zero, with: [chord("C", 0, 6), chord("G", 6, 6)])
    #expect(session.chords == [chord("C", 0, 4), chord("Am", 4, 4), chord("G", 8, 4)])
}

@Test("chords are saved as symbols with onsets and read back; a session without chords saves no chords key; bad chords name their place")
func chordsInSessionFiles() throws {
    var session = ComposingSession(key: Key(tonic: 2, mode: .major),
                                   notes: [SessionNote(pitch: 62, onset: 0, duration: 4, origin: .edited)])
    session.setChord(chord("D", 0, 2))
    session.setChord(chord("A7/C#", 2, 2))
    let data = SessionFile.encode(session)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"symbol\" : \"A7/C#\""), "\(text)")
    let back = try SessionFile.decode(data, file: "s.lilt")
    #expect(back == session)
    #expect(back.melody.chords == session.chords)
    #expect(SessionFile.encode(back) == data)
    #expect(!String(decoding: SessionFile.encode(ComposingSession()), as: UTF8.self).contains("chords"))

    let overlapping = text.replacingOccurrences(of: "\"onset\" : 2", with: "\"onset\" : 1")
    #expect(throws: SessionError.invalid(file: "s.lilt", place: "chords[1]", reason: "overlaps the chord before it")) {
        try SessionFile.decode(Data(overlapping.utf8), file: "s.lilt")
    }
    let unreadable = text.replacingOccurrences(of: "A7/C#", with: "Q7")
    #expect(throws: SessionError.self) { try SessionFile.decode(Data(unreadable.utf8), file: "s.lilt") }
    do {
        _ = try SessionFile.decode(Data(unreadable.utf8), file: "s.lilt")
    } catch {
        #expect("\(error)".contains("'Q7' is not a chord symbol") && "\(error)".contains("chords"), "\(error)")
    }
}

@Test("a melody file's chords open with it, and a seed before a position keeps only the chords before it")
func chordsThroughSessionsAndSeeds() throws {
    let melody = try #require(try ABCReader().read("X:1\nT:T\nM:4/4\nL:1/4\nK:G\n\"G\"GBdB|\"C\"cedc|\"D7\"dcBA|\"G\"G4|]\n").first)
    let session = ComposingSession(melody: melody)
    #expect(session.chords.map(\.symbol) == ["G", "C", "D7", "G"])
    let seed = session.seedMelody(before: QuarterLength(6))
    #expect(seed.chords.map(\.symbol) == ["G", "C"])
    #expect(seed.chords.last?.end == QuarterLength(6))
}
