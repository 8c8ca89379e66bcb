import Foundation
import Testing
@testable import LiltMusic

/// Builds an SMF from header fields and raw track bodies.
func smf(format: Int, division: [UInt8] = [0x01, 0xE0], tracks: [[UInt8]]) -> [UInt8] {
    var bytes = Array("MThd".utf8) + [0, 0, 0, 6, 0, UInt8(format), 0, UInt8(tracks.count)] + division
    for track in tracks {
        bytes += Array("MTrk".utf8) + MIDIWriter.be32(track.count) + track
    }
    return bytes
}

@Test("MIDI: running status (also across a meta event), velocity-0 note-offs and a tempo are read exactly")
func midiRunningStatus() throws {
    // Division 480. C4 for a quarter, D4 an eighth, rest an eighth, E4 a dotted quarter.
    let track: [UInt8] = [
        0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  // 500000 µs = 120 per minute
        0x00, 0xFF, 0x58, 0x04, 0x03, 0x02, 0x18, 0x08,  // 3/4
        0x00, 0xFF, 0x59, 0x02, 0x01, 0x00,  // G major
        0x00, 0x90, 60, 100,
        0x83, 0x60, 60, 0,  // running status: note-on velocity 0 after 480 ticks
        0x00, 62, 90,  // running status again
        0x81, 0x70, 0xFF, 0x01, 0x01, 0x41,  // a text meta event between
        0x00, 62, 0,  // running status continued across the meta event
        0x81, 0x70, 64, 80,
        0x85, 0x50, 0x80, 64, 0,  // an explicit note-off after 720 ticks
        0x00, 0xFF, 0x2F, 0x00,
    ]
    let file = try MIDIFile(bytes: smf(format: 0, tracks: [track]))
    #expect(file.format == 0)
    #expect(file.division == .ticksPerQuarter(480))
    let melody = try file.melody()
    #expect(melody.tempo == 120)
    #expect(melody.meter == Meter(3, 4))
    #expect(melody.key == Key(tonic: 7, mode: .major))
    #expect(melody.notes == [Note(pitch: Pitch(midi: 60), onset: 0, duration: 1, velocity: 100),
                             Note(pitch: Pitch(midi: 62), onset: 1, duration: QuarterLength(1, 2), velocity: 90),
                             Note(pitch: nil, onset: QuarterLength(3, 2), duration: QuarterLength(1, 2)),
                             Note(pitch: Pitch(midi: 64), onset: 2, duration: QuarterLength(3, 2), velocity: 80)])
}

@Test("MIDI melody extraction: the highest non-drum part, chords reduced to their top note, unknown chunks skipped")
func midiMelodyExtraction() throws {
    // Track 1: a bass line on channel 1. Track 2: melody with a chord on channel 2. Track 3: drums, high.
    let bass: [UInt8] = [0x00, 0x90, 36, 80, 0x8F, 0x00, 0x80, 36, 0, 0x00, 0xFF, 0x2F, 0x00]
    let melody: [UInt8] = [0x00, 0xFF, 0x03, 0x04] + Array("Lead".utf8) + [
        0x00, 0x91, 60, 80, 0x00, 0x91, 64, 80, 0x00, 0x91, 67, 80,  // chord C E G
        0x83, 0x60, 0x81, 60, 0, 0x00, 0x81, 64, 0, 0x00, 0x81, 67, 0,
        0x00, 0x91, 72, 80,  // C5 a half note …
        0x83, 0x60, 0x91, 65, 80,  // … under which F4 starts (left out)
        0x83, 0x60, 0x81, 72, 0, 0x00, 0x81, 65, 0,
        0x00, 0xFF, 0x2F, 0x00]
    let drums: [UInt8] = [0x00, 0x99, 81, 100, 0x60, 0x89, 81, 0, 0x00, 0xFF, 0x2F, 0x00]
    var bytes = smf(format: 1, tracks: [bass, melody, drums])
    bytes += Array("XFIH".utf8) + [0, 0, 0, 3, 1, 2, 3]  // an unknown chunk
    let file = try MIDIFile(bytes: bytes)
    let line = try file.melody()
    #expect(line.notes.map { $0.pitch?.midi } == [67, 72])
    #expect(line.notes.map(\.duration) == [1, 2])
    #expect(try file.melody(options: MIDIMelodyOptions(track: 0)).notes.map { $0.pitch?.midi } == [36])
    #expect(try file.melody(options: MIDIMelodyOptions(channel: 9)).notes.map { $0.pitch?.midi } == [81])
}

@Test("MIDI: SMPTE division is read as time at 120 quarters a minute; 4-byte lengths work")
func midiSMPTE() throws {
    // 25 frames/s × 40 ticks = 1000 ticks a second = 2 quarters a second.
    let track: [UInt8] = [0x00, 0x90, 69, 64, 0x87, 0x68, 0x80, 69, 0, 0x80, 0x80, 0x80, 0x00, 0xFF, 0x2F, 0x00]
    let file = try MIDIFile(bytes: smf(format: 0, division: [0xE7, 40], tracks: [track]))
    #expect(file.division == .smpte(framesPerSecond: 25, ticksPerFrame: 40))
    #expect(try file.melody().notes.first?.duration == 2)  // 1000 ticks = one second = 2 quarters
}

@Test("MIDI errors name the byte offset and the reason")
func midiErrors() {
    #expect(throws: MIDIError.malformed(file: "<midi>", offset: 0, reason: "not a Standard MIDI File (no MThd header)")) {
        try MIDIFile(bytes: Array("hello world, not midi".utf8))
    }
    var truncated = smf(format: 0, tracks: [[0x00, 0x90, 60, 64, 0x60, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00]])
    truncated.removeLast(3)
    #expect(throws: MIDIError.self) { try MIDIFile(bytes: truncated) }
    let noStatus = smf(format: 0, tracks: [[0x00, 60, 64]])
    #expect(throws: MIDIError.malformed(file: "<midi>", offset: 23, reason: "data byte 0x3c without a status")) {
        try MIDIFile(bytes: noStatus)
    }
}

@Test("melody → MIDI → melody is exact on the grid, with tempo, meter, key and title")
func midiRoundTrip() throws {
    var melody = Melody.sequence([(nil, QuarterLength(1, 2)), (67, QuarterLength(1, 2)), (72, QuarterLength(3, 2)),
                                  (71, QuarterLength(1, 3)), (69, QuarterLength(1, 3)), (67, QuarterLength(1, 3)),
                                  (nil, 1), (66, QuarterLength(1, 4)), (67, QuarterLength(11, 4))], tempo: 96)
    melody.title = "Round"
    melody.meter = Meter(6, 8)
    melody.key = Key(tonic: 4, mode: .minor)
    let back = try MIDIFile(bytes: MIDIWriter.write(melody)).melody()
    #expect(back.notes.map(\.pitch) == melody.notes.map(\.pitch))
    #expect(back.notes.map(\.onset) == melody.notes.map(\.onset))
    #expect(back.notes.map(\.duration) == melody.notes.map(\.duration))
    #expect(back.tempo == 96)
    #expect(back.meter == melody.meter)
    #expect(back.key == melody.key)
    #expect(back.title == "Round")
}

let midiSamples = packageRoot.appendingPathComponent("../shared/corpora/midi-samples").standardized

@Test("Every real MIDI sample is read, with the formats and divisions of its manifest",
      .enabled(if: FileManager.default.fileExists(atPath: midiSamples.path)))
func midiSamplesRead() throws {
    let manifest = try String(contentsOf: midiSamples.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
    var checked = 0
    for line in manifest.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        let file = try MIDIFile.read(contentsOf: midiSamples.appendingPathComponent(fields[0]))
        #expect(file.format == Int(fields[1]), "\(fields[0])")
        #expect(file.division == .ticksPerQuarter(Int(fields[3])!), "\(fields[0])")
        #expect(file.noteOnEventCount == Int(fields[6]), "\(fields[0]) note-ons")
        #expect(file.notes.count * 2 >= file.noteOnEventCount, "\(fields[0]) notes")
        #expect(file.tempos.count == Int(fields[5]), "\(fields[0]) tempi")
        #expect(try !file.melody().notes.isEmpty)
        checked += 1
    }
    #expect(checked == 22)
}
