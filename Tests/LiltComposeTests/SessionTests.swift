import Foundation
import LiltCompose
import LiltMusic
import Testing

/// A session with every part filled: seed, generated and edited notes, locks, a take, controls.
private func fullSession() -> ComposingSession {
    var session = ComposingSession(title: "Test reel", meter: Meter(6, 8), key: Key(tonic: 7, mode: .major))
    session.insert(SessionNote(pitch: 67, onset: 0, duration: QuarterLength(1, 2), origin: .seed))
    session.insert(SessionNote(pitch: 71, onset: QuarterLength(1, 2), duration: QuarterLength(1, 2), origin: .seed))
    session.insert(SessionNote(pitch: 74, onset: 1, duration: QuarterLength(3, 2), origin: .generated, probability: 0.8125))
    session.insert(SessionNote(pitch: 72, onset: QuarterLength(5, 2), duration: QuarterLength(1, 3), origin: .generated,
                               probability: 0.1))
    session.insert(SessionNote(pitch: 60, onset: 4, duration: QuarterLength(1, 4), origin: .edited))
    session.toggleLock(bar: 1)
    session.cursor = QuarterLength(11, 4)
    session.cursorPitch = 70
    session.controls = SessionControls(temperature: 0.85, restBias: -1.5, holdBias: 0.5, tempo: 104, program: GMProgram(gmNumber: 74)!,
                                       bars: 16, variations: 6, randomSeed: 0xFFFF_FFFF_FFFF_FFC5)
    session.takes = [SessionTake(name: "take 1", notes: Array(session.notes.suffix(2)),
                                 provenance: #"{"model":"/models/folk.safetensors","modelHash":"9f3a","randomSeed":18446744073709551557}"#)]
    session.keptTake = 0
    session.model = "folk.safetensors"
    session.corpus = "essen"
    return session
}

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-session-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Test("save → load → save gives the same bytes, and load gives the same session")
func saveLoadSave() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("reel.lilt")
    let session = fullSession()
    try SessionFile.save(session, to: url)
    let first = try Data(contentsOf: url)
    let loaded = try SessionFile.load(url)
    #expect(loaded == session)
    try SessionFile.save(loaded, to: url)
    #expect(try Data(contentsOf: url) == first)
    #expect(String(decoding: first, as: UTF8.self).contains("\"origin\" : \"generated\""))
}

@Test("the melody fills gaps with rests and keeps onsets and durations")
func melodyOfSession() {
    let melody = fullSession().melody
    #expect(melody.notes.count == 6)
    let pitched = melody.notes.compactMap { $0.pitch?.midi }
    #expect(pitched == [67, 71, 74, 72, 60])
    let rests = melody.notes.filter(\.isRest)
    #expect(rests.map(\.onset) == [QuarterLength(17, 6)])
    #expect(rests.map(\.duration) == [QuarterLength(7, 6)])
    #expect(melody.tempo == 104)
}

@Test("undo after a generation restores the melody exactly; redo brings the generation back")
func undoGeneration() {
    var session = fullSession()
    var history = EditHistory()
    let before = session
    let generated = (0..<12).map { index in
        SessionNote(pitch: 60 + index % 7, onset: QuarterLength(index, 2) + 1, duration: QuarterLength(1, 2),
                    origin: .generated, probability: Double(index) / 12)
    }
    history.edit(&session, "continue") { $0.replace(from: 1, with: generated) }
    #expect(session != before)
    // Bar 1 (quarter notes 3–6 in 6/8) is locked: the edited C4 at 4 stays, no generated note lands there.
    #expect(session.notes.contains { $0.pitch == 60 && $0.onset == 4 && $0.origin == .edited })
    #expect(!session.notes.contains { $0.origin == .generated && $0.onset >= 3 && $0.onset < 6 })
    let generatedState = session
    #expect(history.undo(&session) == "continue")
    #expect(session == before)
    #expect(history.redo(&session) == "continue")
    #expect(session == generatedState)
}

@Test("inserting a note cuts what it overlaps; the melody stays monophonic")
func insertCuts() {
    var session = ComposingSession()
    session.insert(SessionNote(pitch: 60, onset: 0, duration: 4, origin: .edited))
    session.insert(SessionNote(pitch: 62, onset: 1, duration: 1, origin: .edited))
    #expect(session.notes.map(\.pitch) == [60, 62, 60])
    #expect(session.notes.map(\.onset) == [0, 1, 2])
    #expect(session.notes.map(\.duration) == [1, 1, 2])
}

@Test("a broken session file names the file and the place")
func brokenFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("bad.lilt")
    var text = String(decoding: SessionFile.encode(fullSession()), as: UTF8.self)
    text = text.replacingOccurrences(of: "\"pitch\" : 74", with: "\"pitch\" : \"high\"")
    try Data(text.utf8).write(to: url)
    #expect {
        try SessionFile.load(url)
    } throws: { error in
        let message = "\(error)"
        return message.contains("bad.lilt") && message.contains("notes[2].pitch")
    }
    let truncated = SessionFile.encode(fullSession()).prefix(100)
    try Data(truncated).write(to: url)
    #expect(throws: SessionError.self) { try SessionFile.load(url) }
}

@Test("a writer killed mid-save never leaves a truncated session file behind")
func killDuringSave() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("big.lilt")
    // Two large sessions (a few MB each, mostly a long title), so each save takes long enough to be killed
    // in the middle.
    var small = ComposingSession(title: String(repeating: "a reel in G ", count: 250_000))
    var large = ComposingSession(title: String(repeating: "a jig in D ", count: 300_000))
    for index in 0..<400 {
        small.insert(SessionNote(pitch: 60 + index % 12, onset: QuarterLength(index, 2), duration: QuarterLength(1, 2),
                                 origin: .generated, probability: Double(index % 97) / 97))
        large.insert(SessionNote(pitch: 50 + index % 24, onset: QuarterLength(index, 4), duration: QuarterLength(1, 4),
                                 origin: .edited))
    }
    let versions = [SessionFile.encode(small), SessionFile.encode(large)]
    try SessionFile.save(small, to: url)

    for round in 0..<6 {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let pid = fork()
        if pid == 0 {
            // The child saves the two versions in turn, forever, writing a byte after each save.
            close(fds[0])
            var turn = 0
            while true {
                try? AtomicFile.write(versions[turn % 2], to: url)
                var byte: UInt8 = 1
                _ = write(fds[1], &byte, 1)
                turn += 1
            }
        }
        close(fds[1])
        // Wait (at most 20 s) for a couple of completed saves, then kill the writer at a moment that varies
        // by round.
        var byte: UInt8 = 0
        var saves = 0
        var descriptor = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        while saves < 2, poll(&descriptor, 1, 20_000) > 0, read(fds[0], &byte, 1) == 1 { saves += 1 }
        #expect(saves == 2, "round \(round): the writer did not get going")
        usleep(UInt32(1_000 + round * 1_700))
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(fds[0])
        let data = try Data(contentsOf: url)
        #expect(versions.contains(data), "round \(round): the file holds \(data.count) bytes, neither version")
        #expect((try? SessionFile.load(url)) != nil)
    }
    // The next save removes the temporary files the killed writers left.
    try SessionFile.save(small, to: url)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "big.lilt" }
    #expect(leftovers.isEmpty, "left behind: \(leftovers)")
}

@Test("autosave keeps the session and its file name until discarded")
func autosave() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let autosave = Autosave(url: folder.appendingPathComponent("sessions/autosave.lilt"))
    #expect(autosave.recover() == nil)
    try autosave.save(fullSession(), file: URL(fileURLWithPath: "/home/someone/reel.lilt"))
    let recovered = try #require(autosave.recover())
    #expect(recovered.session == fullSession())
    #expect(recovered.file?.path == "/home/someone/reel.lilt")
    autosave.discard()
    #expect(autosave.recover() == nil)
}

@Test("a session's volume is saved and read back; a file without one plays at 0 dB")
func sessionVolume() throws {
    var session = ComposingSession()
    session.controls.volume = -6
    let data = SessionFile.encode(session)
    #expect(try SessionFile.decode(data, file: "loud.lilt").controls.volume == -6)
    session.controls.volume = 0
    let plain = SessionFile.encode(session)
    #expect(!String(decoding: plain, as: UTF8.self).contains("volume"))
    #expect(try SessionFile.decode(plain, file: "plain.lilt").controls.volume == 0)
}
