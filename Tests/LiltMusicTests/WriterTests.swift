import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LiltMusic

/// A melody with a pickup rest, dotted notes, a note tied over a bar line, triplets, chromatic notes and
/// rests, in E minor 3/4.
func roundTripMelody() -> Melody {
    var melody = Melody.sequence([
        (nil, 1), (71, 1), (67, QuarterLength(3, 2)), (66, QuarterLength(1, 2)), (64, 2), (63, 2),  // D♯ then…
        (63, QuarterLength(1, 2)), (62, QuarterLength(1, 2)),  // …D♯ again in the bar and a D natural
        (76, QuarterLength(1, 3)), (77, QuarterLength(1, 3)), (79, QuarterLength(1, 3)),
        (nil, QuarterLength(1, 2)), (84, QuarterLength(1, 4)), (48, QuarterLength(1, 4)), (64, 3),
    ], tempo: 108)
    melody.title = "Round & Trip"
    melody.key = Key(tonic: 4, mode: .minor)
    melody.meter = Meter(3, 4)
    melody.pickup = 1
    return melody
}

func expectSameLine(_ back: Melody, _ melody: Melody, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(back.notes.map { $0.pitch?.midi } == melody.notes.map { $0.pitch?.midi }, sourceLocation: sourceLocation)
    #expect(back.notes.map(\.onset) == melody.notes.map(\.onset), sourceLocation: sourceLocation)
    #expect(back.notes.map(\.duration) == melody.notes.map(\.duration), sourceLocation: sourceLocation)
}

@Test("melody → ABC → melody is exact, with title, key, meter and tempo")
func abcRoundTrip() throws {
    let melody = roundTripMelody()
    let text = ABCWriter.write([melody, Melody.sequence([(60, 1)])])
    let back = try ABCReader().read(text)
    #expect(back.count == 2)
    expectSameLine(back[0], melody)
    #expect(back[0].title == melody.title && back[0].key == melody.key && back[0].meter == melody.meter)
    #expect(back[0].pickup == 1)
    #expect(back[0].tempo == 108)
    #expect(text.contains("K:Em\n"))
    #expect(text.contains("^D"))  // the D♯ is written once, then held by the bar
    #expect(text.contains("(3:2:3e =f g"))  // triplets as a tuplet of plain eighths
}

@Test("melody → kern → melody is exact, with title, key, meter and tempo")
func kernRoundTrip() throws {
    let melody = roundTripMelody()
    let text = KernWriter.write([melody])
    let back = try #require(try KernReader().read(text).first)
    expectSameLine(back, melody)
    #expect(back.title == melody.title && back.key == melody.key && back.meter == melody.meter && back.tempo == 108)
    #expect(back.pickup == 1)
    #expect(text.contains("*MM108\n4r\n=1\n"))  // the pickup bar comes before bar 1
    #expect(text.contains("*k[f#]\n*e:\n"))
    #expect(KernWriter.recip(QuarterLength(3, 2)) == "4.")
    #expect(KernWriter.recip(QuarterLength(7, 4)) == "4..")
    #expect(KernWriter.recip(QuarterLength(1, 3)) == "12")
    #expect(KernWriter.recip(QuarterLength(5, 4)) == "16%5")
    #expect(try KernReader().read("**kern\n16%5c\n*-\n").first?.notes.first?.duration == QuarterLength(5, 4))
}

@Test("Many random melodies survive ABC, kern and MIDI round trips on the grid")
func randomRoundTrips() throws {
    var generator = SeededGenerator(seed: 7)
    let lengths: [QuarterLength] = [QuarterLength(1, 4), QuarterLength(1, 2), QuarterLength(3, 4), 1, QuarterLength(3, 2), 2, 3, 4]
    for round in 0..<40 {
        var events: [(Int?, QuarterLength)] = []
        for _ in 0..<(10 + Int(generator.next() % 30)) {
            let pitch: Int? = generator.next() % 7 == 0 ? nil : 48 + Int(generator.next() % 40)
            events.append((pitch, lengths[Int(generator.next() % UInt64(lengths.count))]))
        }
        if events.last?.0 == nil { events.append((60, 1)) }
        var melody = Melody.sequence(events)
        melody.key = Key(fifths: Int(generator.next() % 11) - 5, mode: round % 2 == 0 ? .major : .dorian)
        melody.meter = [Meter(4, 4), Meter(6, 8), Meter(3, 4), Meter(2, 2), nil][round % 5]
        if round % 3 == 0 { melody.pickup = lengths[round % lengths.count] }
        if round % 4 == 1 {  // some tuplets: a bar of quintuplet sixteenths, a triplet
            melody.notes += Melody.sequence(Array(repeating: (61, QuarterLength(1, 5)), count: 5)
                                            + [(63, QuarterLength(2, 3)), (nil, QuarterLength(1, 3))]).notes
                .map { Note(pitch: $0.pitch, onset: $0.onset + melody.length, duration: $0.duration) }
            melody.notes.append(.note(62, at: melody.length, for: 1))
        }
        // Rests next to rests are one silence however a format cuts it (at bar lines, or not at all in MIDI).
        let expected = mergingRests(melody)
        expectSameLine(mergingRests(try ABCReader().read(ABCWriter.write([melody]))[0]), expected)
        expectSameLine(mergingRests(try KernReader().read(KernWriter.write([melody]))[0]), expected)
        // MIDI keeps what its 480 ticks a quarter hold exactly: read without rounding to a coarser grid.
        expectSameLine(try MIDIFile(bytes: MIDIWriter.write(melody)).melody(options: MIDIMelodyOptions(grid: nil)), expected)
    }
}

@Test("MusicXML: well-formed, one note element per written piece, durations add up, ties across bars")
func musicXMLExport() throws {
    let melody = roundTripMelody()
    let xml = MusicXMLWriter.write([melody])
    #expect(xml.contains("<fifths>1</fifths><mode>minor</mode>"))
    #expect(xml.contains("<beats>3</beats><beat-type>4</beat-type>"))
    #expect(xml.contains("<per-minute>108</per-minute>"))
    #expect(xml.contains("<time-modification><actual-notes>3</actual-notes>"))
    let measures = xml.components(separatedBy: "<measure ").count - 1
    #expect(measures == 6)  // 14 quarter notes in 3/4: a pickup of 1, four full bars and one of 1
    #expect(xml.contains("<measure number=\"0\" implicit=\"yes\">"))
    // The sum of <duration> over notes, divided by <divisions>, is the melody's length.
    let divisions = Int(xml.components(separatedBy: "<divisions>")[1].prefix { $0.isNumber })!
    let durations = xml.components(separatedBy: "<duration>").dropFirst().map { Int($0.prefix { $0.isNumber })! }
    #expect(QuarterLength(durations.reduce(0, +), divisions) == melody.length)
    // The D♯ (2) on beat 3 of bar 1 is tied over the bar line.
    #expect(xml.contains("<tie type=\"start\"/>"))
    #expect(xml.components(separatedBy: "<tied type=\"stop\"/>").count - 1 >= 1)
    let parser = XMLParser(data: Data(xml.utf8))
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
}

@Test("The JSON dump lists every melody with pitches (null for rests), onsets and durations")
func jsonDump() throws {
    var melody = Melody.sequence([(60, 1), (nil, QuarterLength(1, 2)), (62, QuarterLength(3, 2))], tempo: 90)
    melody.title = "A \"quoted\" title"
    let json = JSONDump.write([melody])
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    let melodies = object["melodies"] as! [[String: Any]]
    #expect(melodies.count == 1)
    #expect(melodies[0]["title"] as? String == "A \"quoted\" title")
    #expect(melodies[0]["tempo"] as? Double == 90)
    let notes = melodies[0]["notes"] as! [[String: Any]]
    #expect(notes.count == 3)
    #expect(notes[1]["pitch"] is NSNull)
    #expect(notes[2]["onset"] as? Double == 1.5 && notes[2]["duration"] as? Double == 1.5)
}

func mergingRests(_ melody: Melody) -> Melody {
    var copy = melody
    copy.notes = []
    for note in melody.notes {
        if note.isRest, let last = copy.notes.last, last.isRest {
            copy.notes[copy.notes.count - 1].duration += note.duration
        } else {
            copy.notes.append(note)
        }
    }
    return copy
}

/// A small seeded generator (SplitMix64) so generated cases repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test("Chromatic notes are spelled from the key: B♭ in G major, C♯ in C major, G♯ in A minor, E♭ in B♭ major")
func spelling() {
    func name(_ midi: Int, _ fifths: Int) -> String {
        let spelled = SpelledPitch(midi: midi, fifths: fifths)
        return "\(SpelledPitch.letterNames[spelled.letter])" + (spelled.alteration > 0 ? "#" : spelled.alteration < 0 ? "b" : "")
            + "\(spelled.octave)"
    }
    #expect(name(70, 1) == "Bb4")
    #expect(name(61, 0) == "C#4")
    #expect(name(68, 0) == "G#4")
    #expect(name(63, -2) == "Eb4")
    #expect(name(66, 1) == "F#4")  // from the signature
    #expect(name(71, -1) == "B4")  // a natural against the signature
    #expect(name(60, 7) == "B#3")  // C♯ major's B♯ belongs to octave 3
    #expect(Key(tonic: 10, mode: .major).tonicName == "Bb")
    #expect(Key(tonic: 6, mode: .minor).tonicName == "F#")
}
