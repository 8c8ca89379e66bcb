import Foundation
import Testing
@testable import LiltMusic

/// Damaged versions of `bytes`: every truncation point (sampled), single and multiple bit flips, and
/// random overwrites, all from a seeded generator.
func damaged(_ bytes: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
    var generator = SeededGenerator(seed: seed)
    var variants: [[UInt8]] = []
    let step = max(1, bytes.count / 60)
    for cut in stride(from: 0, to: bytes.count, by: step) { variants.append(Array(bytes[0..<cut])) }
    for _ in 0..<count {
        var copy = bytes
        for _ in 0..<(1 + Int(generator.next() % 8)) {
            let index = Int(generator.next() % UInt64(copy.count))
            if generator.next() % 2 == 0 {
                copy[index] ^= UInt8(1 << (generator.next() % 8))
            } else {
                copy[index] = UInt8(truncatingIfNeeded: generator.next())
            }
        }
        variants.append(copy)
    }
    return variants
}

func randomFiles(count: Int, seed: UInt64, alphabet: [UInt8]? = nil) -> [[UInt8]] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
        (0..<Int(generator.next() % 2000)).map { _ in
            if let alphabet { return alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            return UInt8(truncatingIfNeeded: generator.next())
        }
    }
}

/// Feeds every input to `read`; each must return or throw an error of `errorType` (a crash or a hang
/// fails the whole run). Returns how many were refused.
@discardableResult
func survive<E: Error>(_ inputs: [[UInt8]], _ errorType: E.Type, read: ([UInt8]) throws -> Void,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Int {
    var refused = 0
    for input in inputs {
        do {
            try read(input)
        } catch is E {
            refused += 1
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        }
    }
    return refused
}

@Test("Hostile MIDI: truncated, bit-flipped, random and crafted files give MIDIError, never a crash or a hang")
func hostileMIDI() throws {
    var melody = roundTripMelody()
    melody.notes += [Note(pitch: Pitch(midi: 60), onset: 14, duration: 2)]
    let valid = MIDIWriter.write(melody)
    var inputs = damaged(valid, count: 400, seed: 1) + randomFiles(count: 100, seed: 2)
    let header = Array("MThd".utf8) + [0, 0, 0, 6, 0, 1, 0, 1, 1, 0xE0]
    inputs.append(header + Array("MTrk".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x90])  // a 4 GB track claimed
    inputs.append(header + Array("MTrk".utf8) + [0, 0, 0, 6, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])  // 5-byte number
    inputs.append(header + Array("MTrk".utf8) + [0, 0, 0, 8, 0x00, 0xFF, 0x01, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F])  // huge meta
    inputs.append(Array("MThd".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0, 0])
    // Many overlapping notes on one key (the note-off queue must stay linear).
    var storm: [UInt8] = []
    for _ in 0..<20_000 { storm += [0x00, 0x90, 60, 64] }
    for _ in 0..<20_000 { storm += [0x00, 0x80, 60, 0] }
    inputs.append(header + Array("MTrk".utf8) + MIDIWriter.be32(storm.count) + storm)
    let refused = survive(inputs, MIDIError.self) { bytes in _ = try MIDIFile(bytes: bytes).melody() }
    #expect(refused > 100)
    #expect(throws: MIDIError.self) { try MIDIFile(bytes: Array(valid.dropLast(5))) }
}

@Test("Hostile kern: truncated, bit-flipped and random files give KernError, never a crash")
func hostileKern() throws {
    let valid = Array(kernTune.utf8)
    var inputs = damaged(valid, count: 400, seed: 3) + randomFiles(count: 100, seed: 4)
        + randomFiles(count: 100, seed: 5, alphabet: Array("**kern\t\n*^v-+x[]_.0123456789%#-nrqabcgABCG =!{}()".utf8))
    inputs.append(Array("**kern\n99999999999999999999c\n*-\n".utf8))
    inputs.append(Array(("**kern\n" + String(repeating: "997c\n991d\n983e\n977f\n971g\n967a\n953b\n947c\n", count: 20) + "*-\n").utf8))
    inputs.append(Array(("**kern\n" + (0..<14).map { n in String(repeating: "*^\t", count: 1 << n).dropLast() + "\n" }.joined()).utf8))
    let refused = survive(inputs, KernError.self) { bytes in _ = try KernReader().read(bytes, file: "h.krn") }
    #expect(refused > 100)
}

@Test("Hostile ABC: truncated, bit-flipped and random files give ABCError, never a crash or a hang")
func hostileABC() throws {
    let valid = Array(abcFile.utf8)
    var inputs = damaged(valid, count: 400, seed: 6) + randomFiles(count: 100, seed: 7)
        + randomFiles(count: 150, seed: 8, alphabet: Array("X:1\nK:C\nabcABC,'^_=z-<>()[]{}|:123/!\"+ \n%".utf8))
    inputs.append(Array(("X:1\nK:C\n" + String(repeating: "(", count: 50_000) + "\n").utf8))
    inputs.append(Array(("X:1\nK:C\n" + String(repeating: "!", count: 100_000) + "\n").utf8))
    inputs.append(Array(("X:1\nK:C\n" + String(repeating: "|: C :|", count: 2_000) + "\n").utf8))
    inputs.append(Array(("X:1\nK:C\n" + String(repeating: "[1 C :|", count: 2_000) + "\n").utf8))
    inputs.append(Array(("X:1\nL:1/9999\nK:C\n" + String(repeating: "(7:11:7 C/9973 D/9967 E/9949 ", count: 200) + "\n").utf8))
    inputs.append(Array("X:1\nK:C\nC99999999999/999999999999\n".utf8))
    let refused = survive(inputs, ABCError.self) { bytes in _ = try ABCReader().read(bytes, file: "h.abc") }
    #expect(refused > 50)
}

@Test("Hostile corpus cache files give CorpusError, never a crash")
func hostileCache() throws {
    let corpus = CorpusImporter().importCorpus(name: "h", paths: [])
    var song = EncodedCorpus(name: "h", parameters: EncodingParameters(), vocabulary: Vocabulary.build(from: [[.note(60), .end]]),
                             songs: [EncodedSong(tokens: [3, 0], title: "t", source: SourceLocation(file: "f"), key: nil,
                                                 meter: Meter(3, 4), transposition: 0)], report: corpus.report)
    song.songs.append(song.songs[0])
    let refused = survive(damaged(song.serialized(), count: 400, seed: 9) + randomFiles(count: 100, seed: 10),
                          CorpusError.self) { bytes in _ = try EncodedCorpus(serialized: bytes) }
    #expect(refused > 100)
}

@Test("Hostile melodies from damaged files still encode, decode and export without trapping")
func hostileEncodeAndWrite() throws {
    var generator = SeededGenerator(seed: 11)
    for bytes in damaged(Array(abcFile.utf8), count: 150, seed: 12) {
        guard let melodies = try? ABCReader().read(bytes, file: "h.abc") else { continue }
        for melody in melodies {
            _ = TimeStepEncoder().encode(melody)
            _ = JSONDump.write([melody])
            if melody.length < 2_000, generator.next() % 4 == 0 {
                _ = ABCWriter.write([melody]); _ = KernWriter.write([melody])
                _ = MIDIWriter.write(melody); _ = MusicXMLWriter.write([melody])
            }
        }
    }
}

@Test("Writers accept melodies with impossible meters and odd lengths without trapping")
func writersOnOddMelodies() throws {
    var melody = Melody.sequence([(60, QuarterLength(1, 7)), (nil, QuarterLength(13, 5)), (127, 9), (0, QuarterLength(1, 96))])
    for meter in [Meter(0, 4), Meter(3, 0), Meter(-2, 8), Meter(7, 3)] {
        melody.meter = meter
        melody.pickup = QuarterLength(1, 3)
        #expect(!ABCWriter.write([melody]).isEmpty)
        #expect(!KernWriter.write([melody]).isEmpty)
        #expect(!MusicXMLWriter.write([melody]).isEmpty)
        #expect(!MIDIWriter.write(melody).isEmpty)
        let back = mergingRests(try ABCReader().read(ABCWriter.write([melody]))[0])
        #expect(back.notes.map { $0.pitch?.midi } == melody.notes.map { $0.pitch?.midi })
        #expect(back.notes.map(\.duration) == melody.notes.map(\.duration))
    }
}
