import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

extension StudioState {
    /// A note from the MIDI keyboard (already sounding: the input plays it for as long as the key is held).
    /// Recording, it is entered where it was played once it ends; in play mode, at the cursor with the
    /// chosen length, as a typed note is. With call and response on, a bar's pause after it is answered.
    mutating func midiNote(_ note: MIDIMessage, at time: Double) -> [StudioEffect] {
        var effects: [StudioEffect] = []
        switch note {
        case .noteOn(let key, _):
            if respond { effects.append(.cancel(.phraseEnded)) }
            if recording != nil {
                recording?.held[key] = time
            } else if mode == .play {
                effects += enter(pitch: key, audition: false)
            }
        case .noteOff(let key):
            if let down = recording?.held.removeValue(forKey: key) { effects += record(key, from: down, to: time) }
            let stillHeld = !(recording?.held.isEmpty ?? true)
            if respond, !stillHeld, recording != nil || mode == .play {
                let bar = session.barLength.doubleValue * 60 / session.controls.tempo
                effects.append(.scheduleAt(.phraseEnded, milliseconds: time + bar * 1000))
            }
        }
        return effects
    }

    /// `R`: starts record mode (the time now is asked for, then a bar of count-in), or stops it.
    mutating func toggleRecording() -> [StudioEffect] {
        if recording != nil { return stopRecording() }
        if live != nil { return [] }
        message = StudioMessage("record: a bar of count-in, then play the MIDI keyboard (R or Esc stops)")
        return [.stamp]
    }

    mutating func startRecording(at now: Double) -> [StudioEffect] {
        guard recording == nil else { return [] }
        let meter = session.meter
        let beat = QuarterLength(4, max(1, meter.denominator))
        let beatsPerBar = max(1, meter.numerator)
        let quarter = 60_000 / session.controls.tempo
        // The first click a moment from now, so that it is not late; the take starts a bar after it.
        let firstClick = now + 100
        let downbeat = firstClick + Double(beatsPerBar) * beat.doubleValue * quarter
        recording = Recording(start: session.cursor, downbeat: downbeat, quarter: quarter, beat: beat,
                              beatsPerBar: beatsPerBar, nextBeat: -beatsPerBar)
        return [.player(.stop), .scheduleAt(.metronome, milliseconds: firstClick)]
    }

    mutating func stopRecording() -> [StudioEffect] {
        guard let take = recording else { return [] }
        recording = nil
        message = StudioMessage("recording stopped")
        return [.cancel(.metronome), .cancel(.phraseEnded)] + take.held.keys.map { .sound(.noteOff(key: $0)) }
    }

    /// A click, and the next one scheduled from the take's downbeat (so that they never drift).
    mutating func metronome() -> [StudioEffect] {
        guard var take = recording else { return [] }
        let beat = take.nextBeat
        if beat < 0 { message = StudioMessage("count-in \(-beat)") } else if beat == 0 { message = StudioMessage("recording") }
        let accent = ((beat % take.beatsPerBar) + take.beatsPerBar) % take.beatsPerBar == 0
        take.nextBeat = beat + 1
        recording = take
        return [.click(accent: accent), .scheduleAt(.metronome, milliseconds: take.time(ofBeat: beat + 1))]
    }

    /// Enters a note held from `down` to `up` (milliseconds) where it was played: its start and end
    /// rounded to the grid, at least a step long; a note ended before the take's first beat is dropped.
    mutating func record(_ key: Int, from down: Double, to up: Double) -> [StudioEffect] {
        guard let take = recording, (0...127).contains(key) else { return [] }
        let step = StudioState.step.doubleValue
        let onsetSteps = (take.position(at: down) / step).rounded()
        guard onsetSteps >= 0 else { return [] }
        let endSteps = max(onsetSteps + 1, (take.position(at: up) / step).rounded())
        let onset = take.start + StudioState.step * QuarterLength(Int(onsetSteps))
        let duration = StudioState.step * QuarterLength(Int(endSteps - onsetSteps))
        return edit("record \(Pitch(midi: key).name)") { session in
            session.insert(SessionNote(pitch: key, onset: onset, duration: duration, origin: .edited))
            session.cursor = max(session.cursor, onset + duration)
            session.cursorPitch = key
        }
    }

    /// Call and response: the phrase just played is answered by the model continuing from its end (as `c`
    /// does); the answer plays at once.
    mutating func answerPhrase() -> [StudioEffect] {
        guard respond else { return [] }
        var effects: [StudioEffect] = []
        if recording != nil { effects += stopRecording() }
        if let last = session.notes.last { session.cursor = max(session.cursor, last.end) }
        let asked = generate(.continuation)
        answerPending = asked.contains { if case .generate = $0 { true } else { false } }
        if answerPending { message = StudioMessage("answering…") }
        return effects + asked
    }

    /// `:respond`: call and response on or off.
    mutating func toggleRespond() -> [StudioEffect] {
        respond.toggle()
        message = StudioMessage(respond ? "call and response: play a phrase on the MIDI keyboard and pause a bar; the model answers"
                                        : "call and response off")
        return respond ? [] : [.cancel(.phraseEnded)]
    }

    /// The answer came: the cursor goes past it and it plays from its start.
    mutating func playAnswer(from start: QuarterLength, notes: [SessionNote]) -> [StudioEffect] {
        answerPending = false
        if let last = notes.last { session.cursor = last.end }
        return loadPlayerIfStale() + [.player(.seek(start.doubleValue)), .player(.play)]
    }
}
