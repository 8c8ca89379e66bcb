import Foundation
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Test("lilt convert ABC → MIDI → kern → JSON keeps the notes; MusicXML is written; bad input fails with a message")
func convertChain() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-convert-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let abc = packageRoot.appendingPathComponent("Corpora/samples/greensleeves.abc").path
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    for (input, output) in [(abc, path("g.mid")), (path("g.mid"), path("g.krn")), (path("g.krn"), path("g.json")),
                            (abc, path("direct.json")), (abc, path("g.musicxml")), (path("g.krn"), path("g.abc"))] {
        let (status, text) = try runLilt(["convert", input, output])
        #expect(status == 0, "\(input) → \(output): \(text)")
    }
    func notes(_ file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (object["melodies"] as! [[String: Any]])[0]["notes"] as! [[String: Any]]
    }
    let direct = try notes(path("direct.json")), chained = try notes(path("g.json"))
    #expect(direct.count > 40)
    #expect(direct.map { $0["pitch"] as? Int } == chained.map { $0["pitch"] as? Int })
    #expect(direct.map { $0["onset"] as? Double } == chained.map { $0["onset"] as? Double })
    #expect(direct.map { $0["duration"] as? Double } == chained.map { $0["duration"] as? Double })
    let xml = try String(contentsOfFile: path("g.musicxml"), encoding: .utf8)
    #expect(xml.contains("<score-partwise version=\"4.0\">"))
    #expect(xml.contains("<work-title>Greensleeves</work-title>"))

    try Data("MThd\0\0\0\u{6}garbage".utf8).write(to: URL(fileURLWithPath: path("bad.mid")))
    let bad = try runLilt(["convert", path("bad.mid"), path("bad.json")])
    #expect(bad.status != 0)
    #expect(bad.output.contains("bad.mid"))
    let unknown = try runLilt(["convert", abc, path("x.wav")])
    #expect(unknown.status != 0)
    #expect(unknown.output.contains("unknown file type"))
}

@Test("lilt convert carries chord symbols: ABC → MIDI (its own program) → JSON; unreadable symbols are named")
func convertChords() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-chords-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    let tune = """
    X:1
    T:Lead sheet
    M:4/4
    L:1/4
    K:D
    "D"f a "A7/C#"g e |"Bm"d f "G"b g |"Q7"a f "A7"e c |"D"d4 |]

    """
    try Data(tune.utf8).write(to: URL(fileURLWithPath: path("lead.abc")))
    let toMIDI = try runLilt(["convert", path("lead.abc"), path("lead.mid"), "--chord-program", "1"])
    #expect(toMIDI.status == 0, "\(toMIDI.output)")
    #expect(toMIDI.output.contains("lead.abc:6: chord symbol \"Q7\" could not be read (left out)"))
    #expect(toMIDI.output.contains("1 melody, 13 events, 6 chords"))
    let midi = try Data(contentsOf: URL(fileURLWithPath: path("lead.mid")))
    #expect(midi.count > 0 && Array(midi).indices.contains { Array(midi)[$0...].starts(with: [0x00, 0xC1, 0x00]) })
    let toJSON = try runLilt(["convert", path("lead.mid"), path("lead.json")])
    #expect(toJSON.status == 0, "\(toJSON.output)")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("lead.json")))) as! [String: Any]
    let chords = (object["melodies"] as! [[String: Any]])[0]["chords"] as! [[String: Any]]
    #expect(chords.map { $0["symbol"] as? String } == ["D", "A7/C#", "Bm", "G", "A7", "D"])
    #expect(chords.map { $0["onset"] as? Double } == [0, 2, 4, 6, 10, 12])
    let bad = try runLilt(["convert", path("lead.abc"), path("x.mid"), "--chord-program", "kazoo"])
    #expect(bad.status != 0)
    #expect(bad.output.contains("--chord-program"))
}
