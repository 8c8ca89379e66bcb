import Foundation
import Testing

/// The studio in a tmux pane with the silent output and its own data folder; after it exits the shell prints
/// the exit code and the terminal modes.
private func studioCommand(_ arguments: String = "", data: URL) -> String {
    "cd \(Tmux.quote(data.path)) && XDG_DATA_HOME=\(Tmux.quote(data.path)) \(Tmux.quote(liltExecutable().path)) "
        + "studio --audio-driver none \(arguments); echo \"EXIT=$?\"; stty -a | tr '\\n' ' '; echo; echo END; sleep 60"
}

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-studio-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The pane's line that starts with `label` (a pitch row of the roll).
private func row(_ screen: String, _ label: String) -> String {
    screen.split(separator: "\n").first { $0.hasPrefix(label + " ") }.map(String.init) ?? ""
}

/// The playhead's column in the roll's ruler (the second line), if shown.
private func playheadColumn(_ screen: String) -> Int? {
    let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.count > 1 else { return nil }
    let ruler = Array(lines[1].unicodeScalars)
    return ruler.firstIndex(of: "▼")
}

@Test("studio under tmux: play-mode notes appear in the roll, the playhead moves, a MIDI export reads back, resize, quit",
      .enabled(if: Tmux.isAvailable))
func studioEndToEnd() throws {
    let data = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: data) }
    let tmux = try Tmux(command: studioCommand(data: data), width: 100, height: 30)
    let start = try tmux.waitFor { $0.contains("NORMAL") }
    #expect(start.contains("0 notes"))
    #expect(try tmux.value("#{alternate_on}") == "1")

    // Play mode: z x c v b = C D E F G from C4, quarter notes.
    try tmux.send("i")
    try tmux.waitFor { $0.contains("PLAY") }
    for key in ["z", "x", "c", "v", "b"] { try tmux.send(key) }
    try tmux.send("Escape")
    let entered = try tmux.waitFor { $0.contains("5 notes") && $0.contains("NORMAL") }
    #expect(entered.contains("5 notes, 2 bars"))
    #expect(row(entered, "C4").dropFirst(5).hasPrefix("███▊"))
    #expect(row(entered, "D4").dropFirst(9).hasPrefix("███▊"))
    #expect(row(entered, "G4").dropFirst(21).hasPrefix("███▊"))
    let coloured = try tmux.capture(escapes: true)
    #expect(coloured.contains("[32m███▊"), "hand-entered notes are green")

    // Play from the start: the playhead marker moves right along the ruler.
    try tmux.send("Home")
    try tmux.send("Space")
    let first = try tmux.waitFor { playheadColumn($0) != nil }
    let firstColumn = try #require(playheadColumn(first))
    let later = try tmux.waitFor(timeout: 5) { (playheadColumn($0) ?? 0) >= firstColumn + 3 }
    #expect((playheadColumn(later) ?? 0) >= firstColumn + 3, "the playhead stayed at \(firstColumn)")
    #expect(later.contains("▶"))
    try tmux.send("Space")

    // Export a MIDI file and read it back through lilt convert.
    let midi = data.appendingPathComponent("tune.mid").path
    try tmux.send(":export tune.mid", "Enter")
    try tmux.waitFor { $0.contains("exported tune.mid") }
    let json = data.appendingPathComponent("tune.json").path
    let (status, output) = try runLilt(["convert", midi, json])
    #expect(status == 0, "\(output)")
    let dump = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
    let notes = ((dump?["melodies"] as? [[String: Any]])?.first?["notes"] as? [[String: Any]]) ?? []
    #expect(notes.compactMap { $0["pitch"] as? Int } == [60, 62, 64, 65, 67])

    // Resize below 80×24 and back.
    try tmux.resize(width: 70, height: 20)
    let small = try tmux.waitFor { $0.contains("at least 80×24") }
    #expect(small.contains("70×20"))
    try tmux.resize(width: 120, height: 32)
    let large = try tmux.waitFor { $0.contains("NORMAL") }
    #expect(large.contains("5 notes"))

    // Quit asks first (unsaved work); n stays, then y quits and the terminal is restored.
    try tmux.send("q")
    try tmux.waitFor { $0.contains("Quit without saving?") }
    try tmux.send("n")
    try tmux.waitFor { !$0.contains("Quit without saving?") }
    try tmux.send("q")
    try tmux.waitFor { $0.contains("Quit without saving?") }
    try tmux.send("y")
    try tmux.expectEnded(status: 0)
    // A clean quit leaves no autosave to offer.
    #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("lilt/sessions/autosave.lilt").path))
}

@Test("kill -TERM restores the terminal, autosaves, and the next start offers the work back",
      .enabled(if: Tmux.isAvailable))
func studioTerminatedAndRecovered() throws {
    let data = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: data) }
    let tmux = try Tmux(command: studioCommand(data: data), width: 100, height: 30)
    try tmux.waitFor { $0.contains("NORMAL") }
    try tmux.send("i")
    for key in ["q", "w", "e"] { try tmux.send(key) }
    try tmux.send("Escape")
    try tmux.waitFor { $0.contains("3 notes") }

    let pid = try #require(try tmux.programPID())
    kill(pid, SIGTERM)
    try tmux.expectEnded(status: 143)
    #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("lilt/sessions/autosave.lilt").path))

    let again = try Tmux(command: studioCommand(data: data), width: 100, height: 30)
    let offer = try again.waitFor { $0.contains("Restore it?") }
    #expect(offer.contains("was not saved"))
    try again.send("y")
    // A capture can land in the middle of a frame being drawn: wait for the roll, not just the title.
    let restored = try again.waitFor { $0.contains("3 notes") && row($0, "C5").contains("███▊") }
    #expect(row(restored, "C5").contains("███▊"))
    try again.send(":w recovered", "Enter")
    try again.waitFor { $0.contains("saved recovered.lilt") }
    try again.send("q")
    let done = try again.waitFor { $0.contains("END") }
    #expect(done.contains("EXIT=0"))
    #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("recovered.lilt").path))
}
