import Foundation
import Testing
@testable import LiltMusic

/// A lead sheet in G major, 4/4: a melody above C5 and one chord of each kind, spelled as the key would.
func leadSheet() throws -> Melody {
    let symbols: [(String, QuarterLength)] = [
        ("G", 4), ("D7/F#", 2), ("Em", 2), ("Am7", 4), ("Cmaj7", 2), ("F#m7b5", 2), ("B7", 4), ("Csus2", 2),
        ("Dsus4", 2), ("C6", 2), ("Am6", 2), ("D9", 4), ("D#dim7", 2), ("Eaug", 2), ("Edim", 2), ("B7b9", 2),
        ("Cmaj9", 2), ("Am9", 2), ("D7sus4", 2), ("Gaug7", 2), ("G/B", 2), ("D/A", 2), ("G", 4),
    ]
    var chords: [ChordSymbol] = []
    var time = QuarterLength.zero
    for (text, length) in symbols {
        chords.append(try #require(ChordSymbol(text, onset: time, duration: length)))
        time += length
    }
    let pitches = [79, 78, 76, 74, 72, 74, 76, 78]
    var notes: [Note] = []
    var onset = QuarterLength.zero
    while onset < time {
        notes.append(.note(pitches[notes.count % pitches.count], at: onset, for: 1))
        onset += 1
    }
    return Melody(title: "Lead sheet", key: Key(tonic: 7, mode: .major), meter: Meter(4, 4), tempo: 100,
                  notes: notes, chords: chords)
}

@Test("MIDI: chords go on their own track, channel and program, below the melody, and read back the same")
func midiChordRoundTrip() throws {
    let melody = try leadSheet()
    let bytes = MIDIWriter.write(melody, program: 0, chordProgram: GMProgram.defaultChords.number)
    let file = try MIDIFile(bytes: bytes)
    #expect(file.tracks.count == 3)
    let chordNotes = file.notes.filter { $0.track == 2 }
    #expect(chordNotes.allSatisfy { $0.channel == MIDIWriter.chordChannel })
    #expect(chordNotes.map(\.pitch).max()! < melody.notes.compactMap { $0.pitch?.midi }.min()!)
    #expect(bytes.windowOfBytes([0x00, 0xC1, 24]))
    let back = try file.melody()
    #expect(back.notes.map(\.pitch) == melody.notes.map(\.pitch))
    #expect(back.chords.map(\.symbol) == melody.chords.map(\.symbol))
    #expect(back.chords.map(\.onset) == melody.chords.map(\.onset))
    #expect(back.chords.map(\.duration) == melody.chords.map(\.duration))
    // Without chords the file is as before: two tracks.
    var plain = melody
    plain.chords = []
    #expect(try MIDIFile(bytes: MIDIWriter.write(plain)).tracks.count == 2)
}

@Test("Voicings move smoothly: each voice of a chord within a few semitones of the one before")
func chordVoiceLeading() throws {
    let melody = try leadSheet()
    let voicings = ChordVoicing.voicings(melody.chords, under: melody.notes)
    #expect(voicings.count == melody.chords.count)
    for (chord, voicing) in zip(melody.chords, voicings) {
        #expect(voicing[0] % 12 == chord.bassPitchClass)
        #expect(voicing[0] < voicing[1])
        #expect(voicing.dropFirst().allSatisfy { (48...67).contains($0) })
    }
    for (a, b) in zip(voicings, voicings.dropFirst()) {
        let upperA = a.dropFirst(), upperB = b.dropFirst()
        let moves = upperB.map { pitch in upperA.map { abs($0 - pitch) }.min()! }
        #expect(moves.max()! <= 7, "\(a) → \(b)")
    }
}

@Test("MIDI: an accompaniment played by hand on another channel is named chord by chord")
func midiChordRecognition() throws {
    // 3/4 in C: oom-pah-pah (bass on the first beat, the chord on the others), then a held slash chord
    // and an arpeggio.
    let melody = Melody(title: "Waltz", key: Key(tonic: 0, mode: .major), meter: Meter(3, 4),
                        notes: (0..<18).map { .note(76 + ($0 % 3), at: QuarterLength($0), for: 1) })
    typealias Event = (tick: Int, on: Bool, pitch: Int, velocity: Int)
    var events: [Event] = []
    func play(_ pitches: [Int], at beat: Int, for beats: Int = 1) {
        for pitch in pitches {
            events.append((beat * 480, true, pitch, 70))
            events.append(((beat + beats) * 480 - 10, false, pitch, 0))
        }
    }
    play([36], at: 0); play([52, 55, 60], at: 1); play([52, 55, 60], at: 2)          // C
    play([43], at: 3); play([53, 55, 59, 62], at: 4); play([53, 55, 59, 62], at: 5)  // G7
    play([45], at: 6); play([57, 60, 64], at: 7); play([57, 60, 64], at: 8)          // Am
    play([40, 55, 60, 64], at: 9, for: 3)                                              // C/E
    play([41], at: 12); play([45], at: 13); play([48], at: 14)                         // F, broken
    play([38, 53, 57, 60], at: 15, for: 3)                                              // Dm7
    let accompaniment = MIDIWriter.track(name: "Piano", channel: 2, program: 0, events: events, end: 18 * 480)
    var bytes = MIDIWriter.write(melody)
    bytes[11] = 3  // three tracks
    bytes += Array("MTrk".utf8) + MIDIWriter.be32(accompaniment.count) + accompaniment
    let read = try MIDIFile(bytes: bytes).melody()
    #expect(read.notes.count == 18)
    #expect(read.chords.map(\.symbol) == ["C", "G7", "Am", "C/E", "F", "Dm7"])
    #expect(read.chords.map(\.onset) == [0, 3, 6, 9, 12, 15])
    #expect(read.chords.allSatisfy { $0.duration == 3 })
    // Asked for no chords, the same file gives the melody alone.
    #expect(try MIDIFile(bytes: bytes).melody(options: MIDIMelodyOptions(chords: false)).chords.isEmpty)
}

@Test("The recogniser prefers the root in the bass and the simpler chord")
func chordRecognizer() {
    func named(_ pitchClasses: [Int], lowest: Int, fifths: Int = 0) -> String? {
        var weights = [Double](repeating: 0, count: 12)
        for pc in pitchClasses { weights[pc] += 1 }
        return ChordRecognizer.chord(weights: weights, lowest: lowest, fifths: fifths)?.symbol
    }
    #expect(named([0, 4, 7], lowest: 0) == "C")
    #expect(named([0, 4, 7], lowest: 4) == "C/E")
    #expect(named([0, 4, 7, 9], lowest: 0) == "C6")
    #expect(named([0, 4, 7, 9], lowest: 9) == "Am7")
    #expect(named([10, 2, 5], lowest: 10, fifths: -2) == "Bb")
    #expect(named([2, 6, 9, 0], lowest: 6, fifths: 1) == "D7/F#")
    #expect(named([0, 4], lowest: 0) == nil)
}

@Test("ABC: chord symbols are written in quotes and read back the same")
func abcChordRoundTrip() throws {
    var melody = try leadSheet()
    // A chord that starts under a held note cuts it.
    melody.notes = [.note(79, at: 0, for: 6)] + melody.notes.filter { $0.onset >= 6 }
    let text = ABCWriter.write([melody])
    #expect(text.contains("\"G\"g8- | \"D7/F#\"g4 \"Em\"e2 f2 |"))
    let back = try #require(try ABCReader().read(text, file: "lead.abc").first)
    #expect(back.chords == melody.chords)
    #expect(back.notes.map(\.pitch) == melody.notes.map(\.pitch))
    #expect(back.notes.map(\.duration) == melody.notes.map(\.duration))
}

@Test("MusicXML: chord symbols become <harmony> with root, kind and bass before their note")
func musicXMLHarmony() throws {
    let melody = try leadSheet()
    let xml = MusicXMLWriter.write([melody])
    #expect(xml.components(separatedBy: "<harmony>").count - 1 == melody.chords.count)
    #expect(xml.contains("<harmony><root><root-step>G</root-step></root><kind text=\"\">major</kind></harmony>"))
    #expect(xml.contains("<harmony><root><root-step>D</root-step></root><kind text=\"7\">dominant</kind>"
                         + "<bass><bass-step>F</bass-step><bass-alter>1</bass-alter></bass></harmony>"))
    #expect(xml.contains("<root-step>F</root-step><root-alter>1</root-alter></root><kind text=\"m7b5\">half-diminished</kind>"))
    #expect(xml.contains("<kind text=\"7b9\">dominant</kind><degree><degree-value>9</degree-value><degree-alter>-1</degree-alter>"))
    let harmony = try #require(xml.range(of: "<harmony><root><root-step>E</root-step></root><kind text=\"m\">"))
    #expect(xml[harmony.upperBound...].contains("</harmony>\n      <note>"))
}

extension [UInt8] {
    func windowOfBytes(_ pattern: [UInt8]) -> Bool {
        guard pattern.count <= count else { return false }
        return (0...(count - pattern.count)).contains { Array(self[$0..<($0 + pattern.count)]) == pattern }
    }
}

let nottinghamMIDI = packageRoot.appendingPathComponent("../shared/corpora/midi-samples/nottingham").standardized

@Test("Nottingham MIDI renderings: the chords named from the accompaniment track are the lead sheet's",
      .enabled(if: FileManager.default.fileExists(atPath: nottinghamMIDI.path)
               && FileManager.default.fileExists(atPath: nottingham.path)))
func nottinghamMIDIChords() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: nottinghamMIDI.appendingPathComponent("full").path)
        .filter { $0.hasSuffix(".mid") }.sorted()
    #expect(files.count == 3)
    for name in files {
        // reelsr-t42.mid is tune X:42 of reelsr-t.abc.
        let stem = name.dropLast(4)
        let digits = stem.reversed().prefix { $0.isNumber }.count
        let abc = nottingham.appendingPathComponent(stem.dropLast(digits) + ".abc")
        let tune = try #require(try ABCReader().read(contentsOf: abc).first { $0.source?.detail == "X:\(stem.suffix(digits))" })
        let midi = try MIDIFile.read(contentsOf: nottinghamMIDI.appendingPathComponent("full/\(name)")).melody()
        let offset = try #require(midi.chords.first).onset - (try #require(tune.chords.first)).onset
        var agree = 0
        for chord in tune.chords {
            let heard = midi.chords.first { $0.onset <= chord.onset + offset && chord.onset + offset < $0.end }
            if heard?.rootPitchClass == chord.rootPitchClass && heard?.quality == chord.quality { agree += 1 }
        }
        let share = Double(agree) / Double(tune.chords.count)
        print("\(name): \(tune.chords.count) lead-sheet chords, \(midi.chords.count) named, \(Int(share * 100))% agree")
        #expect(share >= 0.8, "\(name)")
    }
    // The melody-only renderings have no accompaniment, so no chords.
    for url in try FileManager.default.contentsOfDirectory(at: nottinghamMIDI.appendingPathComponent("melody"),
                                                             includingPropertiesForKeys: nil) where url.pathExtension == "mid" {
        #expect(try MIDIFile.read(contentsOf: url).melody().chords.isEmpty)
    }
}
