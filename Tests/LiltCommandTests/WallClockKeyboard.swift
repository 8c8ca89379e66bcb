import CJack
import Foundation

/// A JACK MIDI client that plays like a person: each note goes out in the first process cycle after its
/// time on the wall clock. A frame-counting sequencer (jack_midiseq) would not do: the dummy backend, when
/// a cycle comes late, starts counting again from then, so such a sequencer falls behind the wall clock
/// by the stall for good, while a player's hands — and the studio's record mode — keep wall time.
final class WallClockKeyboard: @unchecked Sendable {
    /// A note of the loop: its key, and its start and end in seconds within the loop.
    struct Note { var key: UInt8; var on: Double; var off: Double }

    private let client: OpaquePointer
    private let port: OpaquePointer
    private let events: [(time: Double, bytes: [UInt8])]
    private let loop: Double
    private let start: Double
    /// Touched only by JACK's process thread.
    private var next = 0

    /// Opens the client `name` on the server `JACK_DEFAULT_SERVER` names, with the output port `out`.
    init(name: String, server: String, loop: Double, notes: [Note]) throws {
        setenv("JACK_DEFAULT_SERVER", server, 1)
        guard let client = lilt_jack_open(name) else { throw KeyboardError("no JACK server \(server)") }
        guard let port = jack_port_register(client, "out", JACK_DEFAULT_MIDI_TYPE, lilt_jack_port_is_output, 0) else {
            jack_client_close(client)
            throw KeyboardError("the port \(name):out could not be registered")
        }
        self.client = client
        self.port = port
        self.loop = loop
        events = notes.flatMap { [(time: $0.on, bytes: [0x90, $0.key, 100]), (time: $0.off, bytes: [0x80, $0.key, 0])] }
            .sorted { $0.time < $1.time }
        start = WallClockKeyboard.now() + 0.2
        let context = Unmanaged.passUnretained(self).toOpaque()
        jack_set_process_callback(client, { frames, context in
            guard let context else { return 0 }
            Unmanaged<WallClockKeyboard>.fromOpaque(context).takeUnretainedValue().process(frames)
            return 0
        }, context)
        guard jack_activate(client) == 0 else {
            jack_client_close(client)
            throw KeyboardError("the client \(name) could not start")
        }
    }

    /// Takes the client and its port away, as unplugging a keyboard does.
    func close() { jack_client_close(client) }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Writes every event that is due (at the cycle's first frame).
    private func process(_ frames: jack_nframes_t) {
        guard let buffer = jack_port_get_buffer(port, frames) else { return }
        jack_midi_clear_buffer(buffer)
        let elapsed = WallClockKeyboard.now() - start
        while true {
            let event = events[next % events.count]
            let due = Double(next / events.count) * loop + event.time
            guard due <= elapsed else { break }
            _ = event.bytes.withUnsafeBufferPointer { jack_midi_event_write(buffer, 0, $0.baseAddress, $0.count) }
            next += 1
        }
    }
}

struct KeyboardError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
