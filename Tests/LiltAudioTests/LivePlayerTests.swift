import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

/// Moves a manual clock forward in 5 ms steps, running the player's scheduling pass at each step, the way
/// its real-time thread would.
func advance(_ player: LivePlayer, _ clock: ManualPlaybackClock, by milliseconds: Double) {
    var left = milliseconds
    while left > 0 {
        let step = min(5, left)
        clock.advance(by: step)
        player.pump()
        left -= step
    }
}

/// Note-ons as (time ms, key), in order.
func noteOns(_ output: SilentOutput) -> [(time: Double, key: Int)] {
    output.played.compactMap { $0.event.isNoteOn ? ($0.time, $0.event.key) : nil }
}

@Test("Notes are queued at their exact times, ahead of the playhead, with note-offs at their ends")
func playsAtScheduledTimes() {
    let clock = ManualPlaybackClock(milliseconds: 1000)
    let output = SilentOutput(clock: clock)
    let melody = Melody.sequence([(60, 1), (nil, 1), (64, 2)], tempo: 120)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual)
    player.play()
    player.pump()
    #expect(player.state == .playing)
    advance(player, clock, by: 1700)
    let ons = noteOns(output)
    #expect(ons.map(\.key) == [60, 64])
    #expect(ons.map(\.time) == [1000, 2000])
    let offs = output.played.filter { !$0.event.isNoteOn }
    #expect(offs.map(\.time) == [1500])
    #expect(abs(player.position - 3.4) < 0.001)
    advance(player, clock, by: 400)
    #expect(player.state == .finished)
    #expect(player.position == 4)
    #expect(output.events.filter { !$0.event.isNoteOn }.map(\.time) == [1500, 3000])
}

@Test("Changing the tempo while playing retimes the rest, including the note sounding now")
func tempoChangeWhilePlaying() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let melody = Melody.sequence([(60, 1), (62, 1), (64, 1), (65, 1)], tempo: 120)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual, lookahead: 300)
    player.play()
    advance(player, clock, by: 750)           // halfway through the second note (62: 500–1000 ms)
    try player.setTempo(60)                    // one quarter per second from here
    player.pump()
    advance(player, clock, by: 3000)
    let ons = noteOns(output)
    #expect(ons.map(\.key) == [60, 62, 64, 65])
    // 62 has half a quarter left at 750 ms: it now ends at 1250; 64 starts there, 65 one second later.
    #expect(ons.map(\.time) == [0, 500, 1250, 2250])
    let offs = output.events.filter { !$0.event.isNoteOn }
    #expect(offs.first { $0.event.key == 62 }?.time == 1250)
    #expect(offs.first { $0.event.key == 65 }?.time == 3250)
    #expect(player.status.tempo == 60)
}

@Test("Notes appended while playing sound at their onsets, also inside the stretch already queued")
func appendWhilePlaying() {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let player = LivePlayer(output: output, melody: Melody.sequence([(60, 1)], tempo: 120), pacing: .manual,
                            lookahead: 400, stopsAtEnd: false)
    player.play()
    advance(player, clock, by: 300)
    player.append([.note(67, at: 1, for: 1), .note(69, at: QuarterLength(3, 2), for: QuarterLength(1, 2))])
    advance(player, clock, by: 500)
    player.append([.note(72, at: 4, for: 1)])
    advance(player, clock, by: 1500)
    #expect(noteOns(output).map(\.key) == [60, 67, 69, 72])
    #expect(noteOns(output).map(\.time) == [0, 500, 750, 2000])
    #expect(player.state == .playing)
}

@Test("Pause holds the playhead and silences; play resumes from it; seek jumps; stop returns to the start")
func pauseSeekStop() {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let melody = Melody.sequence([(60, 1), (62, 1), (64, 1), (65, 1)], tempo: 60)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual)
    player.play()
    advance(player, clock, by: 1500)
    player.pause()
    player.pump()
    #expect(player.state == .paused)
    #expect(abs(player.position - 1.5) < 0.001)
    // 62 was sounding: released at the pause; nothing queued beyond it survives.
    #expect(output.events.first { !$0.event.isNoteOn && $0.event.key == 62 }?.time == 1500)
    advance(player, clock, by: 2000)
    #expect(abs(player.position - 1.5) < 0.001)
    #expect(noteOns(output).map(\.key) == [60, 62])
    player.play()
    advance(player, clock, by: 600)           // resumes at 3500 ms from 1.5: 64 at 2.0 → 4000 ms
    #expect(noteOns(output).last?.key == 64)
    #expect(noteOns(output).last?.time == 4000)
    player.seek(to: 0)
    advance(player, clock, by: 10)
    #expect(noteOns(output).last?.key == 60)
    #expect(player.position < 0.02)
    player.stop()
    player.pump()
    #expect(player.state == .stopped)
    #expect(player.position == 0)
}

@Test("A loop range repeats, cutting notes at its end, until the loop is cleared")
func loopRange() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let melody = Melody.sequence([(60, 1), (62, 1), (64, 1), (65, 1)], tempo: 60)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual)
    try player.setLoop(1..<3)
    player.play()
    advance(player, clock, by: 6900)           // 0–1 s: 60; then 62 64 62 64 62 64 (two seconds a pass)
    #expect(noteOns(output).map(\.key) == [60, 62, 64, 62, 64, 62, 64])
    #expect(noteOns(output).map(\.time) == [0, 1000, 2000, 3000, 4000, 5000, 6000])
    #expect(abs(player.position - 2.9) < 0.01)
    try player.setLoop(nil)
    advance(player, clock, by: 1500)           // on to 65 at position 3
    #expect(noteOns(output).last?.key == 65)
    #expect(throws: AudioError.self) { try player.setLoop(2..<2) }
}

@Test("Panic silences at once from any thread")
func panicSilences() {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let player = LivePlayer(output: output, melody: Melody.sequence([(60, 4)]), pacing: .manual)
    player.play()
    advance(player, clock, by: 100)
    player.panic()
    #expect(output.silencedAt == [100])
}

@Test("Live playback through the file driver sounds the same notes at the same times as the offline render",
      .enabled(if: hasFluidR3))
func liveMatchesOffline() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raw = folder.appendingPathComponent("live.raw")
    let melody = Melody.sequence([(72, 1), (72, 1), (79, 1), (nil, 1), (81, QuarterLength(1, 2)),
                                  (79, QuarterLength(1, 2)), (77, 1)], tempo: 150)
    let offline = try OfflineRenderer(soundFont: fluidR3, settings: dryPiano).render(melody)
    let offlineReport = RenderExpectation(melody: melody, tempo: 150).check(offline)
    #expect(offlineReport.problems.isEmpty, "\(offlineReport.problems)")

    let origin = try playLive(melody, into: raw)
    let origin_ = try #require(origin)

    let live = try rawAudio(raw)
    let liveReport = RenderExpectation(melody: melody, tempo: 150, offset: origin_ / 1000).check(live)
    #expect(liveReport.problems.isEmpty, "\(liveReport.problems)")
    let offsetOnsets = offlineReport.detectedOnsets.map { $0 + origin_ / 1000 }
    #expect(liveReport.detectedOnsets.count == offsetOnsets.count)
    for (heard, rendered) in zip(liveReport.detectedOnsets, offsetOnsets) {
        #expect(abs(heard - rendered) <= 0.010, "live onset \(heard) s vs offline \(rendered) s")
    }
    #expect(zip(liveReport.pitches, offlineReport.pitches).allSatisfy { a, b in
        guard let a, let b else { return false }
        return abs(a / b - 1) < 0.01
    })
}

@Test("Through the file driver, a tempo change and notes appended while playing sound where the new time line puts them",
      .enabled(if: hasFluidR3))
func liveTempoChangeAndAppend() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raw = folder.appendingPathComponent("live.raw")
    let melody = Melody.sequence([(72, 1), (76, 1), (79, 1), (74, 1)], tempo: 120)
    let added: [Note] = [.note(77, at: 4, for: 1), .note(81, at: 5, for: 1)]

    let output = try FluidSynthOutput(synth: try Synth(soundFont: fluidR3, settings: dryPiano), request: .rawFile(raw))
    let player = LivePlayer(output: output, melody: melody)
    Thread.sleep(forTimeInterval: 0.05)
    player.play()
    let deadline = Date().addingTimeInterval(10)
    var before: Double?
    while player.position < 1.4, Date() < deadline {
        before = before ?? player.originTime
        Thread.sleep(forTimeInterval: 0.005)
    }
    let changedAt = player.position
    try player.setTempo(200)
    player.append(added)
    let after = try #require(player.originTime)
    while player.state != .finished, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    Thread.sleep(forTimeInterval: 0.3)
    player.shutdown()
    output.close()
    let origin = try #require(before)
    #expect(changedAt < 1.9, "the change came too late to test: \(changedAt)")

    let audio = try rawAudio(raw)
    let mono = audio.mono()
    let heard = AudioAnalysis.onsets(mono, sampleRate: 44_100)
    let all = melody.notes + added
    // Notes started before the change follow the old time line; the rest the new one at 200 per minute.
    let expected = all.map { note -> Double in
        let onset = note.onset.doubleValue
        return onset < changedAt ? (origin + onset * 500) / 1000 : (after + onset * 300) / 1000
    }
    #expect(heard.count == expected.count, "heard \(heard.map(fmt)), expected \(expected.map(fmt))")
    for (time, note) in zip(expected, all) {
        let nearest = heard.min { abs($0 - time) < abs($1 - time) }
        #expect(nearest.map { abs($0 - time) <= 0.010 } == true,
                "\(note.pitch!) expected at \(fmt(time)) s, nearest onset \(nearest.map(fmt) ?? "none")")
        let from = Int((time + 0.04) * 44_100)
        let pitch = AudioAnalysis.fundamental(mono[from..<(from + 4410)], sampleRate: 44_100)
        #expect(pitch.map { abs($0 / note.pitch!.frequency - 1) < 0.01 } == true, "\(note.pitch!): \(String(describing: pitch))")
    }
}

@Test("An open note sounds until it is ended: one note-on, the note-off at the end given later, even across rebuilds")
func openNoteEndedLater() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let player = LivePlayer(output: output, pacing: .manual, lookahead: 100, stopsAtEnd: false)
    try player.setTempo(120)   // 500 ms a quarter
    player.play()
    player.appendOpen(key: 62, onset: 0.5)
    advance(player, clock, by: 600)
    #expect(noteOns(output).map(\.key) == [62])
    #expect(noteOns(output).map(\.time) == [250])
    #expect(output.events.allSatisfy { $0.event.isNoteOn }, "no note-off while its end is unknown")
    // Appends landing in the queued stretch rebuild the queue; the open note keeps sounding.
    player.append([.note(70, at: QuarterLength(5, 4), for: QuarterLength(1, 4))])
    advance(player, clock, by: 400)
    #expect(output.events.filter { !$0.event.isNoteOn }.map(\.event.key) == [70])
    // Its end is known now: 2.5 quarters, 1250 ms on the clock.
    player.end(key: 62, onset: 0.5, at: 2.5)
    advance(player, clock, by: 600)
    let offs = output.played.filter { !$0.event.isNoteOn && $0.event.key == 62 }
    #expect(offs.map(\.time) == [1250])
    #expect(noteOns(output).filter { $0.key == 62 }.count == 1)
    #expect(player.status.length == 2.5)
}

@Test("An open note not reached yet plays with the end it was given; pausing releases an open note at once")
func openNoteBeforeItStartsAndOnPause() {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let player = LivePlayer(output: output, pacing: .manual, lookahead: 100, stopsAtEnd: false)
    player.play()
    player.appendOpen(key: 60, onset: 2)
    player.end(key: 60, onset: 2, at: 3)
    player.appendOpen(key: 64, onset: 3)
    advance(player, clock, by: 2000)   // 120 bpm: 60 plays 1000–1500 ms, 64 starts at 1500
    #expect(output.played.filter { !$0.event.isNoteOn }.map(\.time) == [1500])
    player.pause()
    player.pump()
    let offs = output.events.filter { !$0.event.isNoteOn && $0.event.key == 64 }
    #expect(offs.map(\.time) == [2000])
}

@Test("Replacing the melody while it plays keeps the playhead, lets the sounding note ring, and plays the new notes")
func replaceWhilePlaying() {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let player = LivePlayer(output: output, melody: Melody.sequence([(60, 2), (62, 1), (64, 1)], tempo: 120),
                            pacing: .manual, lookahead: 150)
    player.play()
    advance(player, clock, by: 600)   // 60 sounds from 0 to 1000 ms
    player.replace(Melody.sequence([(60, 2), (67, 1), (69, 1)], tempo: 120), tempo: 120)
    player.pump()
    #expect(player.state == .playing)
    #expect(abs(player.position - 1.2) < 0.001)
    advance(player, clock, by: 1300)   // to quarter note 3.8
    #expect(noteOns(output).map(\.key) == [60, 67, 69], "60 is not started again; the new notes play")
    #expect(noteOns(output).map(\.time) == [0, 1000, 1500])
    let offs = output.played.filter { !$0.event.isNoteOn }
    #expect(offs.first.map { [$0.event.key, Int($0.time)] } == [60, 1000], "60 rings to its own end")
    // Paused, a replacement keeps the playhead where it paused.
    player.pause()
    player.replace(Melody.sequence([(72, 4)], tempo: 120), tempo: 120)
    #expect(player.state == .paused && abs(player.position - 3.8) < 0.01)
}

@Test("A note sounded now (an audition) plays at once through the real synth, at its pitch, and stops when released",
      .enabled(if: hasFluidR3))
func soundNowThroughTheSynth() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raw = folder.appendingPathComponent("audition.raw")
    let output = try FluidSynthOutput(synth: try Synth(soundFont: fluidR3, settings: dryPiano), request: .rawFile(raw))
    Thread.sleep(forTimeInterval: 0.1)
    let pressed = output.clock.milliseconds
    output.sound(.noteOn(key: 69, velocity: 90))
    Thread.sleep(forTimeInterval: 0.4)
    let released = output.clock.milliseconds
    output.sound(.noteOff(key: 69))
    Thread.sleep(forTimeInterval: 0.8)
    output.close()

    let mono = try rawAudio(raw).mono()
    let onsets = AudioAnalysis.onsets(mono, sampleRate: 44_100)
    #expect(onsets.count == 1, "one note: \(onsets.map(fmt))")
    let onset = try #require(onsets.first)
    // The synth renders in blocks: the note starts with the next block after the call.
    #expect(onset >= pressed / 1000 - 0.002 && onset <= pressed / 1000 + 0.030, "onset \(fmt(onset)) s, pressed \(fmt(pressed / 1000)) s")
    let start = Int((onset + 0.05) * 44_100)
    let pitch = try #require(AudioAnalysis.fundamental(mono[start..<(start + 4096)], sampleRate: 44_100))
    #expect(abs(pitch / 440 - 1) < 0.01, "A4 sounds at \(pitch) Hz")
    // Released: the piano's release dies away well within half a second.
    let end = Int((released / 1000 + 0.5) * 44_100)
    let loud = AudioAnalysis.rms(mono, start..<(start + 4096))
    #expect(AudioAnalysis.rms(mono, end..<min(mono.count, end + 4096)) < loud * 0.05)
}
