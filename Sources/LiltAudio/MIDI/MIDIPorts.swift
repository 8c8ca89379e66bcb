import Foundation
internal import CJack

/// A MIDI source Lilt can listen to: a keyboard, a sequencer, another program.
public struct MIDIPort: Sendable, Hashable, CustomStringConvertible {
    public enum System: String, Sendable { case jack, alsa }
    public var system: System
    /// How the system addresses it: JACK's full port name (`client:port`), or the ALSA sequencer's
    /// `client:port` numbers.
    public var address: String
    /// What it is called (ALSA: the client's and the port's names; JACK: the port name).
    public var name: String

    public init(system: System, address: String, name: String) {
        self.system = system
        self.address = address
        self.name = name
    }

    public var description: String {
        system == .jack ? "JACK \(address)" : "ALSA \(address) \(name)"
    }
}

/// The MIDI sources there are now. Lilt's own ports are left out.
public enum MIDIPorts {
    /// Lilt's JACK clients: playback, typed notes (which the MIDI port joins when it is there), and the
    /// MIDI input's own when it is not. Their names are how a patchbay, a test and these lists tell them.
    static let jackPlaybackClient = "lilt"
    static let jackTypedClient = "lilt-typed"
    static let jackClient = "lilt-midi"
    static let ownJackClients = [jackPlaybackClient, jackTypedClient, jackClient]
    /// The ALSA sequencer id of Lilt's MIDI input (FluidSynth names the client "FLUID Synth (lilt)").
    static let alsaID = "lilt"

    /// JACK's MIDI sources when a JACK server runs, then the ALSA sequencer's when it exists.
    public static func list() -> [MIDIPort] { jackSources() + alsaSources() }

    /// Finds what `request` names among `ports`: its number in the list (from 1), its address, or a
    /// part of its name or address (case ignored) that only one port has.
    public static func find(_ request: String, in ports: [MIDIPort]) -> MIDIPort? {
        let wanted = request.trimmingCharacters(in: .whitespaces)
        if let number = Int(wanted), ports.indices.contains(number - 1) { return ports[number - 1] }
        if let exact = ports.first(where: { $0.address == wanted }) { return exact }
        let matches = ports.filter {
            $0.address.localizedCaseInsensitiveContains(wanted) || $0.name.localizedCaseInsensitiveContains(wanted)
        }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Whether a JACK server answers (a client opens without starting one).
    public static var jackIsRunning: Bool {
        guard let client = lilt_jack_open("lilt-probe") else { return false }
        jack_client_close(client)
        return true
    }

    /// JACK's buffer: frames per period and the sample rate, when a server runs.
    public static func jackBuffer() -> (frames: Int, sampleRate: Double)? {
        guard let client = lilt_jack_open("lilt-probe") else { return nil }
        defer { jack_client_close(client) }
        return (Int(jack_get_buffer_size(client)), Double(jack_get_sample_rate(client)))
    }

    static func jackSources() -> [MIDIPort] {
        guard let client = lilt_jack_open("lilt-probe") else { return [] }
        defer { jack_client_close(client) }
        guard let names = jack_get_ports(client, nil, JACK_DEFAULT_MIDI_TYPE, lilt_jack_port_is_output) else { return [] }
        defer { jack_free(names) }
        var ports: [MIDIPort] = []
        var index = 0
        while let name = names[index] {
            let address = String(cString: name)
            if !ownJackClients.contains(where: { address.hasPrefix($0 + ":") }) { ports.append(MIDIPort(system: .jack, address: address, name: address)) }
            index += 1
        }
        return ports
    }

    /// Lilt's JACK MIDI input port. FluidSynth names it midi_00, on the JACK client this process already
    /// has when there is one (the audio driver's) and on "lilt-midi" otherwise.
    static func jackOwnInput(_ client: OpaquePointer) -> String? {
        let pattern = "^(" + ownJackClients.joined(separator: "|") + "):midi_"
        guard let names = jack_get_ports(client, pattern, JACK_DEFAULT_MIDI_TYPE,
                                         lilt_jack_port_is_input) else { return nil }
        defer { jack_free(names) }
        return names[0].map { String(cString: $0) }
    }

    static func alsaSources() -> [MIDIPort] {
        guard let text = try? String(contentsOfFile: "/proc/asound/seq/clients", encoding: .utf8) else { return [] }
        return alsaSources(procText: text)
    }

    /// One port of the kernel's list of sequencer clients, with its client.
    struct SequencerPort {
        var client: Int, clientName: String, port: Int, name: String
        /// Readable and open to subscription (`R` first among its flags).
        var isSource: Bool
        var isLilts: Bool { clientName.contains("(\(alsaID))") }
    }

    /// The ports in the kernel's list (`Client  20 : "USB Keyboard" [Kernel]`, then
    /// `  Port   0 : "USB Keyboard MIDI 1" (R-e-)` under it).
    static func sequencerPorts(procText: String) -> [SequencerPort] {
        var ports: [SequencerPort] = []
        var client: (number: Int, name: String)?
        for line in procText.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Client ") {
                client = numberedName(trimmed.dropFirst("Client ".count))
            } else if trimmed.hasPrefix("Port "), let client, let port = numberedName(trimmed.dropFirst("Port ".count)) {
                let flags = trimmed.split(separator: "(").last
                ports.append(SequencerPort(client: client.number, clientName: client.name, port: port.number,
                                           name: port.name, isSource: flags?.first == "R"))
            }
        }
        return ports
    }

    /// The sources among them, except the system client's (timer, announcements) and Lilt's own.
    static func alsaSources(procText: String) -> [MIDIPort] {
        sequencerPorts(procText: procText).filter { $0.isSource && $0.client != 0 && !$0.isLilts }.map {
            MIDIPort(system: .alsa, address: "\($0.client):\($0.port)",
                     name: $0.clientName == $0.name ? $0.name : "\($0.clientName): \($0.name)")
        }
    }

    /// The ALSA sequencer port FluidSynth opened for Lilt's input, when it is there.
    static func alsaOwnPort() -> (client: Int, port: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/asound/seq/clients", encoding: .utf8),
              let own = sequencerPorts(procText: text).first(where: \.isLilts) else { return nil }
        return (own.client, own.port)
    }

    /// `  20 : "Name" …` → (20, Name).
    private static func numberedName(_ text: Substring) -> (number: Int, name: String)? {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let number = Int(parts[0].trimmingCharacters(in: .whitespaces)) else { return nil }
        let rest = parts[1]
        guard let open = rest.firstIndex(of: "\""), let close = rest[rest.index(after: open)...].firstIndex(of: "\"") else { return nil }
        return (number, String(rest[rest.index(after: open)..<close]))
    }
}
