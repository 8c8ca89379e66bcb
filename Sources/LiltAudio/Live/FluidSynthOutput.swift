import Foundation
import LiltMusic
import Synchronization
internal import CFluidSynth

/// Which audio driver a live output should use.
public enum AudioDriverRequest: Sendable, Equatable {
    /// Try the machine's sound systems in order (pulseaudio, alsa, jack); when none opens a device, play
    /// silently through the file driver into /dev/null, in real time, and say so once.
    case automatic
    /// Exactly this FluidSynth driver ("alsa", "pulseaudio", …); "none" or "silent" play silently.
    case named(String)
    /// The file driver writing raw 16-bit little-endian stereo frames to `url`, paced in real time.
    case rawFile(URL)

    /// Reads `--audio-driver`: nil or "auto" is automatic.
    public init(option: String?) {
        switch option?.lowercased() {
        case nil, "auto", "automatic": self = .automatic
        case let name?: self = .named(name)
        }
    }
}

/// Live sound: a synth played by FluidSynth's sequencer through an audio driver.
///
/// Notes are queued on the sequencer at the sample they are due; the sequencer is driven by the synth's
/// sample clock, so timing depends on the audio thread alone and notes keep their relative times even
/// across an underrun. The tick clock is what the player schedules against; what is heard lags it by the
/// driver's buffer (`latency`), which the player's playhead takes off. The buffer is sized to keep time
/// (`AudioBuffering.playback`); notes sounded at once (`sound(_:)`) go through a second synth on the same
/// SoundFont (its samples are shared) behind a short buffer, when one is given and its driver opens. The
/// C objects are freed in the order FluidSynth needs: driver, sequencer, synth.
public final class FluidSynthOutput: NoteOutput, @unchecked Sendable {
    // @unchecked: the C pointers are set once in init. Sequencer calls (`send`, `cancelPending`) come from
    // the one player thread that owns this output, as FluidSynth requires; `clock` only reads the
    // sequencer's tick (an atomic counter); `silence` and `setProgram` use the synth's locked API.
    public let synth: Synth
    let sequencer: OpaquePointer
    let synthClient: fluid_seq_id_t
    let event: OpaquePointer
    private var driver: OpaquePointer?
    /// Note events the sequencer refused to queue, for the audio log.
    private let failedSends = Atomic(0)
    /// The driver in use ("pulseaudio", "alsa", "file").
    public let driverName: String
    /// Set when the output fell back to silence because no sound device opened: say it once to the user.
    public let notice: String?
    public let clock: any PlaybackClock
    public let isAudible: Bool
    /// The playback driver's buffer, and the audition driver's when there is one.
    public let buffering: AudioBuffering
    public let auditionBuffering: AudioBuffering?
    /// The synth and driver that sound notes at once, when they opened.
    private let auditionSynth: Synth?
    private var auditionDriver: OpaquePointer?
    /// What the render callbacks of the sound device's drivers saw (playback first).
    private let monitors: [UnsafeMutablePointer<lilt_render_monitor>]
    /// The gain that volume 0 dB stands for.
    private let baseGain: Double

    /// The synth's gain on a sound device. A melody alone peaks near −12 dBFS at this gain and a melody with
    /// its chords near −7 dBFS: loud beside other audio, with headroom left for chords (FluidSynth's 0.2
    /// left a melody at −19 dBFS). The file driver keeps the synth's own gain.
    public static let liveGain = 1.0

    /// The drivers `.automatic` tries, in order.
    public static let automaticDrivers = ["pulseaudio", "alsa", "jack"]
    /// How to get sound when there is none.
    public static let soundAdvice = "to hear sound, run Lilt where PulseAudio, PipeWire (pipewire-pulse) or ALSA "
        + "has an output device, or render a WAV file with `lilt render`"

    /// Opens `synth` for live playback.
    ///
    /// - Parameters:
    ///   - request: which driver to use.
    ///   - buffering: the playback driver's buffer (a sound device's; the silent file driver keeps its own).
    ///   - audition: a second synth on the same SoundFont for `sound(_:)`, opened on the same driver with
    ///     `auditionBuffering`; without it (or when its driver fails) notes sounded at once go through `synth`.
    ///   - candidates: the drivers `.automatic` tries (default `automaticDrivers`); those not compiled in are
    ///     skipped.
    ///   - log: where ALSA's and FluidSynth's messages go while drivers open (default: the audio log).
    /// - Throws: `.unknownAudioDriver` for a name this FluidSynth lacks, `.audioDriverFailed` when a named
    ///   driver cannot open, `.call` when FluidSynth fails to make its sequencer or refuses a driver setting.
    public init(synth: Synth, request: AudioDriverRequest = .automatic, buffering: AudioBuffering = .playback,
                audition: Synth? = nil, auditionBuffering: AudioBuffering = .audition,
                candidates: [String] = FluidSynthOutput.automaticDrivers, log: URL? = nil) throws(AudioError) {
        self.synth = synth
        let log = log ?? AudioLog.file
        let sequencer = try fluidMake("new_fluid_sequencer2", new_fluid_sequencer2(0))
        let client = fluid_sequencer_register_fluidsynth(sequencer, synth.synth)
        guard client != fluid_seq_id_t(lilt_fluid_failed_value) else {
            delete_fluid_sequencer(sequencer)
            throw .call(name: "fluid_sequencer_register_fluidsynth", detail: "")
        }
        guard let event = new_fluid_event() else {
            delete_fluid_sequencer(sequencer)
            throw .call(name: "new_fluid_event", detail: "")
        }
        fluid_event_set_source(event, -1)
        fluid_event_set_dest(event, client)
        // Ticks are samples, not FluidSynth's default milliseconds: a note due at 214.29 ms is queued at
        // its sample instead of being rounded to a whole millisecond (the synth still starts notes at its
        // 64-frame blocks, 1.45 ms).
        fluid_sequencer_set_time_scale(sequencer, synth.sampleRate)
        self.sequencer = sequencer
        self.synthClient = client
        self.event = event
        self.clock = SequencerClock(sequencer: sequencer, ticksPerMillisecond: synth.sampleRate / 1000)

        let settings = synth.settings
        let available = AudioDriverProbe.availableDrivers()
        var monitors: [UnsafeMutablePointer<lilt_render_monitor>] = []
        // A sound device's driver renders through `lilt_render`, which counts underruns.
        func open(_ name: String, on synth: Synth, buffering: AudioBuffering) throws(AudioError) -> OpaquePointer? {
            try fluidSet(synth.settings, "audio.driver", name)
            try fluidSet(synth.settings, "audio.period-size", Int32(clamping: buffering.periodSize))
            try fluidSet(synth.settings, "audio.periods", Int32(clamping: buffering.periods))
            let monitor = UnsafeMutablePointer<lilt_render_monitor>.allocate(capacity: 1)
            monitor.initialize(to: lilt_render_monitor(synth: synth.synth, sample_rate: synth.sampleRate, origin_ms: 0,
                                                       rendered_ms: 0, total_ms: 0, calls: 0,
                                                       // A server may take a while to start a new stream.
                                                       warmup_calls: 2 * buffering.periods, underruns: 0,
                                                       worst_gap_ms: 0))
            let driver = StandardErrorRedirect.run(to: log) { new_fluid_audio_driver2(synth.settings, lilt_render, monitor) }
            if driver == nil { monitor.deallocate() } else { monitors.append(monitor) }
            return driver
        }
        func open(_ name: String) throws(AudioError) -> OpaquePointer? {
            try open(name, on: synth, buffering: buffering)
        }
        func openSilent(into path: String) throws(AudioError) -> OpaquePointer? {
            try fluidSet(settings, "audio.file.name", path)
            try fluidSet(settings, "audio.file.type", "raw")
            try fluidSet(settings, "audio.file.format", "s16")
            try fluidSet(settings, "audio.file.endian", "little")
            try fluidSet(settings, "audio.driver", "file")
            return StandardErrorRedirect.run(to: log) { new_fluid_audio_driver(settings, synth.synth) }
        }
        setenv("JACK_NO_START_SERVER", "1", 0)

        let chosen: (driver: OpaquePointer, name: String, audible: Bool, notice: String?)
        do throws(AudioError) {
            // JACK's settings exist only when FluidSynth has the JACK driver.
            if available.contains("jack") {
                // Named so that a patchbay (and a test) tells playback from typed notes.
                for (one, id) in [(synth, MIDIPorts.jackPlaybackClient), (audition, MIDIPorts.jackTypedClient)] {
                    guard let one else { continue }
                    try fluidSet(one.settings, "audio.jack.autoconnect", Int32(1))
                    try fluidSet(one.settings, "audio.jack.id", id)
                }
            }
            chosen = try Self.openDriver(request, available: available, candidates: candidates, log: log,
                                         open: open, openSilent: openSilent)
        } catch {
            Self.release(sequencer: sequencer, event: event)
            for monitor in monitors { monitor.deallocate() }
            throw error
        }
        self.driver = chosen.driver
        self.driverName = chosen.name
        self.isAudible = chosen.audible
        self.notice = chosen.notice
        // JACK's server sets the buffer for every client (jackd -p): a sample written in one period is
        // heard after the next, so two of its periods.
        let jack = chosen.name == "jack" && chosen.audible ? MIDIPorts.jackBuffer() : nil
        self.buffering = jack.map { AudioBuffering(periodSize: $0.frames, periods: 2) } ?? buffering
        var auditionDriver: OpaquePointer? = nil
        if chosen.audible, let audition {
            auditionDriver = try? open(chosen.name, on: audition, buffering: auditionBuffering)
            if auditionDriver == nil { AudioLog.note("no second \(chosen.name) stream for typed notes: they share playback's buffer") }
        }
        self.auditionDriver = auditionDriver
        self.monitors = monitors
        self.auditionSynth = auditionDriver == nil ? nil : audition
        self.auditionBuffering = auditionDriver == nil ? nil : jack.map { AudioBuffering(periodSize: $0.frames, periods: 2) } ?? auditionBuffering
        if chosen.audible {
            for one in [synth, self.auditionSynth].compactMap({ $0 }) { one.gain = Self.liveGain }
        }
        baseGain = synth.gain
        AudioLog.note("live output: \(chosen.name)" + (chosen.audible ? ", playback buffer \(self.buffering)" : " (silent)")
                      + (self.auditionBuffering.map { ", typed notes \($0)" } ?? ""))
    }

    /// Opens the driver `request` asks for: the driver, its name, whether it is heard, and what to tell
    /// the user when it fell back to silence.
    private static func openDriver(
        _ request: AudioDriverRequest, available: [String], candidates: [String], log: URL?,
        open: (String) throws(AudioError) -> OpaquePointer?,
        openSilent: (String) throws(AudioError) -> OpaquePointer?
    ) throws(AudioError) -> (driver: OpaquePointer, name: String, audible: Bool, notice: String?) {
        switch request {
        case .automatic:
            let tried = candidates.filter(available.contains)
            for name in tried {
                if let driver = try open(name) { return (driver, name, true, nil) }
            }
            if let driver = try openSilent("/dev/null") {
                let list = tried.isEmpty ? "no sound driver compiled in" : "tried " + tried.joined(separator: ", ")
                return (driver, "file", false,
                        "no sound device (\(list)): playing silently, keeping time. Fix: \(soundAdvice)")
            }
        case .named(let name) where ["none", "silent", "null"].contains(name.lowercased()):
            if let driver = try openSilent("/dev/null") { return (driver, "file", false, nil) }
        case .named(let name):
            guard available.contains(name) else { throw .unknownAudioDriver(name: name, available: available) }
            guard let driver = name == "file" ? try openSilent("/dev/null") : try open(name) else {
                throw .audioDriverFailed(driver: name, log: log?.path)
            }
            return (driver, name, name != "file", nil)
        case .rawFile(let url):
            if let driver = try openSilent(url.path) { return (driver, "file", false, nil) }
        }
        throw .audioDriverFailed(driver: "file", log: log?.path)
    }

    private static func release(sequencer: OpaquePointer, event: OpaquePointer) {
        delete_fluid_event(event)
        delete_fluid_sequencer(sequencer)
    }

    deinit {
        if let auditionDriver { delete_fluid_audio_driver(auditionDriver) }
        if let driver { delete_fluid_audio_driver(driver) }
        for monitor in monitors { monitor.deallocate() }
        delete_fluid_event(event)
        delete_fluid_sequencer(sequencer)
    }

    public var name: String { isAudible ? driverName : "silent" }

    /// Milliseconds between the sequencer's clock and the speaker: the playback buffer (0 when silent).
    public var latency: Double { isAudible ? buffering.milliseconds(sampleRate: synth.sampleRate) : 0 }

    /// The playback driver's period in milliseconds (0 when silent).
    public var period: Double { isAudible ? Double(buffering.periodSize) / synth.sampleRate * 1000 : 0 }

    /// Milliseconds from `sound(_:)` to the speaker, at most (0 when silent).
    public var auditionLatency: Double {
        isAudible ? (auditionBuffering ?? buffering).milliseconds(sampleRate: synth.sampleRate) : 0
    }

    public func send(_ note: NoteEvent, at time: Double, channel: Int) {
        let channel = Int32(clamping: channel)
        switch note {
        case .noteOn(let key, let velocity):
            fluid_event_noteon(event, channel, Int16(clamping: key), Int16(clamping: min(max(velocity, 1), 127)))
        case .noteOff(let key):
            fluid_event_noteoff(event, channel, Int16(clamping: key))
        }
        let tick = UInt32(clamping: Int(max(0, (time * synth.sampleRate / 1000).rounded())))
        if let error = fluidCheck("fluid_sequencer_send_at", fluid_sequencer_send_at(sequencer, event, tick, 1),
                                  detail: "\(note) on channel \(channel + 1) at \(time) ms") {
            // The player thread cannot stop for this: count it, and log the 1st, 2nd, 4th, 8th… so that a
            // sequencer refusing everything does not flood the log.
            let count = failedSends.add(1, ordering: .relaxed).newValue
            if count & (count - 1) == 0 { AudioLog.note("\(error) (\(count) events not queued so far)") }
        }
    }

    public func cancelPending() {
        fluid_sequencer_remove_events(sequencer, -1, synthClient, -1)
    }

    public func silence() {
        synth.allSoundsOff()
        auditionSynth?.allSoundsOff()
    }

    /// The audition synth gets the same instrument, so a typed note sounds like the melody it joins.
    public func setProgram(_ program: GMProgram, channel: Int) throws(AudioError) {
        try synth.select(program, channel: channel)
        if channel == 0 { try auditionSynth?.select(program) }
    }

    public func setVolume(_ decibels: Double) {
        let gain = min(10, baseGain * pow(10, decibels / 20))
        synth.gain = gain
        auditionSynth?.gain = gain
    }

    /// General MIDI's high and low wood blocks on channel 10 (index 9), which FluidSynth gives the drum kit.
    public func click(accent: Bool) {
        let target = auditionSynth ?? synth
        let key = accent ? 76 : 77
        target.noteOff(key, channel: 9)
        target.noteOn(key, velocity: accent ? 120 : 90, channel: 9)
    }

    public func sound(_ event: NoteEvent) {
        let target = auditionSynth ?? synth
        switch event {
        case .noteOn(let key, let velocity): target.noteOn(key, velocity: velocity)
        case .noteOff(let key): target.noteOff(key)
        }
    }

    /// Stops the audio driver now (the synth stays usable); later events are never heard. Records what
    /// the session's playback met (`LiveAudioReport.last`) for `lilt doctor`.
    public func close() {
        if let auditionDriver {
            delete_fluid_audio_driver(auditionDriver)
            self.auditionDriver = nil
        }
        let wasOpen = driver != nil
        if let driver {
            delete_fluid_audio_driver(driver)
            self.driver = nil
        }
        silence()
        if wasOpen, isAudible, let playback = monitors.first?.pointee {
            let report = LiveAudioReport(driver: driverName, buffering: buffering, latency: latency,
                                         auditionLatency: auditionLatency, seconds: playback.total_ms / 1000,
                                         underruns: playback.underruns, worstGap: playback.worst_gap_ms, ended: Date())
            report.save()
            AudioLog.note(report.summary)
        }
    }
}

/// The sequencer's tick (samples the synth has rendered) as a playback clock in milliseconds.
struct SequencerClock: PlaybackClock, @unchecked Sendable {
    // @unchecked: fluid_sequencer_get_tick only reads the sequencer's atomic tick counter; the pointer
    // outlives every reader because the output owning it holds this clock.
    let sequencer: OpaquePointer
    let ticksPerMillisecond: Double

    var milliseconds: Double { Double(fluid_sequencer_get_tick(sequencer)) / ticksPerMillisecond }
}
