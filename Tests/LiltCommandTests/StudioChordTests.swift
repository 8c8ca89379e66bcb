import Foundation
import Testing

private let leadSheets = """
X:1
T:One
M:4/4
L:1/8
K:C
"C"c2 e2 g2 e2|"F"f2 a2 "G7"g2 f2|"C"e2 c2 "G7"d2 B,2|"C"C8|]

X:2
T:Two
M:4/4
L:1/8
K:C
"C"E2 G2 c2 G2|"F"A2 c2 "G"B2 d2|"C"c2 G2 "G7"F2 D2|"C"C8|]

X:3
T:Three
M:4/4
L:1/8
K:C
"C"G2 c2 e2 c2|"G7"d2 f2 "C"e2 c2|"F"A2 c2 "G7"B2 d2|"C"c8|]

"""

/// The chord lane's text on a capture (the line after the ruler, labelled "Chd").
private func chordLane(_ screen: String) -> String {
    screen.split(separator: "\n").first { $0.hasPrefix("Chd") }.map(String.init) ?? ""
}

@Test("studio with a lead-sheet model under tmux: chords entered, deleted and undone, harmonized around a locked bar, played, saved and exported with the melody",
      .enabled(if: Tmux.isAvailable))
func studioChords() throws {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-studio-chords-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: data) }
    let environment = ["XDG_DATA_HOME": data.appendingPathComponent("data").path,
                       "XDG_CACHE_HOME": data.appendingPathComponent("cache").path]
    let songs = data.appendingPathComponent("songs")
    try FileManager.default.createDirectory(at: songs, withIntermediateDirectories: true)
    try Data(leadSheets.utf8).write(to: songs.appendingPathComponent("three.abc"))
    #expect(try runLilt(["corpus", "import", songs.path, "--name", "lead"], environment: environment).status == 0)
    let model = data.appendingPathComponent("model")
    let train = try runLilt(["train", "--corpus", "lead", "--layers", "1", "--hidden", "16", "--epochs", "2", "--seq", "16",
                             "--batch", "2", "--out", model.path], environment: environment)
    #expect(train.status == 0, "\(train.output)")

    let command = "cd \(Tmux.quote(data.path)) && "
        + environment.map { "\($0.key)=\(Tmux.quote($0.value))" }.sorted().joined(separator: " ")
        + " \(Tmux.quote(liltExecutable().path)) studio --audio-driver none --model \(Tmux.quote(model.path)); "
        + "echo \"EXIT=$?\"; stty -a | tr '\\n' ' '; echo; echo END; sleep 60"
    let tmux = try Tmux(command: command, width: 120, height: 36)
    let empty = try tmux.waitFor { $0.contains("model: model") }
    #expect(chordLane(empty).contains("no chords"), "\(empty)")

    // Two bars of quarter notes: C E G E | C E G C.
    try tmux.send("i")
    for key in ["z", "c", "b", "c", "z", "c", "b", "z"] { try tmux.send(key) }
    try tmux.send("Escape")
    try tmux.waitFor { $0.contains("8 notes") }

    // A chart from the cursor's bar, then one chord typed at the cursor (C opens the line with :chord).
    try tmux.send("Home")
    try tmux.sendLine(":chord | F | G7 C |")
    let charted = try tmux.waitFor { $0.contains("3 chords over 2 bars from bar 1") }
    #expect(chordLane(charted).contains("F") && chordLane(charted).contains("G7"), "\(charted)")
    try tmux.send("C")
    try tmux.waitFor { $0.contains(":chord ") }
    try tmux.sendLine("Dm7")
    let typed = try tmux.waitFor { $0.contains("chord Dm7 at bar 1") }
    #expect(chordLane(typed).contains("Dm7") && !chordLane(typed).contains("F "), "\(chordLane(typed))")

    // X deletes the chord at the cursor; u brings it back.
    try tmux.send("X")
    let deleted = try tmux.waitFor { $0.contains("deleted Dm7") }
    #expect(!chordLane(deleted).contains("Dm7"))
    try tmux.send("u")
    let undone = try tmux.waitFor { chordLane($0).contains("Dm7") }
    #expect(chordLane(undone).contains("Dm7"))

    // Harmonize with bar 1 locked: bar 1 keeps Dm7, bar 2 gets the model's chords at half bars.
    try tmux.send("b")
    try tmux.waitFor { $0.contains("1*") }
    try tmux.send("H")
    let harmonized = try tmux.waitFor { $0.contains("harmonized:") && $0.contains("locked bars kept theirs") }
    #expect(chordLane(harmonized).contains("Dm7"), "\(chordLane(harmonized))")

    // Play to the end (the silent output keeps time), then save and export.
    try tmux.send("Space")
    try tmux.waitFor { $0.contains("▶") || $0.contains("playing") }
    try tmux.send("Escape")
    let session = data.appendingPathComponent("chords.lilt")
    try tmux.sendLine(":w \(session.path)")
    try tmux.waitFor { $0.contains("saved chords.lilt") }
    let midi = data.appendingPathComponent("chords.mid")
    try tmux.sendLine(":export \(midi.path)")
    try tmux.waitFor { $0.contains("exported chords.mid") }
    try tmux.sendLine(":q")
    try tmux.expectEnded(status: 0)

    // The session keeps the chords; the MIDI file reads back with them, bar 1's Dm7 first.
    let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: session)) as? [String: Any])
    let savedChords = try #require(saved["chords"] as? [[String: Any]])
    #expect(savedChords.count >= 2, "\(savedChords)")
    let json = data.appendingPathComponent("back.json")
    let converted = try runLilt(["convert", midi.path, json.path], environment: environment)
    #expect(converted.status == 0, "\(converted.output)")
    let dump = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
    let melody = try #require((dump["melodies"] as? [[String: Any]])?.first)
    let readBack = (melody["chords"] as? [[String: Any]]) ?? []
    // A file holds a chord until the next one, so equal neighbours read back as one.
    func merged(_ chords: [[String: Any]]) -> [String] {
        chords.compactMap { $0["symbol"] as? String }.reduce(into: []) { if $0.last != $1 { $0.append($1) } }
    }
    #expect(merged(readBack).first == "Dm7", "\(readBack)")
    #expect(merged(readBack) == merged(savedChords), "\(merged(readBack)) vs \(merged(savedChords))")
    #expect(((melody["notes"] as? [[String: Any]]) ?? []).filter { ($0["pitch"] as? Int) != nil }.count == 8)
}
