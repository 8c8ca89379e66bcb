import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltStudio
import LiltTerminal
import Testing

/// A studio on a memory terminal with the silent output on a clock the test moves.
private func makeStudio(width: Int = 100, height: Int = 30, session: ComposingSession = ComposingSession())
    -> (StudioApp, MemoryTerminal, ManualPlaybackClock) {
    let terminal = MemoryTerminal(width: width, height: height)
    let clock = ManualPlaybackClock()
    let app = StudioApp(terminal: terminal, environment: StudioEnvironment(output: SilentOutput(clock: clock)),
                        session: session)
    return (app, terminal, clock)
}

typealias TKey = LiltTerminal.Key

/// Types each character of `text`.
func press(_ app: StudioApp, _ text: String) {
    for character in text { app.handle(.key(.character(character))) }
}

func press(_ app: StudioApp, _ keys: TKey...) {
    for key in keys { app.handle(.key(key)) }
}

@Test("play mode enters notes from the keyboard rows at the cursor, each advancing it")
func playModeEntersNotes() {
    let (app, terminal, _) = makeStudio()
    press(app, "i")
    press(app, "zxcq")
    press(app, .escape)
    let notes = app.state.session.notes
    #expect(notes.map(\.pitch) == [60, 62, 64, 72])
    #expect(notes.map(\.onset) == [0, 1, 2, 3].map { QuarterLength($0) })
    #expect(notes.allSatisfy { $0.origin == .edited && $0.duration == 1 })
    #expect(app.state.session.cursor == 4)
    #expect(app.state.mode == .normal)
    app.draw()
    let text = terminal.screen.text
    #expect(text.contains("NORMAL"))
    #expect(text.contains("4 notes"))
}

@Test("durations, dots, rests and octaves change what the piano enters")
func durationsAndRests() {
    let (app, _, _) = makeStudio()
    press(app, "4i")
    press(app, "z0")
    press(app, ".v")
    press(app, "<")
    press(app, "z")
    press(app, .escape)
    let notes = app.state.session.notes
    #expect(notes.map(\.pitch) == [60, 65, 48])
    #expect(notes.map(\.duration) == [QuarterLength(1, 2), QuarterLength(3, 4), QuarterLength(3, 4)])
    #expect(notes.map(\.onset) == [QuarterLength(0), QuarterLength(1), QuarterLength(7, 4)])
}

@Test("undo and redo step through every edit exactly")
func undoRedo() {
    let (app, _, _) = makeStudio()
    press(app, "izxc")
    press(app, .escape)
    let full = app.state.session
    press(app, "uu")
    #expect(app.state.session.notes.map(\.pitch) == [60])
    press(app, .control("r"), .control("y"))
    #expect(app.state.session == full)
    press(app, .control("z"), .control("z"), .control("z"))
    #expect(app.state.session.notes.isEmpty)
    #expect(!app.state.isModified)
}

@Test("the playhead moves while playing and the roll shows it")
func playheadMoves() throws {
    let (app, terminal, clock) = makeStudio()
    press(app, "izxcvbnm")
    press(app, .escape, .home, .character(" "))
    app.update()
    app.draw()
    #expect(app.state.playback.isPlaying)
    clock.advance(by: 1000)   // two quarter notes at 120
    app.update()
    app.draw()
    let position = try #require(app.state.playback.position)
    #expect(abs(position - 2) < 0.01)
    let ruler = terminal.screen.row(text: 1)
    let marker = try #require(ruler.unicodeScalars.firstIndex(of: "▼"))
    let column = ruler.unicodeScalars.distance(from: ruler.unicodeScalars.startIndex, to: marker)
    #expect(column == StudioLayout.gutter + 8 * app.state.zoom)
    press(app, .character(" "))
    app.update()
    #expect(!app.state.playback.isPlaying)
}

@Test("q asks before quitting with unsaved work; n keeps the studio open, y quits")
func quitAsks() {
    let (app, terminal, _) = makeStudio()
    press(app, "iz")
    press(app, .escape, .character("q"))
    #expect(app.state.mode == .confirm(.quitUnsaved))
    app.draw()
    #expect(terminal.screen.text.contains("Quit without saving? (y/n"))
    press(app, "n")
    #expect(app.exitCode == nil)
    press(app, "qy")
    #expect(app.exitCode == 0)
}

@Test("a clean session quits at once; SIGTERM ends with 128 + the signal")
func quitClean() {
    let (app, _, _) = makeStudio()
    press(app, "q")
    #expect(app.exitCode == 0)
    let (other, _, _) = makeStudio()
    other.handle(.terminate(signal: 15))
    #expect(other.exitCode == 143)
}

@Test("below 80×24 the studio shows a message, and draws again after growing")
func smallTerminal() {
    let (app, terminal, _) = makeStudio(width: 70, height: 20)
    app.draw()
    #expect(terminal.screen.text.contains("at least 80×24"))
    #expect(terminal.screen.text.contains("70×20"))
    terminal.resize(width: 120, height: 40)
    app.step(timeout: 0)
    app.draw()
    #expect(!terminal.screen.text.contains("at least 80×24"))
    #expect(terminal.screen.text.contains("NORMAL"))
    #expect(terminal.screen.width == 120)
}

@Test(": commands save, export and open; a broken file gives a message and the studio goes on")
func commandLine() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-studio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let (app, terminal, _) = makeStudio()
    press(app, "izxcv")
    press(app, .escape)
    press(app, ":export \(folder.path)/tune.mid")
    press(app, .enter)
    let read = try MusicFile.read(folder.appendingPathComponent("tune.mid"))
    #expect(read.first?.notes.compactMap { $0.pitch?.midi } == [60, 62, 64, 65])
    press(app, ":w \(folder.path)/tune")
    press(app, .enter)
    #expect(!app.state.isModified)
    #expect(app.state.file?.lastPathComponent == "tune.lilt")
    let saved = try SessionFile.load(folder.appendingPathComponent("tune.lilt"))
    #expect(saved == app.state.session)

    try Data("**kern\n*M4/4\n4c\n4d\n*-\n".utf8).write(to: folder.appendingPathComponent("small.krn"))
    press(app, ":open \(folder.path)/small.krn")
    press(app, .enter)
    #expect(app.state.session.notes.map(\.pitch) == [60, 62])
    #expect(app.state.session.notes.allSatisfy { $0.origin == .seed })

    try Data("garbage{".utf8).write(to: folder.appendingPathComponent("bad.lilt"))
    press(app, ":open \(folder.path)/bad.lilt")
    press(app, .enter)
    app.draw()
    #expect(app.state.message?.isError == true)
    #expect(terminal.screen.text.contains("bad.lilt"))
    #expect(app.state.session.notes.map(\.pitch) == [60, 62])
    press(app, ":frobnicate")
    press(app, .enter)
    #expect(app.state.message?.text.contains("unknown command") == true)
}

@Test(":train reads a corpus name and a size in either order; bad sizes and names are refused with the reason")
func trainCommandParsing() throws {
    #expect(try LineCommand.parse("train") == .train(.toggle))
    #expect(try LineCommand.parse("train resume") == .train(.toggle))
    #expect(try LineCommand.parse("train stop") == .train(.stop))
    #expect(try LineCommand.parse("train essen-abc 2x256") == .train(.start(corpus: "essen-abc", layers: 2, hidden: 256)))
    #expect(try LineCommand.parse("train 3X64 mine") == .train(.start(corpus: "mine", layers: 3, hidden: 64)))
    #expect(try LineCommand.parse("train 1x32") == .train(.start(corpus: nil, layers: 1, hidden: 32)))
    #expect(try LineCommand.parse("corpora") == .corpora)
    for bad in ["train 9x256", "train 2x4", "train a b", "train 2x32 1x16", "train ../x"] {
        #expect(throws: LineCommandError.self, "\(bad)") { try LineCommand.parse(bad) }
    }
    #expect { try LineCommand.parse("train 9x256") } throws: {
        ($0 as? LineCommandError)?.description == ":train size 9x256: 1-4 layers of 8-1024 units"
    }
}

@Test("sliders move with Tab and braces, and tempo applies to the player")
func sliders() {
    let (app, _, _) = makeStudio()
    press(app, "}}")
    #expect(abs(app.state.session.controls.temperature - 1.1) < 1e-9)
    press(app, .tab, .character("{"))
    #expect(app.state.session.controls.restBias == -0.5)
    press(app, "++")
    #expect(app.state.session.controls.tempo == 128)
}

private let soundFont = "/usr/share/sounds/sf2/FluidR3_GM.sf2"

@Test(":export x.wav renders in the background and says when it is done",
      .enabled(if: FileManager.default.fileExists(atPath: soundFont)))
func exportWAV() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-wav-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let terminal = MemoryTerminal(width: 100, height: 30)
    let app = StudioApp(terminal: terminal, environment: StudioEnvironment(
        output: SilentOutput(), soundFont: URL(fileURLWithPath: soundFont)))
    press(app, "izxcv")
    press(app, .escape)
    press(app, ":export \(folder.path)/tune.wav")
    press(app, .enter)
    #expect(app.state.message?.text.contains("rendering") == true)
    let deadline = Date().addingTimeInterval(30)
    while app.state.message?.text.contains("exported") != true, Date() < deadline {
        app.step(timeout: 0.05)
    }
    #expect(app.state.message?.text == "exported tune.wav")
    let data = try Data(contentsOf: folder.appendingPathComponent("tune.wav"))
    #expect(data.prefix(4) == Data("RIFF".utf8))
    // Four quarter notes at 120 bpm: two seconds of 16-bit stereo at 44.1 kHz, plus the release tail.
    #expect(data.count > 2 * 44_100 * 4)
}
