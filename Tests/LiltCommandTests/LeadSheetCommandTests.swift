import Foundation
import Testing

private let leadSheets = """
X:1
T:One
M:4/4
L:1/8
K:D
"D"d2 f2 a2 f2|"G"g2 b2 "A7"a2 g2|"D"f2 d2 "A7"e2 c2|"D"d8|]

X:2
T:Two
M:4/4
L:1/8
K:G
"G"G2 B2 d2 B2|"C"c2 e2 "D7"d2 c2|"G"B2 G2 "D7"A2 F2|"G"G8|]

X:3
T:Three
M:4/4
L:1/8
K:D
"D"f2 a2 f2 d2|"A7"e2 g2 "D"f2 d2|"G"B2 d2 "A7"c2 e2|"D"d8|]

"""

@Test("lilt on lead sheets: import, train, generate with chords, over given chords, harmonize, eval")
func leadSheetCommands() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-leadsheet-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let environment = ["XDG_CACHE_HOME": folder.appendingPathComponent("cache").path,
                       "XDG_DATA_HOME": folder.appendingPathComponent("data").path]
    let songs = folder.appendingPathComponent("songs")
    try FileManager.default.createDirectory(at: songs, withIntermediateDirectories: true)
    try Data(leadSheets.utf8).write(to: songs.appendingPathComponent("three.abc"))
    let imported = try runLilt(["corpus", "import", songs.path, "--name", "lead"], environment: environment)
    #expect(imported.status == 0 && imported.output.contains("stored 3 songs with chords (a lead-sheet corpus)"), "\(imported.output)")

    let model = folder.appendingPathComponent("model")
    let train = try runLilt(["train", "--corpus", "lead", "--layers", "1", "--hidden", "16", "--epochs", "2", "--seq", "16",
                             "--batch", "2", "--out", model.path], environment: environment)
    #expect(train.status == 0, "\(train.output)")

    // A time budget is used whole: neither the default 20 epochs nor early stopping end it.
    let timed = folder.appendingPathComponent("timed")
    let budget = try runLilt(["train", "--corpus", "lead", "--layers", "1", "--hidden", "8", "--seq", "16", "--batch", "2",
                              "--minutes", "0.05", "--out", timed.path], environment: environment)
    #expect(budget.status == 0, "\(budget.output)")
    let rows = try String(contentsOf: timed.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n").count - 1
    #expect(rows > 20, "\(rows) epochs in three seconds of a three-song corpus")

    let free = folder.appendingPathComponent("free.json")
    let generate = try runLilt(["generate", "--model", model.path, "--bars", "4", "--keep-going", "--out", free.path],
                               environment: environment)
    #expect(generate.status == 0 && generate.output.contains("64 generated steps"), "\(generate.output)")

    let over = folder.appendingPathComponent("over.json")
    let given = try runLilt(["generate", "--model", model.path, "--chords", "| D | G A7 | D |", "--variations", "2",
                             "--out", over.path], environment: environment)
    #expect(given.status == 0, "\(given.output)")
    let dump = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: over)) as? [String: Any])
    for take in try #require(dump["melodies"] as? [[String: Any]]) {
        let chords = try #require(take["chords"] as? [[String: Any]])
        #expect(chords.compactMap { $0["symbol"] as? String } == ["D", "G", "A7", "D"])
    }
    let bad = try runLilt(["generate", "--model", model.path, "--chords", "| D | G H7 | D |", "--out", over.path],
                          environment: environment)
    #expect(bad.status != 0 && bad.output.contains("--chords: bar 2, chord 2: 'H7' is not a chord symbol"), "\(bad.output)")

    let bare = folder.appendingPathComponent("bare.abc")
    try Data("X:1\nT:Bare\nM:4/4\nL:1/8\nK:D\nd2 f2 a2 f2|g2 b2 a2 g2|f2 d2 e2 c2|d8|]\n".utf8).write(to: bare)
    let harmonized = folder.appendingPathComponent("harmonized.abc")
    let harmonize = try runLilt(["harmonize", bare.path, "--model", model.path, "--changes", "half", "--out", harmonized.path],
                                environment: environment)
    #expect(harmonize.status == 0 && harmonize.output.contains("8 chords (half)"), "\(harmonize.output)")
    let written = try String(contentsOf: harmonized, encoding: .utf8)
    #expect(written.filter { $0 == "\"" }.count == 16, "\(written)")
    let midi = folder.appendingPathComponent("harmonized.mid")
    #expect(try runLilt(["harmonize", bare.path, "--model", model.path, "--out", midi.path], environment: environment).status == 0)

    let eval = try runLilt(["eval", "--model", model.path, "--generated", "2", "--bars", "2", "--harmonized", "1"],
                           environment: environment)
    #expect(eval.status == 0 && eval.output.contains("HMM baseline") && eval.output.contains("chords given"), "\(eval.output)")
    let toneRow = eval.output.split(separator: "\n").first { $0.hasPrefix("share") }.map(String.init) ?? ""
    let shares = toneRow.split(separator: " ").dropFirst().compactMap { Double($0) }
    #expect(eval.output.contains("chord tones on strong beats") && shares.count == 2
            && shares.allSatisfy { (0...1).contains($0) }, "\(eval.output)")
    let bench = try runLilt(["bench", "generate", "--model", model.path, "--repeats", "1"], environment: environment)
    #expect(bench.status == 0 && bench.output.contains("32-bar melody harmonized")
            && bench.output.contains("32-bar melody over given chords") && bench.output.contains("over given chords / drawn freely"),
            "\(bench.output)")
    let evalJSON = try runLilt(["eval", "--model", model.path, "--generated", "2", "--bars", "2", "--harmonized", "1",
                                "--chord-takes", "2", "--json"], environment: environment)
    let figures = try #require(try JSONSerialization.jsonObject(with: Data(evalJSON.output.utf8)) as? [String: Any])
    let harmony = try #require(figures["harmony"] as? [String: Any])
    #expect(harmony["chordToneTakes"] as? Int == 2)
    for key in ["generatedChordTones", "corpusChordTones"] {
        let tones = try #require(harmony[key] as? [String: Any], "\(key)")
        #expect((tones["share"] as? Double).map { (0...1).contains($0) } == true && (tones["beats"] as? Int ?? 0) > 0)
    }
}
