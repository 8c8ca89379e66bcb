import Foundation
import Testing
import LiltMusic
@testable import LiltAudio

/// Note-ons on `channel` as (time ms, key), in order.
func noteOns(_ output: SilentOutput, channel: Int) -> [(time: Double, key: Int)] {
    output.played.compactMap { $0.event.isNoteOn && $0.channel == channel ? ($0.time, $0.event.key) : nil }
}

/// Note-offs on `channel` as (time ms, key), in order.
func noteOffs(_ output: SilentOutput, channel: Int) -> [(time: Double, key: Int)] {
    output.played.compactMap { !$0.event.isNoteOn && $0.channel == channel ? ($0.time, $0.event.key) : nil }
}

/// The keys of the chord voices started at each time, lowest first: [time ms: keys].
func chordOnsets(_ output: SilentOutput) -> [Double: [Int]] {
    Dictionary(grouping: noteOns(output, channel: ChordVoicing.channel), by: \.time).mapValues { $0.map(\.key).sorted() }
}

/// A line over C (two quarters) and G (two quarters), 500 ms a quarter.
func melodyOverCAndG() throws -> Melody {
    var melody = Melody.sequence([(72, 1), (74, 1), (76, 1), (77, 1)], tempo: 120)
    melody.chords = [try #require(ChordSymbol("C", onset: 0, duration: 2)),
                     try #require(ChordSymbol("G", onset: 2, duration: 2))]
    return melody
}

@Test("Chord symbols play on the chord channel with their own program, voiced and timed as the render plays them")
func chordsPlayOnTheirChannel() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let melody = try melodyOverCAndG()
    let player = LivePlayer(output: output, melody: melody, pacing: .manual)
    #expect(output.program(channel: ChordVoicing.channel) == .defaultChords)
    player.play()
    advance(player, clock, by: 2100)
    #expect(player.state == .finished)

    let voicings = ChordVoicing.voicings(melody.chords, under: melody.notes)
    #expect(chordOnsets(output) == [0: voicings[0], 1000: voicings[1]])
    let offs = noteOffs(output, channel: ChordVoicing.channel)
    #expect(Set(offs.filter { $0.time == 1000 }.map(\.key)) == Set(voicings[0]))
    #expect(Set(offs.filter { $0.time == 2000 }.map(\.key)) == Set(voicings[1]))
    #expect(output.played.filter { $0.channel == ChordVoicing.channel && $0.event.isNoteOn }
        .allSatisfy { $0.event == .noteOn(key: $0.event.key, velocity: ChordVoicing.velocity) })
    #expect(noteOns(output, channel: 0).map(\.key) == [72, 74, 76, 77])
    #expect(output.played.allSatisfy { [0, ChordVoicing.channel].contains($0.channel) })

    // The same events the render plays, at the same times.
    let rendered = melody.chordNoteEvents(tempo: 120).map { ScheduledNoteEvent(time: $0.seconds * 1000, event: $0.event) }
    let played = output.played.filter { $0.channel == ChordVoicing.channel }.map { ScheduledNoteEvent(time: $0.time, event: $0.event) }
    #expect(Set(played) == Set(rendered) && played.count == rendered.count)

    let strings = try #require(GMProgram(number: 48))
    try player.setChordProgram(strings)
    #expect(output.program(channel: ChordVoicing.channel) == strings)
    #expect(output.program == .acousticGrandPiano, "the melody's instrument is its own")
}

@Test("Playback ends at the later of the last note and the last chord")
func chordOutlastsTheMelody() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    var melody = Melody.sequence([(76, 1)], tempo: 120)
    melody.chords = [try #require(ChordSymbol("Am", onset: 0, duration: 4))]
    let player = LivePlayer(output: output, melody: melody, pacing: .manual)
    #expect(player.status.length == 4)
    player.play()
    advance(player, clock, by: 1500)
    #expect(player.state == .playing, "the melody is over at 500 ms, the chord is not")
    advance(player, clock, by: 600)
    #expect(player.state == .finished)
    #expect(player.position == 4)
    #expect(noteOffs(output, channel: ChordVoicing.channel).allSatisfy { $0.time == 2000 })
}

@Test("A seek or a play from inside a chord sounds the chord from there to its end; melody notes only from their onsets")
func seekIntoAChord() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let melody = try melodyOverCAndG()
    let voicings = ChordVoicing.voicings(melody.chords, under: melody.notes)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual)
    player.seek(to: 1)                  // halfway through C, on 74's onset
    player.play()
    advance(player, clock, by: 300)
    #expect(chordOnsets(output) == [0: voicings[0]])
    #expect(noteOns(output, channel: 0).map(\.key) == [74])
    #expect(output.events.filter { $0.channel == ChordVoicing.channel && !$0.event.isNoteOn }.allSatisfy { $0.time == 500 })

    player.seek(to: 3.5)                // at 300 ms: into G's second half, after 77's onset
    advance(player, clock, by: 400)
    #expect(chordOnsets(output) == [0: voicings[0], 300: voicings[1]])
    // C was released at the seek; G ends half a quarter later.
    let chordOffs = noteOffs(output, channel: ChordVoicing.channel)
    #expect(Set(chordOffs.filter { $0.time == 300 }.map(\.key)) == Set(voicings[0]))
    #expect(Set(chordOffs.filter { $0.time == 550 }.map(\.key)) == Set(voicings[1]))
    #expect(noteOns(output, channel: 0).map(\.key) == [74], "77 started before the seek point")
    #expect(player.state == .finished)

    // Paused inside a chord, it is released at once and sounds again on resuming.
    player.seek(to: 0.5)
    player.play()
    advance(player, clock, by: 100)
    player.pause()
    player.pump()
    let paused = clock.milliseconds
    #expect(Set(output.events.filter { $0.channel == ChordVoicing.channel && !$0.event.isNoteOn && $0.time == paused }
        .map(\.event.key)) == Set(voicings[0]))
    advance(player, clock, by: 100)
    player.play()
    advance(player, clock, by: 10)
    #expect(chordOnsets(output)[paused + 100] == voicings[0])
}

@Test("A loop repeats its chords, also one that started before the loop and sounds at its start")
func loopRepeatsChords() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let melody = try melodyOverCAndG()
    let voicings = ChordVoicing.voicings(melody.chords, under: melody.notes)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual)
    try player.setLoop(1..<3)           // C's second half, G's first: a second a pass
    player.play()
    advance(player, clock, by: 3400)
    let ons = noteOns(output, channel: ChordVoicing.channel)
    #expect(ons.filter { $0.key == voicings[0][0] }.map(\.time) == [0, 1500, 2500])
    #expect(ons.filter { $0.key == voicings[1][0] }.map(\.time) == [1000, 2000, 3000])
    // G is cut at the loop's end each pass; C, entered at the loop's start, ends where it ends.
    let offs = noteOffs(output, channel: ChordVoicing.channel)
    #expect(offs.filter { $0.key == voicings[1][0] }.map(\.time) == [1500, 2500])
    #expect(offs.filter { $0.key == voicings[0][0] }.map(\.time) == [1000, 2000, 3000])
    #expect(noteOns(output, channel: 0).map(\.key) == [72, 74, 76, 74, 76, 74, 76])
}

@Test("A tempo change retimes the chord sounding now and the chords after it, without starting it again")
func tempoChangeRetimesChords() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    let melody = try melodyOverCAndG()
    let voicings = ChordVoicing.voicings(melody.chords, under: melody.notes)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual, lookahead: 300)
    player.play()
    advance(player, clock, by: 750)     // C has half a quarter left
    try player.setTempo(60)
    player.pump()
    advance(player, clock, by: 3000)
    #expect(chordOnsets(output) == [0: voicings[0], 1250: voicings[1]])
    let offs = output.events.filter { $0.channel == ChordVoicing.channel && !$0.event.isNoteOn }
    #expect(Set(offs.filter { $0.time == 1250 }.map(\.event.key)) == Set(voicings[0]))
    #expect(Set(offs.filter { $0.time == 3250 }.map(\.event.key)) == Set(voicings[1]))
    #expect(player.state == .finished)
}

@Test("The same key on the melody's channel and in a chord sounds on both, and neither is started twice by a rebuild")
func sameKeyOnBothChannels() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    // C2 in the melody over a C chord, whose bass is C2.
    var melody = Melody.sequence([(36, 2), (43, 2)], tempo: 120)
    melody.chords = [try #require(ChordSymbol("C", onset: 0, duration: 4))]
    #expect(ChordVoicing.voicings(melody.chords, under: melody.notes)[0].first == 36)
    let player = LivePlayer(output: output, melody: melody, pacing: .manual, lookahead: 200)
    player.play()
    advance(player, clock, by: 400)
    player.replace(melody, tempo: 120)  // an edit while playing: what sounds rings on
    player.pump()
    try player.setTempo(60)             // at 400 ms, position 0.8
    advance(player, clock, by: 500)
    let on36 = output.played.filter { $0.event.isNoteOn && $0.event.key == 36 }
    #expect(on36.map(\.channel).sorted() == [0, ChordVoicing.channel])
    #expect(on36.allSatisfy { $0.time == 0 })
    // Both are retimed: the melody's C2 ends at 2 quarters, the chord's at 4 (a second a quarter from 0.8).
    let off36 = output.events.filter { $0.event == .noteOff(key: 36) }
    #expect(off36.filter { $0.time >= 400 }.map { [$0.channel, Int($0.time)] }.sorted { $0[0] < $1[0] }
        == [[0, 1600], [ChordVoicing.channel, 3600]])
}

@Test("A melody without chords sends exactly its notes, all on channel 0")
func melodyWithoutChordsUnchanged() {
    let clock = ManualPlaybackClock(milliseconds: 1000)
    let output = SilentOutput(clock: clock)
    let player = LivePlayer(output: output, melody: Melody.sequence([(60, 1), (nil, 1), (64, 2)], tempo: 120),
                            pacing: .manual)
    player.play()
    advance(player, clock, by: 2100)
    #expect(player.state == .finished)
    #expect(output.events == [
        ScheduledNoteEvent(time: 1000, event: .noteOn(key: 60, velocity: 90)),
        ScheduledNoteEvent(time: 1500, event: .noteOff(key: 60)),
        ScheduledNoteEvent(time: 2000, event: .noteOn(key: 64, velocity: 90)),
        ScheduledNoteEvent(time: 3000, event: .noteOff(key: 64)),
    ])
}

@Test("Chords appended one at a time are voiced as the whole progression is, each led on from the one before; one appended late sounds from the playhead")
func appendedChords() throws {
    let clock = ManualPlaybackClock()
    let output = SilentOutput(clock: clock)
    // A chord every two quarters (1000 ms), a melody note every quarter.
    let chords = try ["C", "Am", "F", "G7"].enumerated().map { index, symbol in
        try #require(ChordSymbol(symbol, onset: QuarterLength(2 * index), duration: 2))
    }
    let notes: [Note] = (0..<8).map { .note(72 + $0 % 3, at: QuarterLength($0), for: 1) }
    func bar(_ index: Int) -> [Note] { Array(notes[(2 * index)..<(2 * index + 2)]) }
    var melody = Melody(tempo: 120, notes: bar(0))
    melody.chords = [chords[0]]
    let player = LivePlayer(output: output, melody: melody, pacing: .manual, lookahead: 200, stopsAtEnd: false)
    player.play()
    advance(player, clock, by: 600)
    player.append(bar(1), chords: [chords[1]])
    advance(player, clock, by: 1000)
    player.append(bar(2), chords: [chords[2]])
    advance(player, clock, by: 1600)    // 3200 ms: G7 should have started 200 ms ago
    player.append(bar(3), chords: [chords[3]])
    advance(player, clock, by: 1000)

    let voicings = ChordVoicing.voicings(chords, under: notes).map { $0.sorted() }
    #expect(chordOnsets(output) == [0: voicings[0], 1000: voicings[1], 2000: voicings[2], 3200: voicings[3]])
    #expect(Set(noteOffs(output, channel: ChordVoicing.channel).filter { $0.time == 4000 }.map(\.key)) == Set(voicings[3]))
    // The melody note due at 3000 ms came too late to sound; the one after it sounds.
    #expect(noteOns(output, channel: 0).map(\.key) == (notes.prefix(6) + notes.suffix(1)).map { $0.pitch!.midi })
}

@Test("Through the file driver, a melody's chords sound on their own instrument, as the render plays them",
      .enabled(if: hasFluidR3))
func liveChordsThroughTheSynth() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raw = folder.appendingPathComponent("live.raw")
    // One melody note, then two beats where only the chord sounds (120 quarter notes a minute).
    var melody = Melody.sequence([(76, 1), (nil, 2)], tempo: 120)
    melody.chords = [try #require(ChordSymbol("C", onset: 0, duration: 3))]

    let origin = try playLive(melody, into: raw)
    let start = Int(try #require(origin) * 44.1)

    let live = try rawAudio(raw).mono()
    let rendered = try OfflineRenderer(soundFont: fluidR3, settings: dryPiano, releaseTail: 0.25).render(melody).mono()
    // 0.75 s … 1.25 s: the chord alone.
    let chordOnly = 33_075..<55_125
    let heard = AudioAnalysis.rms(live, (start + chordOnly.lowerBound)..<(start + chordOnly.upperBound))
    let expected = AudioAnalysis.rms(rendered, chordOnly)
    #expect(heard > 0.005, "the chord is heard after the melody's note")
    #expect(abs(heard / expected - 1) < 0.2, "as loud as rendered: \(heard) vs \(expected)")
    let window = 16_384
    let liveDominant = try #require(AudioAnalysis.dominantFrequency(live[(start + chordOnly.lowerBound)..<(start + chordOnly.lowerBound + window)],
                                                                     sampleRate: 44_100))
    let renderedDominant = try #require(AudioAnalysis.dominantFrequency(rendered[chordOnly.lowerBound..<(chordOnly.lowerBound + window)],
                                                                         sampleRate: 44_100))
    #expect(abs(liveDominant / renderedDominant - 1) < 0.01, "the same voicing and instrument: \(liveDominant) Hz vs \(renderedDominant) Hz")
}
