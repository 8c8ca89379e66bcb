import Foundation
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The roll's pitch rows of a capture (lines that start with a note name), as one text.
private func rollText(_ screen: String) -> String {
    screen.split(separator: "\n").filter { line in
        guard let first = line.first else { return false }
        return "ABCDEFG".contains(first) && line.dropFirst().first.map { "#0123456789-".contains($0) } == true
    }.joined(separator: "\n")
}

@Test("studio with a small model under tmux: variations browse, the temperature slider regenerates, training shows its loss graph",
      .enabled(if: Tmux.isAvailable))
func studioWithModel() throws {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-studio-model-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: data) }
    let environment = ["XDG_DATA_HOME": data.appendingPathComponent("data").path,
                       "XDG_CACHE_HOME": data.appendingPathComponent("cache").path]
    // A Corpora folder with the samples only, so the default corpus is the small one even where the
    // large collections are installed.
    let corpora = data.appendingPathComponent("Corpora")
    try FileManager.default.createDirectory(at: corpora, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("Corpora/samples"),
                                     to: corpora.appendingPathComponent("samples"))
    let modelFolder = data.appendingPathComponent("model")
    let (status, output) = try runLilt(["train", "--default", "--corpora", corpora.path,
                                        "--layers", "1", "--hidden", "32", "--epochs", "2", "--out", modelFolder.path],
                                       environment: environment)
    #expect(status == 0, "\(output)")

    let command = "cd \(Tmux.quote(data.path)) && "
        + environment.map { "\($0.key)=\(Tmux.quote($0.value))" }.sorted().joined(separator: " ")
        + " \(Tmux.quote(liltExecutable().path)) studio --audio-driver none --model \(Tmux.quote(modelFolder.path)); "
        + "echo \"EXIT=$?\"; sleep 60"
    let tmux = try Tmux(command: command, width: 150, height: 40)
    try tmux.waitFor { $0.contains("model: model") }

    // No training runs: the training pane shows the loaded model's own history, from its metrics.csv.
    try tmux.send("T")
    let history = try tmux.waitFor { $0.contains("trained") && $0.contains("1×32 LSTM") }
    #expect(history.contains("epoch 2/2") && history.contains("best val"), "\(history)")
    #expect(history.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "its curves in braille dots: \(history)")
    #expect(!history.contains("No training running"))
    try tmux.send("T")

    try tmux.send("i")
    for key in ["z", "x", "c", "v"] { try tmux.send(key) }
    try tmux.send("Escape")
    try tmux.waitFor { $0.contains("4 notes") }

    // Variations: browse and see them differ.
    try tmux.send("g")
    let first = try tmux.waitFor { $0.contains("variation 1/4") }
    #expect(first.contains("variation 1/4"))
    try tmux.send("J")
    let second = try tmux.waitFor { $0.contains("variation 2/4") }
    #expect(rollText(first) != rollText(second), "two variations look the same")
    try tmux.send("Enter")
    try tmux.waitFor { $0.contains("kept variation 2") }

    // Continue, then move the temperature slider: the generated part changes at once.
    try tmux.send("Home")
    for _ in 0..<4 { try tmux.send("l") }   // a quarter note in: the seed is the first note
    try tmux.send("c")
    let continued = try tmux.waitFor { $0.contains("continued from bar") }
    for _ in 0..<16 { try tmux.send("}") }
    let hotter = try tmux.waitFor { $0.contains("regenerated from bar 1 at temperature 1.80") && !$0.contains("generating") }
    #expect(hotter.contains("regenerated from bar 1 at temperature 1.80"))
    #expect(rollText(hotter) != rollText(continued), "the temperature slider did not change the generated part")

    // Training: the loss graph appears and the epoch counter moves.
    try tmux.send("t")
    let training = try tmux.waitFor(timeout: 60) { $0.contains("epoch 1/") }
    #expect(training.contains("LSTM on samples"))
    let later = try tmux.waitFor(timeout: 90) { $0.contains("epoch 2/") && $0.contains("best val") }
    #expect(later.contains("epoch 2/"))
    #expect(later.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots of the loss graph")
    try tmux.send("t")
    try tmux.waitFor(timeout: 30) { $0.contains("paused") }

    // Another corpus and size: refused while training runs, taken once it has stopped.
    try tmux.sendLine(":train samples 1x16")
    try tmux.waitFor { $0.contains(":train stop first") }
    try tmux.sendLine(":train stop")
    try tmux.waitFor(timeout: 30) { $0.contains("training ended") }
    try tmux.sendLine(":corpora")
    try tmux.waitFor { $0.contains("corpora: samples (default)") }
    try tmux.sendLine(":train samples 1x16")
    let smaller = try tmux.waitFor(timeout: 60) { $0.contains("1×16 LSTM on samples") && $0.contains("epoch 1/") }
    #expect(smaller.contains("1×16 LSTM on samples"))
    try tmux.sendLine(":train stop")
    try tmux.waitFor(timeout: 30) { $0.contains("training ended") }
    #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("data/lilt/models/samples-1x16").path))

    try tmux.send("q")
    try tmux.waitFor { $0.contains("Quit without saving?") }
    try tmux.send("y")
    let done = try tmux.waitFor { $0.contains("EXIT=") }
    #expect(done.contains("EXIT=0"))
}
