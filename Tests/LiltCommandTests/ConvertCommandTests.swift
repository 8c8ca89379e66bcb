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
