import Dispatch
import Foundation
import LiltMusic
import Synchronization

/// Plays a melody live on a `NoteOutput`, every note queued ahead on the output's own time line (FluidSynth's
/// sequencer) so timing never depends on whoever drives the UI. Its chord symbols play with it, voiced as a
/// render voices them (`ChordVoicing`), on their own channel and instrument.
///
/// A scheduling thread wakes every few milliseconds and queues the notes of the next `lookahead`
/// milliseconds. Commands (play, pause, seek, tempo, loop, append) may come from any thread: they take
/// effect at once in the player's state and the output is updated on the scheduling thread. The playhead
/// is readable from any thread. With `.manual` pacing there is no thread: a test moves its
/// `ManualPlaybackClock` and calls `pump()`.
public final class LivePlayer: Sendable {
    /// Whether playback is running.
    public enum State: String, Sendable, Equatable {
        case stopped, playing, paused, finished
    }

    /// How the player's scheduling pass is driven.
    public enum Pacing: Sendable, Equatable {
        /// A thread of its own runs a pass every `interval` milliseconds (and at once after a command).
        case realTime(interval: Double)
        /// Passes run only when `pump()` is called.
        case manual

        public static let realTime = Pacing.realTime(interval: 5)
    }

    /// A snapshot of the player for a UI.
    public struct Status: Sendable, Equatable {
        public var state: State
        /// The playhead, in quarter notes from the melody's start.
        public var position: Double
        /// Quarter notes per minute.
        public var tempo: Double
        public var loop: Range<Double>?
        /// The end of the last note or chord, in quarter notes.
        public var length: Double
    }

    let engine: PlayerEngine

    /// - Parameters:
    ///   - output: where notes go (its clock is the player's time line); its chord channel gets
    ///     `GMProgram.defaultChords`.
    ///   - melody: what to play, its chord symbols too (more may be appended).
    ///   - tempo: quarter notes per minute (default: the melody's, else 120).
    ///   - lookahead: how far ahead notes are queued, in milliseconds.
    ///   - stopsAtEnd: whether playback finishes after the last note; when false the playhead keeps moving
    ///     so notes appended later still play (live generation).
    public init(output: any NoteOutput, melody: Melody = Melody(), tempo: Double? = nil,
                pacing: Pacing = .realTime, lookahead: Double = 150, stopsAtEnd: Bool = true) {
        let played = PlayerEngine.playerNotes(melody)
        engine = PlayerEngine(output: output, notes: played.notes, tempo: tempo ?? melody.playbackTempo,
                              lookahead: lookahead, stopsAtEnd: stopsAtEnd)
        engine.core.withLock { $0.lastChordVoicing = played.lastChordVoicing }
        // A SoundFont without the instrument leaves the channel its own (`setChordProgram` reports that).
        try? output.setProgram(.defaultChords, channel: ChordVoicing.channel)
        if case .realTime(let interval) = pacing {
            let engine = self.engine
            engine.markRunning()
            let thread = Thread { engine.run(interval: interval) }
            thread.name = "lilt.player"
            thread.qualityOfService = .userInteractive
            thread.start()
        }
    }

    deinit {
        engine.shutdown()
    }

    /// The output the notes go to.
    public var output: any NoteOutput { engine.output }

    /// Starts playback at the playhead, or resumes after a pause.
    public func play() { engine.command { $0.play(now: $1) } }
    /// Stops the notes and holds the playhead where it is.
    public func pause() { engine.command { $0.pause(now: $1) } }
    /// Stops the notes and returns the playhead to the start.
    public func stop() { engine.command { $0.stop(now: $1) } }
    /// Moves the playhead to `position` quarter notes; playing continues from there.
    public func seek(to position: Double) { engine.command { $0.seek(to: position, now: $1) } }

    /// Changes the tempo (quarter notes per minute) from now on, even while playing.
    public func setTempo(_ tempo: Double) throws(AudioError) {
        guard tempo > 0, tempo.isFinite else { throw .invalidArgument("tempo must be above 0 (got \(tempo))") }
        engine.command { $0.setTempo(tempo, now: $1) }
    }

    /// Loops `range` (quarter notes), or stops looping when nil.
    public func setLoop(_ range: Range<Double>?) throws(AudioError) {
        if let range, !(range.lowerBound >= 0 && range.upperBound > range.lowerBound) {
            throw .invalidArgument("a loop must end after it starts (got \(range.lowerBound)–\(range.upperBound))")
        }
        engine.command { $0.setLoop(range, now: $1) }
    }

    /// Adds notes and chord symbols (onsets in quarter notes on the melody's time line), even while playing;
    /// notes still ahead of the playhead will sound, and chords still sounding there. The chords are voiced
    /// under `notes`, each moving as little as it can from the chord before.
    public func append(_ notes: [Note], chords: [ChordSymbol] = []) {
        let notes = notes.sorted { $0.onset < $1.onset }
        let chords = chords.sorted { $0.onset < $1.onset }
        let added = PlayerEngine.playerNotes(notes)
        engine.command { core, now in
            var voices: [PlayerNote] = []
            if !chords.isEmpty {
                let voicings = ChordVoicing.voicings(chords, under: notes, after: core.lastChordVoicing)
                voices = PlayerEngine.playerNotes(ChordVoicing.voices(chords, voicings: voicings),
                                                  channel: ChordVoicing.channel)
                core.lastChordVoicing = voicings.last
            }
            core.append(added + voices, now: now)
        }
    }

    /// Adds a note whose end is not known yet (live generation: the model has started a note and may hold
    /// it for steps it has not written). It starts at `onset` (quarter notes) like an appended note and
    /// sounds until `end(key:onset:at:)` gives its end; only then is its note-off queued, so a held note is
    /// never cut at the point up to which the notes are known.
    public func appendOpen(key: Int, onset: Double, velocity: Int = 80) {
        guard (0...127).contains(key), onset.isFinite else { return }
        let added = [PlayerNote(onset: onset, end: .infinity, key: key, velocity: velocity)]
        engine.command { $0.append(added, now: $1) }
    }

    /// Ends the open note of `key` that started at `onset` (quarter notes) at `end`: its note-off is queued
    /// for that position (at once when the playhead is already past it).
    public func end(key: Int, onset: Double, at end: Double) {
        engine.command { $0.close(key: key, channel: 0, onset: onset, end: end, now: $1) }
    }

    /// Replaces the melody; the playhead goes back to the start and playback stops. `endless`: the
    /// playhead goes on past the last note, so notes appended later still play (live generation); else
    /// playback finishes after the last note.
    public func load(_ melody: Melody, tempo: Double? = nil, endless: Bool = false) {
        let played = PlayerEngine.playerNotes(melody)
        let tempo = tempo ?? melody.playbackTempo
        engine.command { core, now in
            core.load(played.notes, tempo: tempo, stopsAtEnd: !endless, now: now)
            core.lastChordVoicing = played.lastChordVoicing
        }
    }

    /// Replaces the melody with a new version of it (an edit while it plays): the playhead, the state and
    /// the tempo's time line stay, the note sounding now rings on to its end, and the new notes play from
    /// the playhead. Stopped or finished, it is `load`.
    public func replace(_ melody: Melody, tempo: Double? = nil) {
        let played = PlayerEngine.playerNotes(melody)
        let tempo = tempo ?? melody.playbackTempo
        engine.command { core, now in
            core.replace(played.notes, tempo: tempo, now: now)
            core.lastChordVoicing = played.lastChordVoicing
        }
    }

    /// Chooses the melody's General MIDI instrument.
    public func setProgram(_ program: GMProgram) throws(AudioError) {
        try engine.output.setProgram(program)
    }

    /// Chooses the General MIDI instrument of the chord symbols.
    public func setChordProgram(_ program: GMProgram) throws(AudioError) {
        try engine.output.setProgram(program, channel: ChordVoicing.channel)
    }

    /// Sets the output's level in decibels relative to its own, at once.
    public func setVolume(_ decibels: Double) {
        engine.output.setVolume(decibels)
    }

    /// All sound off, at once, from any thread; playback itself goes on (use `pause` or `stop` too to end it).
    public func panic() {
        engine.output.silence()
        engine.command { core, _ in core.work.append(.silence) }
    }

    /// Stops playback, ends the scheduling thread and silences the output; the player is done afterwards.
    public func shutdown() {
        engine.shutdown()
    }

    /// The state, playhead, tempo and loop now.
    public var status: Status { engine.status() }
    /// The playhead in quarter notes.
    public var position: Double { status.position }
    public var state: State { status.state }

    /// Runs one scheduling pass now (what the real-time thread does every few milliseconds).
    public func pump() { engine.pump() }

    /// When the melody's position 0 falls on the output's clock (milliseconds) on the current time line,
    /// while playing (nil otherwise). With a file driver, frame `originTime * 44.1` of the file is onset 0.
    public var originTime: Double? { engine.core.withLock { $0.state == .playing ? $0.timeline.time(ofRaw: 0) : nil } }
}

/// The player's state and scheduling, shared by the public object and its thread.
final class PlayerEngine: Sendable {
    let output: any NoteOutput
    let core: Mutex<PlayerCore>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Mutex(false)

    init(output: any NoteOutput, notes: [PlayerNote], tempo: Double, lookahead: Double, stopsAtEnd: Bool) {
        self.output = output
        var core = PlayerCore(notes: notes, tempo: tempo, lookahead: lookahead, stopsAtEnd: stopsAtEnd)
        core.startMargin = output.period
        self.core = Mutex(core)
    }

    /// The pitched notes of `notes` on `channel`, by onset.
    static func playerNotes(_ notes: [Note], channel: Int = 0) -> [PlayerNote] {
        notes.compactMap { note in
            guard let pitch = note.pitch, note.duration > .zero, (0...127).contains(pitch.midi) else { return nil }
            return PlayerNote(onset: note.onset.doubleValue, end: note.end.doubleValue, key: pitch.midi,
                              velocity: note.velocity, channel: channel)
        }.sorted { $0.onset < $1.onset }
    }

    /// The notes of `melody` and its chords' voices, by onset, and its last chord's voicing (the one chords
    /// appended later lead on from).
    static func playerNotes(_ melody: Melody) -> (notes: [PlayerNote], lastChordVoicing: [Int]?) {
        let voicings = ChordVoicing.voicings(melody.chords, under: melody.notes)
        let voices = playerNotes(ChordVoicing.voices(melody.chords, voicings: voicings), channel: ChordVoicing.channel)
        return ((playerNotes(melody.notes) + voices).sorted { $0.onset < $1.onset }, voicings.last)
    }

    func command(_ change: (inout PlayerCore, Double) -> Void) {
        let now = output.clock.milliseconds
        core.withLock { change(&$0, now) }
        wake.signal()
    }

    func status() -> LivePlayer.Status {
        let now = output.clock.milliseconds, latency = output.latency
        return core.withLock { $0.status(now: now, latency: latency) }
    }

    /// One pass: queue the next stretch of notes, then carry out the output work in order.
    func pump() {
        let now = output.clock.milliseconds
        let work = core.withLock { core -> [PlayerCore.Work] in
            core.schedule(now: now)
            defer { core.work.removeAll(keepingCapacity: true) }
            return core.work
        }
        for item in work {
            switch item {
            case .send(let event, let time, let channel): output.send(event, at: time, channel: channel)
            case .cancelPending: output.cancelPending()
            case .silence: output.silence()
            }
        }
    }

    func markRunning() { running.withLock { $0 = true } }

    func run(interval: Double) {
        while core.withLock({ !$0.exiting }) {
            pump()
            if core.withLock({ $0.state == .playing || $0.exiting }) {
                _ = wake.wait(timeout: .now() + .microseconds(Int(interval * 1000)))
            } else {
                // Stopped or paused: nothing is due until a command comes (and every command signals),
                // so an idle player costs no wake-ups at all.
                wake.wait()
            }
        }
        pump()
        finished.signal()
    }

    func shutdown() {
        let wasRunning = running.withLock { running in
            defer { running = false }
            return running
        }
        command { core, now in
            guard !core.exiting else { return }
            core.pause(now: now)
            core.exiting = true
        }
        if wasRunning { finished.wait() } else { pump() }
        output.silence()
    }
}

/// Everything the player knows, changed only under its lock. Times are milliseconds on the output's clock;
/// positions are quarter notes.
struct PlayerCore {
    enum Work: Equatable {
        case send(NoteEvent, at: Double, channel: Int)
        case cancelPending
        case silence
    }

    /// A note-on that was queued, with the note-off queued for it.
    struct Sent {
        var key: Int
        var channel: Int
        var onTime: Double
        var offTime: Double
        var endPosition: Double
    }

    /// What to do with notes already sounding when the schedule is rebuilt.
    enum Sounding { case keep, release, retime }

    var notes: [PlayerNote]
    var tempo: Double
    var lookahead: Double
    var stopsAtEnd: Bool
    var state = LivePlayer.State.stopped
    var loop: Range<Double>?
    var timeline: Timeline
    /// The playhead while not playing.
    var heldPosition = 0.0
    /// Milliseconds between a (re)start and its first note: the output's period, so that a note queued
    /// for "now" is not already behind the block being rendered (it would sound a period late).
    var startMargin = 0.0
    /// Raw position on `timeline` up to which note-ons are queued.
    var scheduledRaw = 0.0
    var sent: [Sent] = []
    var work: [Work] = []
    var exiting = false
    /// The voicing of the last chord, for chords appended after it.
    var lastChordVoicing: [Int]?

    init(notes: [PlayerNote], tempo: Double, lookahead: Double, stopsAtEnd: Bool) {
        self.notes = notes
        self.tempo = tempo
        self.lookahead = lookahead
        self.stopsAtEnd = stopsAtEnd
        self.timeline = Timeline(time: 0, position: 0, tempo: tempo, loop: nil)
    }

    /// The end of the last note or chord voice; an open note counts from its onset.
    var length: Double { notes.map { $0.end.isFinite ? $0.end : $0.onset }.max() ?? 0 }

    func position(now: Double) -> Double {
        state == .playing ? timeline.position(at: now) : heldPosition
    }

    /// The player as heard: while playing, the playhead is where the output's sound is, `latency`
    /// milliseconds behind the time notes are queued for (never before where playing started).
    func status(now: Double, latency: Double = 0) -> LivePlayer.Status {
        var state = self.state
        var position = state == .playing ? timeline.position(at: now - latency) : heldPosition
        if state == .playing, stopsAtEnd, timeline.activeLoop == nil, position >= length {
            state = .finished
            position = length
        }
        return LivePlayer.Status(state: state, position: position, tempo: tempo, loop: loop, length: length)
    }

    mutating func play(now: Double) {
        guard !exiting, state != .playing else { return }
        if state == .finished || (stopsAtEnd && loop == nil && heldPosition >= length) { heldPosition = 0 }
        state = .playing
        restart(at: heldPosition, now: now, sounding: .release)
    }

    mutating func pause(now: Double) {
        guard state == .playing else { return }
        heldPosition = min(timeline.position(at: now), stopsAtEnd && loop == nil ? length : .infinity)
        state = .paused
        clearQueue(now: now, sounding: .release)
    }

    mutating func stop(now: Double) {
        if state == .playing { clearQueue(now: now, sounding: .release) }
        state = .stopped
        heldPosition = 0
    }

    mutating func seek(to position: Double, now: Double) {
        let target = max(0, position)
        if state == .playing {
            restart(at: target, now: now, sounding: .release)
        } else {
            heldPosition = target
            if state == .finished { state = .paused }
        }
    }

    mutating func setTempo(_ tempo: Double, now: Double) {
        self.tempo = tempo
        if state == .playing { restart(at: timeline.position(at: now), now: now, sounding: .retime) }
    }

    mutating func setLoop(_ range: Range<Double>?, now: Double) {
        loop = range
        if state == .playing { restart(at: timeline.position(at: now), now: now, sounding: .keep) }
    }

    mutating func append(_ added: [PlayerNote], now: Double) {
        guard !added.isEmpty else { return }
        notes.append(contentsOf: added)
        notes.sort { $0.onset < $1.onset }
        guard state == .playing else { return }
        let playhead = timeline.position(at: now)
        let queuedUpTo = timeline.wrapped(scheduledRaw)
        // Notes landing inside the stretch already queued need the queue rebuilt, as do chords sounding at the
        // playhead (the rebuild enters them there); later ones come on their own.
        if added.contains(where: { $0.onset < queuedUpTo && ($0.onset >= playhead || $0.isChordVoice && $0.end > playhead) })
            || timeline.activeLoop != nil {
            restart(at: playhead, now: now, sounding: .keep)
        }
    }

    /// Gives the open note of `key` on `channel` at `onset` its end; queues its note-off when its note-on is queued.
    mutating func close(key: Int, channel: Int, onset: Double, end: Double, now: Double) {
        guard let index = notes.firstIndex(where: { $0.key == key && $0.channel == channel && $0.onset == onset && !$0.end.isFinite })
        else { return }
        notes[index].end = max(onset, end)
        guard state == .playing,
              let sentIndex = sent.firstIndex(where: { $0.key == key && $0.channel == channel && !$0.offTime.isFinite })
        else { return }
        // Without a loop, raw positions are musical positions; inside one the note was already cut at the loop's end.
        let offTime = max(now, timeline.time(ofRaw: notes[index].end))
        sent[sentIndex].offTime = offTime
        sent[sentIndex].endPosition = notes[index].end
        work.append(.send(.noteOff(key: key), at: offTime, channel: channel))
    }

    mutating func load(_ notes: [PlayerNote], tempo: Double, stopsAtEnd: Bool, now: Double) {
        stop(now: now)
        self.notes = notes
        self.tempo = tempo
        self.stopsAtEnd = stopsAtEnd
    }

    mutating func replace(_ notes: [PlayerNote], tempo: Double, now: Double) {
        switch state {
        case .playing:
            let playhead = timeline.position(at: now)
            self.notes = notes
            self.tempo = tempo
            restart(at: playhead, now: now, sounding: .keep)
        case .paused:
            self.notes = notes
            self.tempo = tempo
        case .stopped, .finished:
            load(notes, tempo: tempo, stopsAtEnd: stopsAtEnd, now: now)
        }
    }

    /// Rebuilds the queue so playback goes on from `position` at `now`.
    private mutating func restart(at position: Double, now: Double, sounding: Sounding) {
        clearQueue(now: now, sounding: sounding)
        timeline = Timeline(time: now + startMargin, position: position, tempo: tempo, loop: loop)
        scheduledRaw = position
    }

    /// Drops every queued event still ahead and settles the notes sounding now.
    private mutating func clearQueue(now: Double, sounding: Sounding) {
        work.append(.cancelPending)
        let playhead = timeline.position(at: now)
        var kept: [Sent] = []
        for var note in sent where note.onTime <= now {
            guard note.offTime > now else { continue }
            switch sounding {
            case .keep:
                break
            case .release:
                note.offTime = now
            case .retime:
                note.offTime = now + max(0, note.endPosition - playhead) * 60_000 / tempo
            }
            // An open note (end not known yet) gets its note-off when it is ended.
            if note.offTime.isFinite { work.append(.send(.noteOff(key: note.key), at: note.offTime, channel: note.channel)) }
            kept.append(note)
        }
        sent = kept
    }

    /// Queues every note starting before `now + lookahead`.
    mutating func schedule(now: Double) {
        guard state == .playing else { return }
        let horizon = timeline.raw(at: now + lookahead)
        for occurrence in timeline.occurrences(of: notes, from: scheduledRaw, to: horizon) {
            let note = notes[occurrence.index]
            let onTime = timeline.time(ofRaw: occurrence.rawStart)
            let offTime = timeline.time(ofRaw: occurrence.rawEnd)
            // A note already sounding from before a rebuild is not started twice: one queued for the same
            // time, or, where playback enters a chord, one still sounding then (a millisecond's slack for
            // a voice cut at a loop's end, which ends where the next pass enters it).
            if sent.contains(where: { sent in
                sent.key == note.key && sent.channel == note.channel
                    && (occurrence.entered ? sent.onTime <= onTime + 2 && sent.offTime > onTime + 1
                                           : abs(sent.onTime - onTime) < 2)
            }) { continue }
            work.append(.send(.noteOn(key: note.key, velocity: note.velocity), at: onTime, channel: note.channel))
            if offTime.isFinite { work.append(.send(.noteOff(key: note.key), at: offTime, channel: note.channel)) }
            sent.append(Sent(key: note.key, channel: note.channel, onTime: onTime, offTime: offTime,
                             endPosition: occurrence.endPosition))
        }
        scheduledRaw = max(scheduledRaw, horizon)
        sent.removeAll { $0.offTime < now - 1000 }
        if stopsAtEnd, timeline.activeLoop == nil, timeline.position(at: now) >= length,
           !sent.contains(where: { $0.offTime > now }) {
            heldPosition = length
            state = .finished
        }
    }
}
