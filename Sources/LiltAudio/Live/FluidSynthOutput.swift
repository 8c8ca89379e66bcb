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
/// Notes are queued on the sequencer at exact millisecond ticks; the sequencer is driven by the synth's
/// sample clock, so timing depends on the audio thread alone. The tick clock is what the player schedules
/// against. The C objects are freed in the order FluidSynth needs: driver, sequencer, synth.
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

    /// The drivers `.automatic` tries, in order.
    public static let automaticDrivers = ["pulseaudio", "alsa", "jack"]
    /// How to get sound when there is none.
    public static let soundAdvice = "to hear sound, run Lilt where PulseAudio, PipeWire (pipewire-pulse) or ALSA "
        + "has an output device, or render a WAV file with `lilt render`"

    /// Opens `synth` for live playback.
    ///
    /// - Parameters:
    ///   - request: which driver to use.
    ///   - candidates: the drivers `.automatic` tries (default `automaticDrivers`); those not compiled in are
    ///     skipped.
    ///   - log: where ALSA's and FluidSynth's messages go while drivers open (default: the audio log).
    /// - Throws: `.unknownAudioDriver` for a name this FluidSynth lacks, `.audioDriverFailed` when a named
    ///   driver cannot open, `.call` when FluidSynth fails to make its sequencer or refuses a driver setting.
    public init(synth: Synth, request: AudioDriverRequest = .automatic,
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
        self.sequencer = sequencer
        self.synthClient = client
        self.event = event
        self.clock = SequencerClock(sequencer: sequencer)

        let settings = synth.settings
        let available = AudioDriverProbe.availableDrivers()
        func open(_ name: String) throws(AudioError) -> OpaquePointer? {
            try fluidSet(settings, "audio.driver", name)
            return StandardErrorRedirect.run(to: log) { new_fluid_audio_driver(settings, synth.synth) }
        }
        func openSilent(into path: String) throws(AudioError) -> OpaquePointer? {
            try fluidSet(settings, "audio.file.name", path)
            try fluidSet(settings, "audio.file.type", "raw")
            try fluidSet(settings, "audio.file.format", "s16")
            try fluidSet(settings, "audio.file.endian", "little")
            return try open("file")
        }
        setenv("JACK_NO_START_SERVER", "1", 0)

        let chosen: (driver: OpaquePointer, name: String, audible: Bool, notice: String?)
        do throws(AudioError) {
            // JACK's settings exist only when FluidSynth has the JACK driver.
            if available.contains("jack") { try fluidSet(settings, "audio.jack.autoconnect", Int32(1)) }
            chosen = try Self.openDriver(request, available: available, candidates: candidates, log: log,
                                         open: open, openSilent: openSilent)
        } catch {
            Self.release(sequencer: sequencer, event: event)
            throw error
        }
        self.driver = chosen.driver
        self.driverName = chosen.name
        self.isAudible = chosen.audible
        self.notice = chosen.notice
        AudioLog.note("live output: \(chosen.name)" + (chosen.audible ? "" : " (silent)"))
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
        if let driver { delete_fluid_audio_driver(driver) }
        delete_fluid_event(event)
        delete_fluid_sequencer(sequencer)
    }

    public var name: String { isAudible ? driverName : "silent" }

    public func send(_ note: NoteEvent, at time: Double) {
        switch note {
        case .noteOn(let key, let velocity):
            fluid_event_noteon(event, 0, Int16(clamping: key), Int16(clamping: min(max(velocity, 1), 127)))
        case .noteOff(let key):
            fluid_event_noteoff(event, 0, Int16(clamping: key))
        }
        let tick = UInt32(clamping: Int(max(0, time.rounded())))
        if let error = fluidCheck("fluid_sequencer_send_at", fluid_sequencer_send_at(sequencer, event, tick, 1),
                                  detail: "\(note) at \(tick) ms") {
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
    }

    public func setProgram(_ program: GMProgram) throws(AudioError) {
        try synth.select(program)
    }

    public func sound(_ event: NoteEvent) {
        switch event {
        case .noteOn(let key, let velocity): synth.noteOn(key, velocity: velocity)
        case .noteOff(let key): synth.noteOff(key)
        }
    }

    /// Stops the audio driver now (the synth stays usable); later events are never heard.
    public func close() {
        if let driver {
            delete_fluid_audio_driver(driver)
            self.driver = nil
        }
        synth.allSoundsOff()
    }
}

/// The sequencer's tick (milliseconds of audio the synth has rendered) as a playback clock.
struct SequencerClock: PlaybackClock, @unchecked Sendable {
    // @unchecked: fluid_sequencer_get_tick only reads the sequencer's atomic millisecond counter; the
    // pointer outlives every reader because the output owning it holds this clock.
    let sequencer: OpaquePointer

    var milliseconds: Double { Double(fluid_sequencer_get_tick(sequencer)) }
}
