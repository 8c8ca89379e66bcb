import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import Synchronization

/// Live mode: the model writes on and on, one beat at a time and just in time, into a player that never
/// stops.
///
/// **When a beat is written.** The tokens of beat k (beats of the seed's meter, counted from where the
/// live part starts; a beat is the meter's denominator note, as the roll's beat lines show it) are
/// generated when the playhead reaches `margin` seconds before the beat begins, with the controls wanted at
/// that moment. So a slider moved during beat n is heard from beat n + 1, unless it moves within the last
/// `margin` of beat n (then from beat n + 2). The margin only has to cover the time to write one beat and
/// hand its notes to the player's queue (writing a beat takes well under a millisecond with the models
/// Lilt trains); FluidSynth times every event on its own sequencer, so audio latency moves every note
/// alike and needs no room here.
///
/// **Held notes.** A note still held at the end of the beat written so far goes to the player as an open
/// note (`LivePlayer.appendOpen`): it starts on time, and its note-off is queued only once a later beat
/// ends it (`LivePlayer.end`). A note held across any number of beats sounds as one note of its full length.
///
/// The player is the studio's one player, loaded with the seed and left running past its end; live mode
/// appends to it. The generator lives behind a lock, driven by the live thread (or, with `.manual`
/// pacing, by `pump()` in tests); the runtime talks to it through `update(_:)` and `stop()`, and after
/// each beat receives the notes that ended in it and the note still held, as far as written, through
/// `onNotes` (on the driving thread; the runtime posts them to the loop), so a long note shows in the roll
/// while it sounds.
final class LiveGeneration: Sendable {
    /// How the writing is driven.
    enum Pacing: Sendable, Equatable {
        /// A thread of its own wakes before each beat.
        case realTime
        /// Only `pump()` writes (tests move the player's clock by hand).
        case manual
    }

    /// Seconds before a beat begins at which it is written (default).
    static let defaultMargin = 0.06

    let player: LivePlayer
    /// Seconds before a beat at which it is written.
    let margin: Double
    private let writer: Mutex<LiveWriter?>
    private let wanted: Mutex<GenerationControls>
    private let stopped = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let pacing: Pacing

    /// - Parameters:
    ///   - seed: the melody before `start`; `start` is where the live part starts (quarter notes).
    ///   - onNotes: after each beat written, the notes that ended in it and the note still held at its end
    ///     (as long as it is so far; nil: none), in sounding pitch and quarter notes, each with the
    ///     probability the model gave its onset token.
    ///   - onChords: after a beat in which a lead-sheet model's chords sounded, every chord written so far
    ///     (the last as long as it is so far), in sounding pitch.
    init(model: MusicModel, seed: Melody, start: QuarterLength, controls: GenerationControls, player: LivePlayer,
         pacing: Pacing = .realTime, margin: Double = LiveGeneration.defaultMargin,
         onNotes: @escaping @Sendable (_ ended: [SessionNote], _ held: SessionNote?) -> Void,
         onChords: @escaping @Sendable (_ chords: [ChordSymbol]) -> Void = { _ in },
         onError: @escaping @Sendable (String) -> Void) {
        self.player = player
        self.margin = margin
        self.pacing = pacing
        wanted = Mutex(controls)
        do {
            writer = Mutex(try LiveWriter(model: model, seed: seed, start: start, controls: controls, player: player,
                                          onNotes: onNotes, onChords: onChords))
        } catch {
            writer = Mutex(nil)
            onError("\(error)")
        }
        // What is due already (a live part starting at the playhead) is written before the player starts,
        // so its first notes are queued with the rest rather than found behind the playhead.
        pump()
        guard pacing == .realTime else { return }
        let thread = Thread { [self] in
            defer { finished.signal() }
            while !stopped.load(ordering: .acquiring) {
                let wait = pump()
                // Wake for the next beat, and at least every 50 ms to follow tempo changes; `stop()` wakes it.
                _ = wake.wait(timeout: .now() + .microseconds(Int(min(max(wait, 0.001), 0.05) * 1_000_000)))
            }
        }
        thread.name = "lilt.live"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// New controls: from the next beat written.
    func update(_ controls: GenerationControls) { wanted.withLock { $0 = controls } }

    /// Writes every beat due at the player's playhead now; returns the seconds until the next one is due.
    @discardableResult
    func pump() -> Double {
        let status = player.status
        let controls = wanted.withLock { $0 }
        let marginQuarters = margin * max(status.tempo, 1) / 60
        return writer.withLock { writer -> Double in
            guard let writer else { return 0.05 }
            while writer.nextBeatPosition - marginQuarters <= status.position {
                writer.writeBeat(controls: controls)
            }
            return (writer.nextBeatPosition - marginQuarters - status.position) * 60 / max(status.tempo, 1)
        }
    }

    /// Stops writing (the player keeps what it has; the note being held ends where the written part ends)
    /// and waits for the live thread.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if pacing == .realTime {
            wake.signal()
            finished.wait()
        }
        writer.withLock { $0?.finish() }
    }

    /// The generated tokens so far (model key) from the live start: one per grid step, and a lead-sheet
    /// model's chord tokens.
    var tokens: [TimeStepToken] { writer.withLock { $0?.tokens ?? [] } }
    /// The control changes the generator recorded, at the steps they applied from.
    var changes: [ControlChange] { writer.withLock { $0?.generator.changes ?? [] } }
    /// What regenerates the written part bit for bit (`Composer.regenerate`): the generator's provenance
    /// with the length, at the start and in every change, set to the steps written.
    var provenance: TakeProvenance? {
        writer.withLock { writer in
            guard let writer, var provenance = writer.generator.takes().first?.provenance else { return nil }
            provenance.controls.length = .steps(writer.written)
            for index in provenance.changes.indices { provenance.changes[index].controls.length = .steps(writer.written) }
            return provenance
        }
    }
    /// Grid steps in one beat.
    var stepsPerBeat: Int { writer.withLock { $0?.stepsPerBeat ?? 1 } }
}

/// The writing side of live mode: the generator, the note being held, and where the written part ends.
/// Owned by `LiveGeneration`'s lock.
final class LiveWriter {
    let generator: StreamingGenerator
    let player: LivePlayer
    let onNotes: @Sendable (_ ended: [SessionNote], _ held: SessionNote?) -> Void
    let onChords: @Sendable (_ chords: [ChordSymbol]) -> Void
    /// The key signature chords are spelled in (the seed's).
    let fifths: Int
    /// The chords written so far, in sounding pitch; the last one sounds on while no other comes.
    private var chords: [ChordSymbol] = []
    /// The chord token sounding at the end of the written part (nil: none, or `@N`).
    private var sounding: ChordToken?
    /// The grid step in quarter notes, the live start in grid steps, steps in a beat.
    let step: QuarterLength
    let startSteps: Int
    let stepsPerBeat: Int
    /// Semitones from the model's key to sounding pitch.
    let shift: Int
    /// Steps written so far (always whole beats).
    private(set) var written = 0
    private(set) var tokens: [TimeStepToken] = []
    /// The note sounding at the end of the written part: sounding pitch, onset step (from the live
    /// start), steps so far, the probability of its onset token, and whether the player has it (open).
    private var current: (pitch: Int, onset: Int, steps: Int, probability: Double?, open: Bool)?

    init(model: MusicModel, seed: Melody, start: QuarterLength, controls: GenerationControls, player: LivePlayer,
         onNotes: @escaping @Sendable (_ ended: [SessionNote], _ held: SessionNote?) -> Void,
         onChords: @escaping @Sendable (_ chords: [ChordSymbol]) -> Void) throws {
        let seedValue = try Seed(melody: seed, for: model, name: "the notes before the cursor")
        generator = try StreamingGenerator(model: model, seed: seedValue, controls: Self.endless(controls))
        shift = generator.controls.transposeBack ? seedValue.shift : 0
        self.player = player
        self.onNotes = onNotes
        self.onChords = onChords
        fifths = seed.keyOrEstimate?.fifths ?? 0
        step = model.encoding.step
        let startRatio = start / step
        startSteps = startRatio.numerator / max(startRatio.denominator, 1)
        let meter = seed.meter.flatMap { $0.denominator > 0 ? $0 : nil } ?? Meter(4, 4)
        let beat = QuarterLength(4, meter.denominator) / step
        stepsPerBeat = max(1, beat.numerator / max(beat.denominator, 1))
    }

    /// Controls for a generator that never ends: one stream, no length, no end of song.
    static func endless(_ controls: GenerationControls) -> GenerationControls {
        var endless = controls
        endless.length = .steps(1 << 30)
        endless.stopAtEnd = false
        endless.variations = 1
        return endless
    }

    /// Where the next beat to write begins, in quarter notes on the melody's time line.
    var nextBeatPosition: Double { (QuarterLength(startSteps + written) * step).doubleValue }

    /// Writes one beat with `controls`: the notes that end inside it go to the player and to `onNotes`;
    /// a note still held at its end goes to the player open (and to `onNotes` as held so far). A
    /// lead-sheet model's chords sound through the beat on the player's chord channel, struck again on
    /// each beat (a guitarist's quarter-note strum), and go to `onChords`.
    func writeBeat(controls: GenerationControls) {
        var ended: [SessionNote] = []
        let next = Self.endless(controls)
        if next != generator.controls { generator.controls = next }
        let beatStart = written
        // What sounds in this beat, piece by piece from its start or a change: a chord, or none (nil).
        var pieces: [(chord: ChordToken?, from: Int)] = [(sounding, beatStart)]
        var chordsChanged = false
        var steps = 0
        while steps < stepsPerBeat {
            guard let drawn = generator.next().first, let token = drawn else { break }
            tokens.append(token)
            switch token {
            case .note(let midi):
                endCurrent(into: &ended)
                current = (min(127, max(0, midi - shift)), written, 1, generator.tokenProbabilities[0].last, false)
            case .hold:
                current?.steps += 1
            case .rest, .end:
                endCurrent(into: &ended)
            case .chord(let chord):
                // A chord token takes no step: it says what sounds from the next one.
                extendSoundingChord()
                sounding = chord
                pieces.removeAll { $0.from == written }
                pieces.append((chord, written))
                chords.append(symbol(chord, from: written, to: written))
                chordsChanged = true
                continue
            case .noChord:
                extendSoundingChord()
                sounding = nil
                pieces.removeAll { $0.from == written }
                pieces.append((nil, written))
                chordsChanged = true
                continue
            }
            written += 1
            steps += 1
        }
        if let note = current, !note.open {
            player.appendOpen(key: note.pitch, onset: position(ofStep: note.onset))
            current?.open = true
        }
        onNotes(ended, current.map(sessionNote))
        // Each piece lasts until the next one or the beat's end; the last chord written goes on to here.
        var struck: [ChordSymbol] = []
        for (index, piece) in pieces.enumerated() {
            let end = index + 1 < pieces.count ? pieces[index + 1].from : written
            if let chord = piece.chord, end > piece.from { struck.append(symbol(chord, from: piece.from, to: end)) }
        }
        if !struck.isEmpty { player.append([], chords: struck) }
        if sounding != nil {
            extendSoundingChord()
            chordsChanged = true
        }
        if chordsChanged {
            let last = chords.last
            chords.removeAll { $0.duration <= .zero && $0 != last }
            onChords(chords)
        }
    }

    /// The chord sounding (the last written) lasts to the end of the written part.
    private func extendSoundingChord() {
        guard sounding != nil, let last = chords.indices.last else { return }
        chords[last].duration = position(ofStepQuarter: written) - chords[last].onset
    }

    /// The chord token as sounding: moved back from the model's key and spelled in the seed's.
    private func symbol(_ chord: ChordToken, from start: Int, to end: Int) -> ChordSymbol {
        chord.transposed(by: -shift).symbol(onset: position(ofStepQuarter: start),
                                            duration: QuarterLength(end - start) * step, fifths: fifths)
    }

    private func position(ofStepQuarter step: Int) -> QuarterLength { QuarterLength(startSteps + step) * self.step }

    /// Ends the held note where the written part ends.
    func finish() {
        var ended: [SessionNote] = []
        endCurrent(into: &ended)
        onNotes(ended, nil)
    }

    private func position(ofStep step: Int) -> Double { (QuarterLength(startSteps + step) * self.step).doubleValue }

    /// The note being held, as long as it is so far, as the studio shows it.
    private func sessionNote(_ note: (pitch: Int, onset: Int, steps: Int, probability: Double?, open: Bool)) -> SessionNote {
        SessionNote(pitch: note.pitch, onset: QuarterLength(startSteps + note.onset) * step,
                    duration: QuarterLength(note.steps) * step, origin: .generated, probability: note.probability)
    }

    /// Ends the note being held (if any) at the end of the written part: to the player, and to `ended`.
    private func endCurrent(into ended: inout [SessionNote]) {
        guard let note = current else { return }
        current = nil
        let finished = sessionNote(note)
        if note.open {
            player.end(key: note.pitch, onset: finished.onset.doubleValue, at: finished.end.doubleValue)
        } else {
            player.append([Note(pitch: Pitch(midi: note.pitch), onset: finished.onset, duration: finished.duration)])
        }
        ended.append(finished)
    }
}
