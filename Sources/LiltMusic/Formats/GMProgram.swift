import Foundation

/// A name or number that is no General MIDI program.
public struct UnknownGMProgram: Error, CustomStringConvertible, Equatable {
    public var text: String

    public init(text: String) { self.text = text }

    public var description: String {
        "'\(text)' is not a General MIDI program: give a number 1–128 or a name "
            + "such as 'Acoustic Grand Piano', 'violin' or 'flute' (see `lilt play --help`)"
    }
}

/// A General MIDI melodic instrument (bank 0): the one type for an instrument everywhere (sessions,
/// MIDI files, the synth). `number` is what a MIDI program change carries (0…127); `gmNumber` is how
/// General MIDI and people count them (1…128), and how sessions store it.
public struct GMProgram: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The MIDI program number, 0…127.
    public let number: Int

    /// Program `number` (0…127); nil outside that range.
    public init?(number: Int) {
        guard (0..<128).contains(number) else { return nil }
        self.number = number
    }

    /// The instrument General MIDI lists as `gmNumber` (1…128); nil outside that range.
    public init?(gmNumber: Int) {
        self.init(number: gmNumber - 1)
    }

    /// The General MIDI name, e.g. "Acoustic Grand Piano".
    public var name: String { GMProgram.names[number] }
    /// The number as General MIDI lists it (1…128).
    public var gmNumber: Int { number + 1 }
    public var description: String { "\(gmNumber) \(name)" }

    public static let acousticGrandPiano = GMProgram(number: 0)!
    public static let flute = GMProgram(number: 73)!
    /// Acoustic Guitar (nylon), General MIDI 25: what chord symbols are played with unless asked otherwise.
    public static let defaultChords = GMProgram(number: 24)!

    /// Reads `--program`: a General MIDI number 1…128, or a name. A name matches case-insensitively and
    /// ignoring spaces, hyphens and parentheses; an exact name wins, then a unique name that starts with the
    /// text, then the first name that contains it ("violin" → 41 Violin, "piano" → 1 Acoustic Grand Piano).
    public static func parse(_ text: String) throws(UnknownGMProgram) -> GMProgram {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Int(trimmed) {
            guard let program = GMProgram(gmNumber: number) else { throw UnknownGMProgram(text: text) }
            return program
        }
        let wanted = simplified(trimmed)
        guard !wanted.isEmpty else { throw UnknownGMProgram(text: text) }
        let keys = names.map(simplified)
        if let exact = keys.firstIndex(of: wanted) { return GMProgram(number: exact)! }
        let prefixed = keys.indices.filter { keys[$0].hasPrefix(wanted) }
        if prefixed.count == 1 { return GMProgram(number: prefixed[0])! }
        if let containing = keys.firstIndex(where: { $0.contains(wanted) }) { return GMProgram(number: containing)! }
        throw UnknownGMProgram(text: text)
    }

    /// Stored as the General MIDI number (1…128), as sessions have always written it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let gmNumber = try container.decode(Int.self)
        guard let program = GMProgram(gmNumber: gmNumber) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a General MIDI program is 1-128, not \(gmNumber)")
        }
        self = program
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(gmNumber)
    }

    private static func simplified(_ name: String) -> String {
        String(name.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    /// The 128 General MIDI Level 1 melodic instrument names, in program order.
    public static let names: [String] = [
        // Piano
        "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
        "Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavinet",
        // Chromatic percussion
        "Celesta", "Glockenspiel", "Music Box", "Vibraphone", "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
        // Organ
        "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ", "Reed Organ", "Accordion", "Harmonica",
        "Tango Accordion",
        // Guitar
        "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)", "Electric Guitar (clean)",
        "Electric Guitar (muted)", "Overdriven Guitar", "Distortion Guitar", "Guitar Harmonics",
        // Bass
        "Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass", "Slap Bass 1",
        "Slap Bass 2", "Synth Bass 1", "Synth Bass 2",
        // Strings
        "Violin", "Viola", "Cello", "Contrabass", "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp",
        "Timpani",
        // Ensemble
        "String Ensemble 1", "String Ensemble 2", "Synth Strings 1", "Synth Strings 2", "Choir Aahs", "Voice Oohs",
        "Synth Voice", "Orchestra Hit",
        // Brass
        "Trumpet", "Trombone", "Tuba", "Muted Trumpet", "French Horn", "Brass Section", "Synth Brass 1",
        "Synth Brass 2",
        // Reed
        "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax", "Oboe", "English Horn", "Bassoon", "Clarinet",
        // Pipe
        "Piccolo", "Flute", "Recorder", "Pan Flute", "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
        // Synth lead
        "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)", "Lead 5 (charang)",
        "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)",
        // Synth pad
        "Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)", "Pad 5 (bowed)",
        "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)",
        // Synth effects
        "FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)", "FX 5 (brightness)",
        "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)",
        // Ethnic
        "Sitar", "Banjo", "Shamisen", "Koto", "Kalimba", "Bagpipe", "Fiddle", "Shanai",
        // Percussive
        "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock", "Taiko Drum", "Melodic Tom", "Synth Drum",
        "Reverse Cymbal",
        // Sound effects
        "Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet", "Telephone Ring", "Helicopter", "Applause",
        "Gunshot",
    ]
}
