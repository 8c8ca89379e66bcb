import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltNN
@testable import LiltStudio
import LiltTerminal
import Synchronization
import Testing

/// Notes handed to the studio, in order.
private final class NoteLog: Sendable {
    let notes = Mutex<[SessionNote]>([])
    let held = Mutex<SessionNote?>(nil)
    let errors = Mutex<[String]>([])
    let chords = Mutex<[ChordSymbol]>([])
}

/// Live mode on the silent output with a clock the test moves: 4/4 at 120 bpm (a beat is 500 ms, four grid
/// steps), the seed C4 D4 before the live start at quarter note 2, playback from quarter note 1 at time 0,
/// so live step s starts at (1 + s/4) · 500 ms.
private struct LiveRig {
    let clock = ManualPlaybackClock()
    let output: SilentOutput
    let player: LivePlayer
    let live: LiveGeneration
    let log = NoteLog()
    let model: MusicModel
    let seed: Melody

    init(controls: GenerationControls, model: MusicModel = tinyModel()) {
        self.model = model
        output = SilentOutput(clock: clock)
        seed = Melody(meter: Meter(4, 4), notes: [.note(60, at: 0, for: 1), .note(62, at: 1, for: 1)])
        player = LivePlayer(output: output, melody: seed, tempo: 120, pacing: .manual, stopsAtEnd: false)
        player.seek(to: 1)
        player.play()
        let log = self.log
        live = LiveGeneration(model: model, seed: seed, start: 2, controls: controls, player: player, pacing: .manual,
                              onNotes: { ended, held in
                                  log.notes.withLock { $0 += ended }
                                  log.held.withLock { $0 = held }
                              },
                              onChords: { chords in log.chords.withLock { $0 = chords } },
                              onError: { error in log.errors.withLock { $0.append(error) } })
    }

    /// Moves time on to `milliseconds` in 5 ms steps, letting the writer and then the player run at each.
    func run(until milliseconds: Double) {
        while clock.milliseconds < milliseconds {
            clock.advance(by: min(5, milliseconds - clock.milliseconds))
            live.pump()
            player.pump()
        }
    }

    /// When live step `s` starts on the clock (ms).
    func time(ofStep s: Int) -> Double { (1 + Double(s) / 4) * 500 }
}

private func baseControls() -> GenerationControls {
    var controls = GenerationControls()
    controls.randomSeed = 5
    controls.stopAtEnd = false
    return controls
}

@Test("live mode writes each beat just before it: a slider moved during beat n changes every token from beat n + 1 on, none before")
func liveSliderFromNextBeat() throws {
    let rig = LiveRig(controls: baseControls())
    #expect(rig.live.stepsPerBeat == 4)
    // Nothing is written a beat or more ahead: at the start of beat 1 (1500 ms) only beats 0 and 1 exist.
    rig.run(until: rig.time(ofStep: 4) - 100)
    #expect(rig.live.tokens.count == 4, "beat 1 is not written before its margin")
    rig.run(until: rig.time(ofStep: 4) + 1)
    #expect(rig.live.tokens.count == 8)

    // Beat n = 2 runs from step 8 (2000 ms) to step 12 (2500 ms); the slider moves 150 ms into it.
    let n = 2
    rig.run(until: rig.time(ofStep: 4 * n) + 150)
    #expect(rig.live.tokens.count == 4 * (n + 1), "beat n is written, beat n + 1 not yet")
    var changed = baseControls()
    changed.restBias = 40   // every token a rest from the moment it applies
    rig.live.update(changed)
    rig.run(until: rig.time(ofStep: 4 * (n + 4)))
    rig.live.stop()
    let tokens = rig.live.tokens
    #expect(tokens.count >= 4 * (n + 4))

    // The same model, seed and controls without the change, step by step.
    let seed = try Seed(melody: rig.seed, for: rig.model, name: "seed")
    let plain = try StreamingGenerator(model: rig.model, seed: seed, controls: LiveWriter.endless(baseControls()))
    let unchanged = (0..<tokens.count).compactMap { _ in plain.next().first ?? nil }
    let boundary = 4 * (n + 1)
    #expect(Array(tokens[..<boundary]) == Array(unchanged[..<boundary]), "nothing before beat n + 1 changed")
    #expect(unchanged[..<boundary].contains { if case .note = $0 { true } else { false } })
    #expect(tokens[boundary...].allSatisfy { $0 == .rest }, "every token from beat n + 1 on has the new rest bias")
    #expect(unchanged[boundary...].contains { $0 != .rest }, "without the change those tokens are not all rests")
    #expect(rig.live.changes.map(\.step) == [boundary])
    #expect(rig.live.changes.first?.controls.restBias == 40)
    #expect(rig.log.errors.withLock { $0 }.isEmpty)
    // The provenance kept with a live take regenerates it token for token, the change included.
    let again = try Composer.regenerate(try #require(rig.live.provenance), model: rig.model)
    #expect(Array(again.generated) == rig.live.tokens)
}

@Test("a note held across beats sounds as one note of its full length: one note-on, the note-off only where it ends")
func liveHeldNote() throws {
    // Beats 0 and 1: a new note on every step (no rests, no holds).
    var notesOnly = baseControls()
    notesOnly.restBias = -40
    notesOnly.holdBias = -40
    let rig = LiveRig(controls: notesOnly)
    // During beat 1: from beat 2 on, every token holds — the last note of beat 1 (step 7) goes on sounding.
    rig.run(until: rig.time(ofStep: 4) + 100)
    var holding = notesOnly
    holding.holdBias = 40
    rig.live.update(holding)
    // During beat 3: from beat 4 on, rests — the held note ends at step 16, after crossing beats 2 and 3.
    rig.run(until: rig.time(ofStep: 12) + 100)
    // Beats 0–3 are written: the studio already has the note of step 7, held for 9 steps so far.
    let heldSoFar = try #require(rig.log.held.withLock { $0 })
    #expect(heldSoFar.onset == QuarterLength(2) + QuarterLength(7, 4) && heldSoFar.duration == QuarterLength(9, 4))
    #expect(!rig.log.notes.withLock { $0 }.contains { $0.onset == heldSoFar.onset })
    var resting = notesOnly
    resting.restBias = 40
    rig.live.update(resting)
    rig.run(until: rig.time(ofStep: 20))
    rig.live.stop()

    let tokens = rig.live.tokens
    #expect(tokens[8..<16].allSatisfy { $0 == .hold })
    guard case .note(let midi) = tokens[7] else {
        Issue.record("step 7 is not a note: \(tokens[7])")
        return
    }
    // Sounding pitch: the model's key moved back by the seed's shift.
    let key = midi - (try Seed(melody: rig.seed, for: rig.model, name: "seed")).shift
    let onTime = rig.time(ofStep: 7), offTime = rig.time(ofStep: 16)
    let events = rig.output.played.filter { $0.event.key == key && $0.time >= onTime && $0.time <= offTime }
    #expect(events.filter(\.event.isNoteOn).map(\.time) == [onTime], "one note-on, at step 7")
    #expect(events.filter { !$0.event.isNoteOn }.map(\.time) == [offTime], "one note-off, where the note ends: \(events)")
    // The studio gets it as one note of nine steps.
    let note = try #require(rig.log.notes.withLock { $0 }.first { $0.onset == QuarterLength(2) + QuarterLength(7, 4) })
    #expect(note.pitch == key)
    #expect(note.duration == QuarterLength(9, 4))
    #expect(note.probability != nil)
    // Every note handed over carries its probability, and none overlaps the next.
    let notes = rig.log.notes.withLock { $0 }
    #expect(notes.allSatisfy { ($0.probability ?? 0) > 0 })
    #expect(zip(notes, notes.dropFirst()).allSatisfy { $0.end <= $1.onset })
}

@Test("live mode from the very start, without a lead-in: the first beat is written before the player starts and sounds on time")
func liveFromTheStart() {
    let clock = ManualPlaybackClock(milliseconds: 100)
    let output = SilentOutput(clock: clock)
    let player = LivePlayer(output: output, tempo: 120, pacing: .manual, stopsAtEnd: false)
    var controls = baseControls()
    controls.restBias = -40   // the first step is a note
    controls.holdBias = -40
    let live = LiveGeneration(model: tinyModel(), seed: Melody(meter: Meter(4, 4)), start: 0, controls: controls,
                              player: player, pacing: .manual, onNotes: { _, _ in }, onError: { _ in })
    #expect(live.tokens.count == 4, "beat 0 is written at once, beat 1 not yet")
    player.play()
    for _ in 0..<80 {   // to 500 ms: beat 1 (from 600 ms) is not due before 540 ms
        clock.advance(by: 5)
        live.pump()
        player.pump()
    }
    let ons = output.played.filter(\.event.isNoteOn).map(\.time)
    #expect(ons == [100, 225, 350, 475], "one note a step in the first beat, the first as the player starts")
    #expect(live.tokens.count == 4)
    live.stop()
}

@Test("live mode with a lead-sheet model: chord tokens take no step, its chords sound on the chord channel beat by beat and reach the studio")
func liveChords() throws {
    let rig = LiveRig(controls: baseControls(), model: tinyLeadSheetModel())
    rig.run(until: rig.time(ofStep: 40))
    rig.live.stop()
    let tokens = rig.live.tokens
    let steps = tokens.filter(\.isStep).count
    #expect(steps % 4 == 0 && steps >= 40, "whole beats of four steps, chord tokens not counted: \(steps)")
    #expect(tokens.contains { if case .chord = $0 { true } else { false } }, "the model wrote chords: \(tokens)")
    // What the studio was told: chords in order, on the step grid from the live start, none overlapping.
    let chords = rig.log.chords.withLock { $0 }
    #expect(!chords.isEmpty)
    #expect(chords.allSatisfy { $0.onset >= 2 && $0.onset.isMultiple(of: QuarterLength(1, 4)) && $0.duration > .zero })
    #expect(zip(chords, chords.dropFirst()).allSatisfy { $0.end <= $1.onset })
    // Heard on the chord channel, struck where a chord starts.
    let struck = rig.output.played.filter { $0.channel == ChordVoicing.channel && $0.event.isNoteOn }
    #expect(!struck.isEmpty)
    let firstOnset = try #require(chords.first?.onset.doubleValue)
    let firstTime = (firstOnset - 1) * 500   // playback started at quarter note 1, time 0, 120 bpm
    #expect(struck.contains { abs($0.time - firstTime) < 1 }, "the first chord struck at \(firstTime) ms: \(struck.prefix(4))")
    #expect(rig.output.played.filter { $0.channel == 0 }.allSatisfy { $0.event.key >= 55 })
    // Its provenance regenerates the tokens, chords included.
    let again = try Composer.regenerate(try #require(rig.live.provenance), model: rig.model)
    #expect(Array(again.generated) == tokens)
}
