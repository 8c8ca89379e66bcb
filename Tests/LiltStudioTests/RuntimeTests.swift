import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
@testable import LiltStudio
import LiltTerminal
import Testing

@Test("a typed note is auditioned on the silent output at once and released after its length")
func auditionOnSilentOutput() {
    let studio = TestStudio()
    studio.press("iz")
    #expect(studio.output.sounded.map(\.event) == [.noteOn(key: 60, velocity: 90)])
    #expect(studio.output.sounded.first?.time == 0)
    studio.advance(by: 490)
    #expect(studio.output.sounded.count == 1)
    studio.advance(by: 20)
    #expect(studio.output.sounded.map(\.event) == [.noteOn(key: 60, velocity: 90), .noteOff(key: 60)])
    #expect(studio.output.sounded.last?.time == 500, "a quarter note at 120 bpm")
}

@Test("the playhead moves while playing, the roll shows it, and the notes reach the output on time")
func playheadMoves() throws {
    let studio = TestStudio()
    studio.press("izxcvbnm")
    studio.press(.escape, .home, .character(" "))
    #expect(studio.state.playback.isPlaying)
    studio.advance(by: 1000)   // two quarter notes at 120
    let position = try #require(studio.state.playback.position)
    #expect(abs(position - 2) < 0.01)
    let ruler = studio.screen.row(text: 1)
    let marker = try #require(ruler.unicodeScalars.firstIndex(of: "▼"))
    #expect(ruler.unicodeScalars.distance(from: ruler.unicodeScalars.startIndex, to: marker) == StudioLayout.gutter + 8)
    let onsets = studio.output.played.filter(\.event.isNoteOn)
    #expect(onsets.map(\.event.key) == [60, 62, 64])
    #expect(onsets.map(\.time) == [0, 500, 1000])
    studio.press(" ")
    #expect(!studio.state.playback.isPlaying && studio.state.playback.isPaused)
}

@Test("live mode plays through the one player: the seed, then the model's notes appended to it, kept as a take when stopped")
func liveModeSharesThePlayer() throws {
    let studio = TestStudio(model: try tinyModelFile())
    #expect(studio.state.modelName == "tiny.safetensors")
    studio.press("izxcv")
    studio.press(.escape)
    studio.command("tempo 240")
    let before = studio.state.session
    studio.press("m")
    let live = try #require(studio.runtime.live)
    #expect(live.player === studio.runtime.player, "one player for playback and live mode")
    #expect(studio.state.playback.isPlaying)
    studio.press("+")
    #expect(studio.runtime.player.status.tempo == 244, "the tempo key reaches the player that sounds")
    studio.advance(by: 3000)
    #expect(studio.state.liveNotes.count >= 4)
    #expect(studio.state.liveNotes.allSatisfy { $0.onset >= 4 && $0.origin == .generated && ($0.probability ?? 0) > 0 })
    // The live notes sounded on the output through the player.
    let first = try #require(studio.state.liveNotes.first)
    #expect(studio.output.played.contains { $0.event.isNoteOn && $0.event.key == first.pitch && $0.time >= 900 })
    studio.press("m")
    #expect(studio.runtime.live == nil && !studio.state.isLive)
    #expect(!studio.state.playback.isPlaying, "stopping live mode stops the sound; it does not start the melody")
    #expect(studio.state.session.notes.prefix(4) == before.notes.prefix(4))
    #expect(studio.state.session.notes.count > before.notes.count)
    // The kept take's provenance regenerates it: the same notes after the seed.
    let take = try #require(studio.state.session.takes.last)
    let provenance = try JSONDecoder().decode(TakeProvenance.self, from: Data(take.provenance.utf8))
    let again = try Composer.regenerate(provenance, model: tinyModel())
    let kept = studio.state.session.notes.dropFirst(4)
    #expect(again.melody.notes.filter { !$0.isRest && $0.onset >= 4 }.map { [$0.pitch!.midi, $0.onset, $0.duration] as [AnyHashable] }
            == kept.map { [$0.pitch, $0.onset, $0.duration] as [AnyHashable] })
    // Space plays the melody again from the cursor: the player leaves live mode's endless part behind.
    studio.press(.home, .character(" "))
    studio.advance(by: 5000)
    #expect(studio.runtime.player.status.state == .finished)
}

@Test("a continuation still being written when the user edits is dropped when it comes back: the edit stays")
func staleGenerationThroughTheRuntime() throws {
    let work = ManualWork()
    let studio = TestStudio(model: try tinyModelFile(), background: .manual(work))
    work.runAll()   // the model loads
    studio.runtime.poll()
    #expect(studio.state.model != nil)
    studio.press("izx")
    studio.press(.escape)
    studio.press("c")
    #expect(work.pending == 1 && studio.state.isGenerating)
    studio.press("ic")   // E4, typed while the model writes
    studio.press(.escape)
    let edited = studio.state.session
    work.runAll()
    studio.runtime.poll()
    #expect(!studio.state.isGenerating)
    #expect(studio.state.session == edited)
    #expect(studio.state.session.notes.map(\.pitch) == [60, 62, 64])
    #expect(studio.state.message?.text.contains("dropped") == true)
    // Asked again on the new melody, it is applied.
    studio.press("c")
    work.runAll()
    studio.runtime.poll()
    #expect(studio.state.session.notes.count > 3)
    #expect(studio.state.session.notes.dropFirst(3).allSatisfy { $0.origin == .generated && $0.onset >= 3 })
}

@Test("c with a real model: generated notes carry the model's probability of their onset, kept through save and load")
func generatedProbabilities() throws {
    let url = try tinyModelFile()
    let studio = TestStudio(model: url)
    studio.press("izxcv")
    studio.press(.escape)
    studio.press("c")
    let generated = studio.state.session.notes.filter { $0.origin == .generated }
    #expect(generated.count >= 3)
    let model = try MusicModel.load(from: url)
    let take = try #require(studio.state.session.takes.last)
    let provenance = try JSONDecoder().decode(TakeProvenance.self, from: Data(take.provenance.utf8))
    let again = try Composer.regenerate(provenance, model: model)
    let indices = try #require(model.vocabulary.indices(of: again.tokens))
    let scores = Scoring.logProbabilities(song: indices, model: model)
    for note in generated {
        let step = (note.onset / model.encoding.step).numerator
        #expect(abs(try #require(note.probability) - exp(scores[step])) < 1e-4, "note at \(note.onset)")
    }
    let bytes = SessionFile.encode(studio.state.session)
    #expect(SessionFile.encode(try SessionFile.decode(bytes, file: "test.lilt")) == bytes)
}

@Test("after g the roll scrolls so that the written notes and the cursor are all in view")
func generationRevealsItsNotes() throws {
    let studio = TestStudio(height: 50, model: try tinyModelFile())
    let rows = StudioLayout(size: TerminalSize(width: 100, height: 50)).grid.height
    studio.press(String(repeating: "j", count: rows))
    studio.press(String(repeating: "k", count: rows))
    let cursor = studio.state.session.cursorPitch
    #expect(studio.state.topPitch == cursor + 2)
    studio.press("g")
    let pitches = studio.state.variations.joined().map(\.pitch)
    #expect(pitches.contains { $0 > cursor + 2 }, "some notes were written above the view")
    let shown = (studio.state.topPitch - rows + 1)...studio.state.topPitch
    #expect(pitches.filter { !shown.contains($0) } == [])
    #expect(shown.contains(cursor))
}

@Test("p with a real model: odds at the cursor in the status line; where the model knows no notes, why, once")
func predictionsThroughTheRuntime() throws {
    let studio = TestStudio(model: try tinyModelFile())
    studio.press("izxc")
    studio.press(.escape)
    studio.press("p")
    let odds = try #require(studio.state.prediction)
    #expect(odds.position == 3)
    #expect(abs(odds.prediction.notes.values.reduce(0, +) + odds.prediction.hold + odds.prediction.rest
                + odds.prediction.end - 1) < 1e-9)
    let status = (0..<30).map { studio.screen.row(text: $0) }.first { $0.contains(" NORMAL ") }
    #expect(status?.contains("odds ") == true)
    studio.press("i>>zx")   // C6 D6: above the model's notes
    #expect(studio.state.message?.text.hasPrefix("no odds here") == true)
    #expect(studio.state.predictions.asked == nil, "answered: not asked again")
    studio.press(.escape)
}

@Test(": commands save, export and open real files; a broken file gives a message and the studio goes on")
func filesThroughTheRuntime() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let studio = TestStudio { $0.workingDirectory = folder }
    studio.press("izxcv")
    studio.press(.escape)
    studio.command("export tune.mid")
    #expect(try MusicFile.read(folder.appendingPathComponent("tune.mid")).first?.notes.compactMap { $0.pitch?.midi }
            == [60, 62, 64, 65])
    studio.command("w tune")
    #expect(!studio.state.isModified)
    #expect(try SessionFile.load(folder.appendingPathComponent("tune.lilt")) == studio.state.session)

    try Data("**kern\n*M4/4\n4c\n4d\n*-\n".utf8).write(to: folder.appendingPathComponent("small.krn"))
    studio.command("open small.krn")
    #expect(studio.state.session.notes.map(\.pitch) == [60, 62])
    #expect(studio.state.session.notes.allSatisfy { $0.origin == .seed })
    try Data("garbage{".utf8).write(to: folder.appendingPathComponent("bad.lilt"))
    studio.command("open bad.lilt")
    #expect(studio.state.message?.isError == true)
    #expect(studio.screen.text.contains("bad.lilt"))
    #expect(studio.state.session.notes.map(\.pitch) == [60, 62])
}

private let soundFont = "/usr/share/sounds/sf2/FluidR3_GM.sf2"

@Test(":export x.wav renders with the SoundFont and says when it is done",
      .enabled(if: FileManager.default.fileExists(atPath: soundFont)))
func exportWAV() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let studio = TestStudio {
        $0.workingDirectory = folder
        $0.soundFont = URL(fileURLWithPath: soundFont)
    }
    studio.press("izxcv")
    studio.press(.escape)
    studio.command("export tune.wav")
    #expect(studio.state.message?.text == "exported tune.wav")
    let data = try Data(contentsOf: folder.appendingPathComponent("tune.wav"))
    #expect(data.prefix(4) == Data("RIFF".utf8))
    // Four quarter notes at 120 bpm: two seconds of 16-bit stereo at 44.1 kHz, plus the release tail.
    #expect(data.count > 2 * 44_100 * 4)
}

@Test("edits autosave after a quiet moment on the runtime's clock; a terminated studio keeps the work, a clean quit drops it")
func autosaveOnTheClock() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let autosave = Autosave(url: folder.appendingPathComponent("autosave.lilt"))
    let studio = TestStudio { $0.autosave = autosave }
    studio.press("iz")
    studio.advance(by: 1900)
    #expect(autosave.recover() == nil)
    studio.advance(by: 200)
    #expect(autosave.recover()?.session.notes.map(\.pitch) == [60])
    studio.runtime.handle(.terminate(signal: 15))
    #expect(studio.runtime.exitCode == 143)

    let again = TestStudio { $0.autosave = autosave }
    #expect(again.state.mode == .confirm(.restoreAutosave(again.state.pendingRecovery?.saved ?? "")))
    again.press("y")
    #expect(again.state.session.notes.map(\.pitch) == [60])
    again.press("q")
    again.press("y")
    #expect(again.runtime.exitCode == 0 && autosave.recover() == nil)
}

@Test("below 80×24 the studio shows a message, and draws again after growing")
func smallTerminal() {
    let studio = TestStudio(width: 70, height: 20)
    #expect(studio.screen.text.contains("at least 80×24"))
    #expect(studio.screen.text.contains("70×20"))
    studio.terminal.resize(width: 120, height: 40)
    studio.runtime.step(timeout: 0)
    #expect(!studio.screen.text.contains("at least 80×24"))
    #expect(studio.screen.text.contains("NORMAL"))
    #expect(studio.state.screen == TerminalSize(width: 120, height: 40))
}
