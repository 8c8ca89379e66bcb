import Foundation
import Testing
@testable import LiltMusic

@Test("A JSON dump reads back to the same melodies: notes, rests, triplets, key, meter, tempo, title")
func jsonDumpRoundTrip() throws {
    var melody = Melody.sequence([(67, QuarterLength(1, 3)), (69, QuarterLength(1, 3)), (71, QuarterLength(1, 3)),
                                  (nil, 1), (72, QuarterLength(3, 2))], tempo: 96)
    melody.title = "Tune \"with\" quotes"
    melody.key = Key(tonic: 7, mode: .major)
    melody.meter = Meter(6, 8)
    let text = JSONDump.write([melody, Melody.sequence([(60, 4)])])
    let back = try JSONDump.read(Data(text.utf8), file: "dump.json")
    #expect(back.count == 2)
    #expect(back[0].notes == melody.notes)
    #expect(back[0].title == melody.title)
    #expect(back[0].key == melody.key)
    #expect(back[0].meter == melody.meter)
    #expect(back[0].tempo == 96)
    #expect(back[1].notes == [Note.note(60, at: 0, for: 4)])
}

@Test("A broken JSON dump names the file and what is wrong where")
func jsonDumpErrors() {
    #expect(throws: JSONDumpError.self) { try JSONDump.read(Data("{".utf8), file: "a.json") }
    do {
        _ = try JSONDump.read(Data(#"{"melodies":[{"notes":[{"pitch":60,"onset":0}]}]}"#.utf8), file: "b.json")
        Issue.record("a note without a duration was accepted")
    } catch {
        #expect(error.description.hasPrefix("b.json: missing \"duration\""))
    }
    do {
        _ = try JSONDump.read(Data(#"{"melodies":[{"notes":[{"pitch":300,"onset":0,"duration":1}]}]}"#.utf8),
                              file: "c.json")
        Issue.record("pitch 300 was accepted")
    } catch {
        #expect(error.description.contains("melody 1, note 1"))
    }
}
