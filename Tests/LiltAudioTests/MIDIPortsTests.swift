import Foundation
import Testing
@testable import LiltAudio

/// The kernel's list of ALSA sequencer clients as a machine with a USB keyboard shows it.
private let sequencerClients = """
    Client info
      cur  clients : 4
      peak clients : 4
      max  clients : 192

    Client   0 : "System" [Kernel]
      Port   0 : "Timer" (Rwe-)
      Port   1 : "Announce" (R-e-)
    Client  14 : "Midi Through" [Kernel]
      Port   0 : "Midi Through Port-0" (RWe-)
    Client  20 : "Keystation 49" [Kernel]
      Port   0 : "Keystation 49 MIDI 1" (RWeX)
      Port   1 : "Keystation 49 MIDI 2" (-We-)
    Client 128 : "FLUID Synth (lilt)" [User]
      Port   0 : "Lilt input" (-We-)
    """

@Test("ALSA sequencer sources: readable, subscribable ports, without the system client's or Lilt's own")
func alsaSourcesFromTheKernelList() {
    let ports = MIDIPorts.alsaSources(procText: sequencerClients)
    #expect(ports == [
        MIDIPort(system: .alsa, address: "14:0", name: "Midi Through: Midi Through Port-0"),
        MIDIPort(system: .alsa, address: "20:0", name: "Keystation 49: Keystation 49 MIDI 1"),
    ])
}

@Test("a MIDI port is found by its number in the list, its address, or a part of its name only it has")
func findingAPort() {
    let ports = MIDIPorts.alsaSources(procText: sequencerClients)
        + [MIDIPort(system: .jack, address: "a2j:Keystation 49 [20] (capture): MIDI 1", name: "a2j:Keystation 49 [20] (capture): MIDI 1")]
    #expect(MIDIPorts.find("2", in: ports)?.address == "20:0")
    #expect(MIDIPorts.find("14:0", in: ports)?.name == "Midi Through: Midi Through Port-0")
    #expect(MIDIPorts.find("through", in: ports)?.address == "14:0")
    #expect(MIDIPorts.find("capture", in: ports)?.system == .jack)
    // Two ports have "Keystation" in their names: the request names neither.
    #expect(MIDIPorts.find("keystation", in: ports) == nil)
    #expect(MIDIPorts.find("9", in: ports) == nil)
}
