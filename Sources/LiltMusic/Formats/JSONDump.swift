import Foundation

/// A plain JSON dump for scripts and checks:
/// `{"melodies":[{"title","key","meter","tempo","notes":[{"pitch":60,"onset":0.0,"duration":1.0}, …]}]}`,
/// onsets and durations in quarter notes, `"pitch": null` for rests.
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
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
