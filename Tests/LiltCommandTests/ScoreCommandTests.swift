import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Test("lilt score scores every melody it can and names each one it cannot, with the reason")
func scoreSkipsWhatItCannotScore() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-score-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let environment = ["XDG_CACHE_HOME": folder.appendingPathComponent("cache").path,
                       "XDG_DATA_HOME": folder.appendingPathComponent("data").path]
    let samples = root.appendingPathComponent("Corpora/samples")
    #expect(try runLilt(["corpus", "import", samples.path, "--name", "samples"], environment: environment).status == 0)
    let model = folder.appendingPathComponent("model").path
    let train = try runLilt(["train", "--corpus", "samples", "--layers", "1", "--hidden", "8", "--epochs", "1",
                             "--seq", "16", "--batch", "8", "--out", model], environment: environment)
    try #require(train.status == 0, "\(train.output)")

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
    // 32 sixteenth steps, scored with the closing `/`: 33 tokens.
    let good = try write("good.abc", "X:1\nL:1/4\nK:C\nC D E F | G2 G2 |]\n")
    // The second tune's C5 lasts 5/4 of a quarter note, outside the acceptable durations.
    let two = try write("two.abc", "X:1\nL:1/4\nK:C\nE D C D | E2 E2 |]\n\nX:2\nL:1/16\nK:C\nC5 D3 E8 |]\n")
    let broken = try write("broken.abc", "X:1\nK:C\nC/0 D\n")
    let text = try write("notes.txt", "not music\n")

    let mixed = try runLilt(["score", "--model", model, good, two, broken, text], environment: environment)
    #expect(mixed.status == 0, "\(mixed.output)")
    let lines = mixed.output.split(separator: "\n").map(String.init)
    try #require(lines.count == 7, "\(mixed.output)")
    #expect(lines[0].hasPrefix("\(good): 33 tokens, cross-entropy "))
    #expect(lines[1].hasPrefix("\(two)#1: 33 tokens, cross-entropy "))
    #expect(lines[2] == "\(two)#2: not scored: cannot be encoded: a duration outside the acceptable set")
    #expect(lines[3] == "\(broken): not scored: \(broken):3: note length divided by zero")
    #expect(lines[4] == "\(text): not scored: \(text): unknown file type (use .krn, .abc, .mid, .musicxml or .json)")
    #expect(lines[5].hasPrefix("overall: 66 tokens, cross-entropy "))
    #expect(lines[6] == "2 scored, 3 not scored")
    #expect(!mixed.output.contains("seed"))

    let json = try runLilt(["score", "--model", model, "--json", good, broken], environment: environment)
    #expect(json.status == 0, "\(json.output)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    #expect((object["melodies"] as? [[String: Any]])?.map { $0["source"] as? String } == [good])
    let notScored = try #require(object["notScored"] as? [[String: String]])
    #expect(notScored == [["source": broken, "reason": "\(broken):3: note length divided by zero"]])

    let none = try runLilt(["score", "--model", model, broken, text], environment: environment)
    #expect(none.status == 1)
    #expect(none.output.contains("\(broken): not scored: "))
    #expect(none.output.contains("\(text): not scored: "))
    #expect(none.output.contains("0 scored, 2 not scored"))
    #expect(none.output.contains("no melody could be scored"))

    let tokens = try runLilt(["score", "--model", model, "--tokens", "/ 60 x"], environment: environment)
    #expect(tokens.status == 1)
    #expect(tokens.output.contains("tokens '/ 60 x': 'x' is not a token"))
    #expect(!tokens.output.contains("seed"))
}
