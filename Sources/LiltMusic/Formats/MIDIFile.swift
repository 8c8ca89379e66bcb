import Foundation

/// Why a Standard MIDI File could not be read.
public enum MIDIError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case malformed(file: String, offset: Int, reason: String)
    case noNotes(file: String, part: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot be read: \(reason)"
        case .malformed(let file, let offset, let reason): "\(file): byte \(offset): \(reason)"
        case .noNotes(let file, let part): "\(file): no notes in \(part)"
        }
    }
}

/// How a melody is taken from a MIDI file.
public struct MIDIMelodyOptions: Sendable, Equatable {
    /// Take the notes of this track (0-based, in file order) only.
    public var track: Int?
    /// Take the notes of this channel (0–15) only.
    public var channel: Int?
    /// Onsets and ends are rounded to multiples of this many quarter notes (1/24 keeps 32nd notes and
    /// sixteenth triplets); nil keeps the exact tick positions.
    public var grid: QuarterLength?
    /// Whether the other non-drum notes (an accompaniment) are named as chord symbols, beat by beat.
    public var chords: Bool

    public init(track: Int? = nil, channel: Int? = nil, grid: QuarterLength? = QuarterLength(1, 24), chords: Bool = true) {
        self.track = track
        self.channel = channel
        self.grid = grid
        self.chords = chords
    }
}

/// A parsed Standard MIDI File (format 0, 1 or 2): its notes (paired note-ons and note-offs) and the
/// tempo, time and key signature events.
public struct MIDIFile: Sendable {
    /// How ticks relate to time.
    public enum Division: Sendable, Equatable {
        case ticksPerQuarter(Int)
        /// SMPTE: frames per second and ticks per frame.
        case smpte(framesPerSecond: Int, ticksPerFrame: Int)
    }

    /// A sounding note, in ticks.
    public struct NoteEvent: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var pitch: Int
        public var velocity: Int
        public var channel: Int
        public var track: Int
    }

    public struct Track: Sendable {
        public var name: String?
        public var endTick = 0
    }

    public var file: String
    public var format: Int
    public var division: Division
    public var tracks: [Track] = []
    public var notes: [NoteEvent] = []
    /// (tick, microseconds per quarter note)
    public var tempos: [(tick: Int, microsecondsPerQuarter: Int)] = []
    public var timeSignatures: [(tick: Int, meter: Meter)] = []
    public var keySignatures: [(tick: Int, key: Key)] = []
    /// Every note-on event in the file, velocity 0 included (what `midicsv` lists as `Note_on_c`).
    public var noteOnEventCount = 0

    /// Reads the file at `url`.
    public static func read(contentsOf url: URL) throws -> MIDIFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw MIDIError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try MIDIFile(bytes: [UInt8](data), file: url.path)
    }

    /// Parses SMF bytes. Unknown chunks are skipped; every length is checked against the data.
    public init(bytes: [UInt8], file: String = "<midi>") throws {
        self.file = file
        func fail(_ offset: Int, _ reason: String) -> MIDIError { .malformed(file: file, offset: offset, reason: reason) }
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        var offset = 0
        // A RIFF RMID wrapper holds the SMF in its "data" chunk.
        if bytes.count >= 20, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("RMID".utf8) {
            offset = 12
            while offset + 8 <= bytes.count, !bytes[offset..<(offset + 4)].elementsEqual("data".utf8) {
                let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
                    | Int(bytes[offset + 7]) << 24
                offset += 8 + size + (size & 1)
            }
            offset += 8
        }
        guard offset + 14 <= bytes.count, bytes[offset..<(offset + 4)].elementsEqual("MThd".utf8) else {
            throw fail(offset, "not a Standard MIDI File (no MThd header)")
        }
        let headerLength = u32(offset + 4)
        guard headerLength >= 6, headerLength <= bytes.count - offset - 8 else { throw fail(offset + 4, "bad header length \(headerLength)") }
        format = Int(bytes[offset + 8]) << 8 | Int(bytes[offset + 9])
        guard format <= 2 else { throw fail(offset + 8, "unknown SMF format \(format)") }
        let declaredTracks = Int(bytes[offset + 10]) << 8 | Int(bytes[offset + 11])
        let divisionHigh = bytes[offset + 12], divisionLow = bytes[offset + 13]
        if divisionHigh & 0x80 != 0 {
            let fps = 256 - Int(divisionHigh)
            guard [24, 25, 29, 30].contains(fps), divisionLow > 0 else { throw fail(offset + 12, "bad SMPTE division") }
            division = .smpte(framesPerSecond: fps == 29 ? 30 : fps, ticksPerFrame: Int(divisionLow))
        } else {
            let ticks = Int(divisionHigh) << 8 | Int(divisionLow)
            guard ticks > 0 else { throw fail(offset + 12, "division of 0 ticks per quarter note") }
            division = .ticksPerQuarter(ticks)
        }
        offset += 8 + headerLength
        while offset < bytes.count {
            guard offset + 8 <= bytes.count else { throw fail(offset, "truncated chunk header") }
            let length = u32(offset + 4)
            let body = offset + 8
            guard length <= bytes.count - body else {
                throw fail(offset + 4, "chunk length \(length) runs past the end of the file (\(bytes.count - body) bytes left)")
            }
            if bytes[offset..<(offset + 4)].elementsEqual("MTrk".utf8) {
                try parseTrack(bytes, body..<(body + length), fail: fail)
            }
            offset = body + length
        }
        guard !tracks.isEmpty else {
            throw fail(offset, declaredTracks > 0 ? "the header declares \(declaredTracks) track(s) but none is present"
                                                  : "no tracks")
        }
    }

    private mutating func parseTrack(_ bytes: [UInt8], _ range: Range<Int>, fail: (Int, String) -> MIDIError) throws {
        let trackIndex = tracks.count
        var track = Track()
        var p = range.lowerBound
        var tick = 0
        var runningStatus: UInt8 = 0
        // Sounding notes by channel << 7 | pitch, oldest first: a note-off ends the oldest (FIFO); `head`
        // is the first still sounding, so each off is O(1) even for hostile files.
        var open: [Int: (starts: [(start: Int, velocity: Int)], head: Int)] = [:]
        func vlq() throws -> Int {
            var value = 0
            for _ in 0..<4 {
                guard p < range.upperBound else { throw fail(p, "truncated variable-length number") }
                let byte = bytes[p]
                p += 1
                value = value << 7 | Int(byte & 0x7F)
                if byte & 0x80 == 0 { return value }
            }
            throw fail(p, "variable-length number longer than 4 bytes")
        }
        func data(_ count: Int) throws -> Range<Int> {
            guard count <= range.upperBound - p else { throw fail(p, "event of \(count) bytes runs past the end of the track") }
            defer { p += count }
            return p..<(p + count)
        }
        func close(_ key: Int, at tick: Int) {
            guard let queue = open[key], queue.head < queue.starts.count else { return }
            let first = queue.starts[queue.head]
            open[key]!.head += 1
            notes.append(NoteEvent(start: first.start, end: tick, pitch: key & 0x7F, velocity: first.velocity,
                                   channel: key >> 7, track: trackIndex))
        }
        trackLoop: while p < range.upperBound {
            let delta = try vlq()
            tick += delta
            guard tick < 1 << 40 else { throw fail(p, "time runs past 2^40 ticks") }
            guard p < range.upperBound else { throw fail(p, "truncated event") }
            var status = bytes[p]
            if status & 0x80 != 0 {
                p += 1
            } else {
                // Running status: the previous channel status applies (kept across meta and sysex events,
                // as real files expect).
                guard runningStatus != 0 else { throw fail(p, "data byte 0x\(String(status, radix: 16)) without a status") }
                status = runningStatus
            }
            switch status {
            case 0xFF:
                let typeRange = try data(1)
                let type = bytes[typeRange.lowerBound]
                let length = try vlq()
                let body = try data(length)
                switch type {
                case 0x2F:
                    break trackLoop
                case 0x51 where length == 3:
                    let us = Int(bytes[body.lowerBound]) << 16 | Int(bytes[body.lowerBound + 1]) << 8 | Int(bytes[body.lowerBound + 2])
                    if us > 0 { tempos.append((tick, us)) }
                case 0x58 where length >= 2:
                    let n = Int(bytes[body.lowerBound]), power = Int(bytes[body.lowerBound + 1])
                    if n > 0, power < 8 { timeSignatures.append((tick, Meter(n, 1 << power))) }
                case 0x59 where length >= 2:
                    let sf = Int(Int8(bitPattern: bytes[body.lowerBound]))
                    if abs(sf) <= 7 {
                        keySignatures.append((tick, Key(fifths: sf, mode: bytes[body.lowerBound + 1] == 1 ? .minor : .major)))
                    }
                case 0x03 where track.name == nil:
                    let name = TextDecoding.string(bytes[body]).trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
                    if !name.isEmpty { track.name = name }
                default:
                    break
                }
            case 0xF0, 0xF7:
                let length = try vlq()
                _ = try data(length)
            case 0xF1...0xFE:
                // System common / real-time bytes do not belong in files; skip the byte.
                continue
            default:
                runningStatus = status
                let kind = status & 0xF0
                let channel = Int(status & 0x0F)
                let count = kind == 0xC0 || kind == 0xD0 ? 1 : 2
                let body = try data(count)
                if kind == 0x90 || kind == 0x80 {
                    let pitch = Int(bytes[body.lowerBound] & 0x7F)
                    let velocity = Int(bytes[body.lowerBound + 1] & 0x7F)
                    let key = channel << 7 | pitch
                    if kind == 0x90 { noteOnEventCount += 1 }
                    if kind == 0x90 && velocity > 0 {
                        open[key, default: ([], 0)].starts.append((tick, velocity))
                    } else {
                        close(key, at: tick)
                    }
                }
            }
        }
        for key in open.keys.sorted() {
            while let queue = open[key], queue.head < queue.starts.count { close(key, at: tick) }
        }
        track.endTick = tick
        tracks.append(track)
    }

    /// A tick position in quarter notes.
    public func quarters(_ tick: Int) -> QuarterLength {
        switch division {
        case .ticksPerQuarter(let ticks): QuarterLength(tick, ticks)
        case .smpte(let fps, let perFrame): QuarterLength(2 * tick, fps * perFrame)  // at 120 quarters a minute
        }
    }

    /// The melody: the notes of the chosen track or channel, or else of the highest-sounding non-drum
    /// part (a track and channel pair, by mean pitch), reduced to one line (of notes sounding together the
    /// highest wins; a lower note starting under a held higher one is left out), quantized to the grid,
    /// with rests filling the gaps from time 0, and a closing rest when the track ends up to a bar after
    /// its last note. The other non-drum notes, when there are any, become the melody's chord symbols
    /// (`recognizeChords`, per beat of the first time signature).
    public func melody(options: MIDIMelodyOptions = MIDIMelodyOptions()) throws -> Melody {
        var chosen = notes
        var melodyPart: (NoteEvent) -> Bool = { _ in true }
        var partName = "the file"
        if let track = options.track {
            chosen = chosen.filter { $0.track == track }
            partName = "track \(track)"
            melodyPart = { $0.track == track }
        }
        if let channel = options.channel {
            chosen = chosen.filter { $0.channel == channel }
            let trackPart = melodyPart
            melodyPart = { trackPart($0) && $0.channel == channel }
            partName = (options.track == nil ? "" : partName + ", ") + "channel \(channel)"
        }
        if options.track == nil && options.channel == nil {
            var sums: [Int: (sum: Int, count: Int)] = [:]
            for note in chosen where note.channel != 9 {
                let part = note.track << 4 | note.channel
                sums[part, default: (0, 0)].sum += note.pitch
                sums[part, default: (0, 0)].count += 1
            }
            let best = sums.max { a, b in
                let ma = Double(a.value.sum) / Double(a.value.count), mb = Double(b.value.sum) / Double(b.value.count)
                return ma < mb || (ma == mb && a.key > b.key)
            }
            if let best {
                chosen = chosen.filter { ($0.track << 4 | $0.channel) == best.key }
                melodyPart = { ($0.track << 4 | $0.channel) == best.key }
                partName = "track \(best.key >> 4), channel \(best.key & 15)"
            } else {
                chosen = []
            }
        }
        guard !chosen.isEmpty else { throw MIDIError.noNotes(file: file, part: partName) }

        struct Event { var onset: QuarterLength; var end: QuarterLength; var pitch: Int; var velocity: Int }
        var events: [Event] = chosen.map { note in
            var onset = quarters(note.start), end = quarters(note.end)
            if let grid = options.grid, grid > .zero {
                onset = onset.rounded(toMultipleOf: grid)
                end = end.rounded(toMultipleOf: grid)
                if end <= onset { end = onset + grid }
            } else if end <= onset {
                end = onset + quarters(1)
            }
            return Event(onset: onset, end: end, pitch: note.pitch, velocity: note.velocity)
        }
        events.sort { $0.onset < $1.onset || ($0.onset == $1.onset && $0.pitch > $1.pitch) }
        var line: [Event] = []
        for event in events {
            if var last = line.last {
                if event.onset == last.onset { continue }  // a lower note of a chord
                if event.onset < last.end {
                    guard event.pitch > last.pitch else { continue }
                    last.end = event.onset
                    line[line.count - 1] = last
                }
            }
            line.append(event)
        }
        var builder = MelodyBuilder()
        for event in line {
            if event.onset > builder.time {
                guard builder.add(pitch: nil, duration: event.onset - builder.time) else { break }
            }
            guard builder.add(pitch: event.pitch, duration: event.end - event.onset, velocity: event.velocity) else { break }
        }
        // A silence before the end of the track (up to a bar) is the melody's closing rest.
        if let trackIndex = chosen.first?.track, trackIndex < tracks.count {
            var end = quarters(tracks[trackIndex].endTick)
            if let grid = options.grid, grid > .zero { end = end.rounded(toMultipleOf: grid) }
            let bar = timeSignatures.first?.meter.barLength ?? 4
            if end > builder.time, end - builder.time <= bar {
                _ = builder.add(pitch: nil, duration: end - builder.time)
            }
        }
        let title = tracks.first?.name ?? chosen.first.flatMap { tracks[$0.track].name }
        var melody = Melody(title: title, key: keySignatures.first?.key, meter: timeSignatures.first?.meter,
                            tempo: tempos.first.map { 60_000_000 / Double($0.microsecondsPerQuarter) },
                            notes: builder.notes, source: SourceLocation(file: file, detail: partName))
        if options.chords {
            let accompaniment = notes.filter { $0.channel != 9 && !melodyPart($0) }
            if !accompaniment.isEmpty {
                var beat = QuarterLength(1)
                var beatsPerBar = 4
                if let meter = melody.meter, meter.denominator > 0, meter.numerator > 0, meter.numerator < 100 {
                    let compound = meter.denominator == 8 && meter.numerator % 3 == 0 && meter.numerator > 3
                    beat = compound ? QuarterLength(3, 2) : QuarterLength(4, meter.denominator)
                    beatsPerBar = compound ? meter.numerator / 3 : meter.numerator
                }
                melody.chords = recognizeChords(accompaniment, beat: beat, beatsPerBar: beatsPerBar,
                                                fifths: melody.keyOrEstimate?.fifths ?? 0)
            }
        }
        return melody
    }
}
