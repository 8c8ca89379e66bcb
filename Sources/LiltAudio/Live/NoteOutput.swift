import LiltMusic
import Synchronization

/// Where a live player's notes go: a synth behind an audio driver, or a silent output that only keeps time.
///
/// A player calls `send`, `cancelPending` and `setProgram` from its one scheduling thread; `clock` and
/// `silence()` may be used from any thread.
public protocol NoteOutput: AnyObject, Sendable {
    /// The output's time line; `send` times are on it.
    var clock: any PlaybackClock { get }
    /// Whether anything can be heard from it.
    var isAudible: Bool { get }
    /// What it plays through, for messages ("pulseaudio", "silent").
    var name: String { get }
    /// Milliseconds from a time on `clock` to when what was queued for it is heard (the driver's buffer).
    var latency: Double { get }
    /// Milliseconds of the blocks the clock moves by: an event queued for a time less than this ahead may
    /// sound up to a block late.
    var period: Double { get }
    /// Queues `event` on MIDI `channel` (0-based: 0 the melody's, `ChordVoicing.channel` the chords') to
    /// happen at `time` milliseconds on `clock` (a time already past happens at once).
    func send(_ event: NoteEvent, at time: Double, channel: Int)
    /// Forgets every queued event whose time has not come.
    func cancelPending()
    /// Stops every sounding note at once, on every channel (all sounds off).
    func silence()
    /// Chooses the General MIDI instrument of `channel`.
    func setProgram(_ program: GMProgram, channel: Int) throws(AudioError)
    /// Sets the level in decibels relative to the output's own (0: as it starts); from any thread.
    func setVolume(_ decibels: Double)
    /// A metronome click now, on the General MIDI percussion channel (a bar's first beat `accent`ed).
    func click(accent: Bool)
    /// Plays `event` now on channel 0, outside the queue (a note auditioned as it is typed); from any thread.
    func sound(_ event: NoteEvent)
    /// Stops the output for good: nothing sounds afterwards (the program is ending).
    func close()
}

extension NoteOutput {
    /// Queues `event` on channel 0, the melody's.
    public func send(_ event: NoteEvent, at time: Double) {
        send(event, at: time, channel: 0)
    }

    /// Chooses the melody's instrument (channel 0).
    public func setProgram(_ program: GMProgram) throws(AudioError) {
        try setProgram(program, channel: 0)
    }
}

/// A note event queued on an output at a time in milliseconds, on a MIDI channel (0: the melody's).
public struct ScheduledNoteEvent: Hashable, Sendable {
    public var time: Double
    public var event: NoteEvent
    public var channel: Int

    public init(time: Double, event: NoteEvent, channel: Int = 0) {
        self.time = time
        self.event = event
        self.channel = channel
    }
}

/// The output used when there is nothing to hear: it keeps time on its clock and remembers what it was
/// sent, so everything that depends on playback (the playhead, tests) works without a sound device.
public final class SilentOutput: NoteOutput {
    private struct State {
        var events: [ScheduledNoteEvent] = []
        var silenced: [Double] = []
        var sounded: [ScheduledNoteEvent] = []
        var programs = [0: GMProgram.acousticGrandPiano]
        var volume = 0.0
        var clicks: [(time: Double, accent: Bool)] = []
    }
    private let state = Mutex(State())
    public let clock: any PlaybackClock

    public init(clock: any PlaybackClock = MonotonicPlaybackClock()) {
        self.clock = clock
    }

    public var isAudible: Bool { false }
    public var name: String { "silent" }
    public var latency: Double { 0 }
    public var period: Double { 0 }

    public func send(_ event: NoteEvent, at time: Double, channel: Int) {
        state.withLock { $0.events.append(ScheduledNoteEvent(time: time, event: event, channel: channel)) }
    }

    public func cancelPending() {
        let now = clock.milliseconds
        state.withLock { $0.events.removeAll { $0.time > now } }
    }

    public func silence() {
        let now = clock.milliseconds
        state.withLock { $0.silenced.append(now) }
    }

    public func setProgram(_ program: GMProgram, channel: Int) throws(AudioError) {
        state.withLock { $0.programs[channel] = program }
    }

    public func setVolume(_ decibels: Double) {
        state.withLock { $0.volume = decibels }
    }

    public func click(accent: Bool) {
        let now = clock.milliseconds
        state.withLock { $0.clicks.append((now, accent)) }
    }

    /// The clicks so far: when, and whether accented.
    public var clicks: [(time: Double, accent: Bool)] { state.withLock { $0.clicks } }

    /// The level last set, in decibels.
    public var volume: Double { state.withLock { $0.volume } }

    public func sound(_ event: NoteEvent) {
        let now = clock.milliseconds
        state.withLock { $0.sounded.append(ScheduledNoteEvent(time: now, event: event)) }
    }

    /// Nothing to stop: the silent output plays no sound.
    public func close() {}

    /// Every event still queued or already due, in time order (note-offs first at equal times).
    public var events: [ScheduledNoteEvent] {
        state.withLock { $0.events }.enumerated().sorted { a, b in
            if a.element.time != b.element.time { return a.element.time < b.element.time }
            if a.element.event.isNoteOn != b.element.event.isNoteOn { return !a.element.event.isNoteOn }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The events whose time has come.
    public var played: [ScheduledNoteEvent] {
        let now = clock.milliseconds
        return events.filter { $0.time <= now }
    }

    /// The events played now through `sound(_:)`, with the clock's time then.
    public var sounded: [ScheduledNoteEvent] { state.withLock { $0.sounded } }
    /// When `silence()` was called, in milliseconds on the clock.
    public var silencedAt: [Double] { state.withLock { $0.silenced } }
    /// The melody's instrument last chosen (channel 0).
    public var program: GMProgram { program(channel: 0) ?? .acousticGrandPiano }
    /// The instrument last chosen for `channel`, if one was.
    public func program(channel: Int) -> GMProgram? { state.withLock { $0.programs[channel] } }
}
