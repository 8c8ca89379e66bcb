import Foundation

/// A plain JSON dump for scripts and checks:
/// `{"melodies":[{"title","key","meter","tempo","notes":[{"pitch":60,"onset":0.0,"duration":1.0}, …],
/// "chords":[{"symbol":"A7","root":9,"quality":"7","bass":null,"onset":0.0,"duration":2.0}, …]}]}`,
/// onsets and durations in quarter notes, `"pitch": null` for rests, a chord's `root` and `bass` as pitch
/// classes (0 = C), its `quality` a `ChordSymbol.Quality` raw value. Read back by `read(_:file:)`.
public enum JSONDump {
    public static func write(_ melodies: [Melody]) -> String {
        var out = "{\"melodies\":["
        for (index, melody) in melodies.enumerated() {
            if index > 0 { out += "," }
            out += "\n{\"title\":" + quoted(melody.title)
            out += ",\"key\":" + quoted(melody.key?.description)
            out += ",\"meter\":" + quoted(melody.meter?.description)
            out += ",\"tempo\":" + (melody.tempo.map { number($0) } ?? "null")
            out += ",\"source\":" + quoted(melody.source?.description)
            out += ",\"notes\":["
            for (n, note) in melody.notes.enumerated() {
                if n > 0 { out += "," }
                out += "{\"pitch\":" + (note.pitch.map { String($0.midi) } ?? "null")
                out += ",\"onset\":" + number(note.onset.doubleValue)
                out += ",\"duration\":" + number(note.duration.doubleValue) + "}"
            }
            out += "],\"chords\":["
            for (n, chord) in melody.chords.enumerated() {
                if n > 0 { out += "," }
                out += "{\"symbol\":" + quoted(chord.symbol)
                out += ",\"root\":\(chord.rootPitchClass)"
                out += ",\"quality\":" + quoted(chord.quality.rawValue)
                out += ",\"bass\":" + (chord.bass.map { String($0.pitchClass) } ?? "null")
                out += ",\"onset\":" + number(chord.onset.doubleValue)
                out += ",\"duration\":" + number(chord.duration.doubleValue) + "}"
            }
            out += "]}"
        }
        return out + "\n]}\n"
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(format: "%.1f", value) }
        return String(value)
    }

    static func quoted(_ text: String?) -> String {
        guard let text else { return "null" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: (try? encoder.encode(text)) ?? Data(#""""#.utf8), as: UTF8.self)
    }

    /// The melodies of a dump. Unknown fields are ignored, so a dump with extra fields (a take's
    /// provenance, say) reads too; onsets and durations are taken to the nearest 1/960 quarter note.
    public static func read(_ data: Data, file: String) throws(JSONDumpError) -> [Melody] {
        let dump: Dump
        do {
            dump = try JSONDecoder().decode(Dump.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw JSONDumpError(file: file, reason: "not JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw JSONDumpError(file: file, reason: "missing \"\(key.stringValue)\" at "
                                + (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))
        } catch let DecodingError.typeMismatch(_, context) {
            throw JSONDumpError(file: file, reason: "wrong type at "
                                + context.codingPath.map(\.stringValue).joined(separator: "."))
        } catch {
            throw JSONDumpError(file: file, reason: "not a melody dump (\(error))")
        }
        var melodies: [Melody] = []
        for (number, entry) in dump.melodies.enumerated() {
            var notes: [Note] = []
            for note in entry.notes {
                guard note.onset.isFinite, note.duration.isFinite, note.onset >= 0, note.duration > 0,
                      note.onset < 1e7, note.duration < 1e7, (note.pitch ?? 0) >= 0, (note.pitch ?? 0) <= 127 else {
                    throw JSONDumpError(file: file, reason: "melody \(number + 1), note \(notes.count + 1): "
                                        + "pitch 0–127 or null, onset ≥ 0 and duration > 0 are needed")
                }
                notes.append(Note(pitch: note.pitch.map(Pitch.init(midi:)),
                                  onset: .rounded(note.onset, toDenominator: 960),
                                  duration: .rounded(note.duration, toDenominator: 960),
                                  velocity: min(max(note.velocity ?? 90, 1), 127)))
            }
            let key = entry.key.flatMap { Key(name: $0) }
            var chords: [ChordSymbol] = []
            for chord in entry.chords ?? [] {
                let place = "melody \(number + 1), chord \(chords.count + 1)"
                guard let read = chord.symbol(fifths: key?.fifths ?? 0) else {
                    throw JSONDumpError(file: file, reason: "\(place): a readable \"symbol\", or \"root\" 0–11 and a "
                                        + "\"quality\" (\(ChordSymbol.Quality.allCases.map(\.rawValue).joined(separator: ", "))) are needed")
                }
                guard chord.onset.isFinite, chord.duration.isFinite, chord.onset >= 0, chord.duration > 0,
                      chord.onset < 1e7, chord.duration < 1e7 else {
                    throw JSONDumpError(file: file, reason: "\(place): onset ≥ 0 and duration > 0 are needed")
                }
                chords.append(ChordSymbol(root: read.root, quality: read.quality, bass: read.bass,
                                          onset: .rounded(chord.onset, toDenominator: 960),
                                          duration: .rounded(chord.duration, toDenominator: 960)))
            }
            chords.sort { $0.onset < $1.onset }
            melodies.append(Melody(title: entry.title, key: key,
                                   meter: entry.meter.flatMap(parseMeter), tempo: entry.tempo, notes: notes,
                                   source: SourceLocation(file: file, detail: "melody \(number + 1)"), chords: chords))
        }
        return melodies
    }

    private struct Dump: Decodable { var melodies: [Entry] }
    private struct Entry: Decodable {
        var title: String?
        var key: String?
        var meter: String?
        var tempo: Double?
        var notes: [NoteEntry]
        var chords: [ChordEntry]?
    }
    private struct ChordEntry: Decodable {
        var symbol: String?
        var root: Int?
        var quality: String?
        var bass: Int?
        var onset: Double
        var duration: Double

        /// The chord as its symbol spells it; else from `root`, `quality` and `bass`, spelled in the key.
        func symbol(fifths: Int) -> ChordSymbol? {
            if let symbol, let chord = ChordSymbol(symbol) { return chord }
            guard let root, (0...11).contains(root), let quality = quality.flatMap(ChordSymbol.Quality.init(rawValue:)),
                  (bass ?? 0) >= 0, (bass ?? 0) <= 11 else { return nil }
            return ChordSymbol(root: NoteName(pitchClass: root, fifths: fifths), quality: quality,
                               bass: bass.map { NoteName(pitchClass: $0, fifths: fifths) })
        }
    }
    private struct NoteEntry: Decodable {
        var pitch: Int?
        var onset: Double
        var duration: Double
        var velocity: Int?
    }

    /// "6/8" as written by `Meter.description`.
    static func parseMeter(_ text: String) -> Meter? {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        return parts.count == 2 && parts[0] > 0 && parts[1] > 0 ? Meter(parts[0], parts[1]) : nil
    }
}

/// Why a JSON melody dump could not be read.
public struct JSONDumpError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var reason: String
    public var description: String { "\(file): \(reason)" }
}
