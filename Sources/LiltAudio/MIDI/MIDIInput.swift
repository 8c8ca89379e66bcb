import Foundation
internal import CFluidSynth
internal import CJack
internal import CALSA

/// A note from a MIDI keyboard.
public enum MIDIMessage: Sendable, Equatable {
    case noteOn(key: Int, velocity: Int)
    case noteOff(key: Int)
}

/// MIDI coming in through FluidSynth's MIDI driver (JACK MIDI, or the ALSA sequencer where USB keyboards
/// appear, also under PipeWire), handed note by note to `receive` on the driver's thread as it arrives.
///
/// FluidSynth opens Lilt's own input port; connecting a source to it is the MIDI system's business, done
/// here through JACK's or ALSA's own API (FluidSynth has no call for it).
public final class MIDIInput: @unchecked Sendable {
    // @unchecked: the driver pointer is set in init and cleared in close(), which the owner calls from
    // one thread; the receiver is immutable and its closure Sendable.
    private let settings: OpaquePointer
    private var driver: OpaquePointer?
    private let receiver: Unmanaged<MIDIReceiver>
    /// The MIDI system it listens on.
    public let system: MIDIPort.System
    /// The sources connected to it when it opened.
    public let sources: [MIDIPort]

    /// Opens Lilt's MIDI input and connects `port` to it, or every source there is when `port` is nil.
    ///
    /// - Throws: `.midi` when there is no MIDI system (no JACK server and no ALSA sequencer), when the
    ///   driver cannot open, or when the source cannot be connected.
    public init(connecting port: MIDIPort?, log: URL? = nil,
                receive: @escaping @Sendable (MIDIMessage) -> Void) throws(AudioError) {
        let system: MIDIPort.System
        if let port { system = port.system } else if MIDIPorts.jackIsRunning { system = .jack } else if
            FileManager.default.fileExists(atPath: "/dev/snd/seq") { system = .alsa } else {
            throw .midi("no MIDI system here: no JACK server runs and there is no ALSA sequencer (/dev/snd/seq)")
        }
        let settings = try fluidMake("new_fluid_settings", new_fluid_settings())
        let receiver = Unmanaged.passRetained(MIDIReceiver(receive))
        var opened: OpaquePointer?
        do throws(AudioError) {
            switch system {
            case .jack:
                try fluidSet(settings, "midi.driver", "jack")
                try fluidSet(settings, "midi.jack.id", MIDIPorts.jackClient)
            case .alsa:
                try fluidSet(settings, "midi.driver", "alsa_seq")
                try fluidSet(settings, "midi.alsa_seq.id", MIDIPorts.alsaID)
                try fluidSet(settings, "midi.portname", "Lilt input")
                // With no port named, FluidSynth subscribes every source itself (keyboards plugged in later too).
                if port == nil { try fluidSet(settings, "midi.autoconnect", Int32(1)) }
            }
            setenv("JACK_NO_START_SERVER", "1", 0)
            let context = receiver.toOpaque()
            opened = StandardErrorRedirect.run(to: log ?? AudioLog.file) {
                new_fluid_midi_driver(settings, midiInputHandler, context)
            }
            guard opened != nil else {
                throw AudioError.midi("the \(system.rawValue) MIDI driver could not open (details in the audio log)")
            }
            sources = try Self.connect(port, system: system)
        } catch {
            if let opened { delete_fluid_midi_driver(opened) }
            delete_fluid_settings(settings)
            receiver.release()
            throw error
        }
        self.system = system
        self.settings = settings
        self.receiver = receiver
        self.driver = opened
    }

    deinit {
        close()
        delete_fluid_settings(settings)
        receiver.release()
    }

    /// Stops listening; nothing is received afterwards.
    public func close() {
        if let driver {
            delete_fluid_midi_driver(driver)
            self.driver = nil
        }
    }

    /// Whether every source it was connected to is still there (a keyboard unplugged, a program ended).
    public var sourcesPresent: Bool {
        let now = Set(system == .jack ? MIDIPorts.jackSources().map(\.address) : MIDIPorts.alsaSources().map(\.address))
        return sources.allSatisfy { now.contains($0.address) }
    }

    /// Connects `port` (or every source, on JACK, when nil) to Lilt's input; the sources connected.
    private static func connect(_ port: MIDIPort?, system: MIDIPort.System) throws(AudioError) -> [MIDIPort] {
        switch system {
        case .jack:
            let wanted = port.map { [$0] } ?? MIDIPorts.jackSources()
            guard !wanted.isEmpty else { return [] }
            guard let client = lilt_jack_open("lilt-connect") else { throw .midi("the JACK server went away") }
            defer { jack_client_close(client) }
            guard let input = MIDIPorts.jackOwnInput(client) else { throw .midi("Lilt's JACK MIDI port did not appear") }
            for source in wanted {
                let result = jack_connect(client, source.address, input)
                if result != 0 && result != EEXIST {
                    throw .midi("JACK could not connect \(source.address) to \(input) (error \(result))")
                }
            }
            return wanted
        case .alsa:
            guard let port else { return MIDIPorts.alsaSources() }
            let own = MIDIPorts.alsaOwnPort()
            let sender = port.address.split(separator: ":").compactMap { Int($0) }
            guard let own, sender.count == 2 else { throw .midi("Lilt's ALSA sequencer port did not appear") }
            let result = lilt_alsa_connect(Int32(sender[0]), Int32(sender[1]), Int32(own.client), Int32(own.port))
            if result < 0 {
                throw .midi("ALSA could not connect \(port.address) (\(port.name)): \(String(cString: snd_strerror(result)))")
            }
            return [port]
        }
    }
}

/// What the driver's thread hands each note to.
private final class MIDIReceiver: Sendable {
    let receive: @Sendable (MIDIMessage) -> Void
    init(_ receive: @escaping @Sendable (MIDIMessage) -> Void) { self.receive = receive }
}

/// FluidSynth's MIDI callback: note-ons and note-offs (a note-on at velocity 0 is a note-off), any channel.
private let midiInputHandler: handle_midi_event_func_t = { data, event in
    guard let data, let event else { return 0 }
    let receiver = Unmanaged<MIDIReceiver>.fromOpaque(data).takeUnretainedValue()
    let key = Int(fluid_midi_event_get_key(event)), velocity = Int(fluid_midi_event_get_velocity(event))
    switch fluid_midi_event_get_type(event) {
    case 0x90 where velocity > 0: receiver.receive(.noteOn(key: key, velocity: velocity))
    case 0x90, 0x80: receiver.receive(.noteOff(key: key))
    default: break
    }
    return 0
}
