import Foundation

/// Why a Humdrum `**kern` file could not be read.
public enum KernError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case noKernSpine(file: String)
    case spineNotFound(file: String, spine: String)
    case malformed(file: String, line: Int, token: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot be read: \(reason)"
        case .noKernSpine(let file): "\(file): no **kern spine (not a Humdrum kern file)"
        case .spineNotFound(let file, let spine): "\(file): no **kern spine named or numbered \(spine)"
        case .malformed(let file, let line, let token, let reason):
            "\(file):\(line): \(reason) in '\(token)'"
        }
    }
}

/// Reads Humdrum `**kern` files: reference records (`!!!OTL` is the title), spines with splits and joins,
/// key signatures and designations, meters, tempi, any reciprocal duration with dots, ties, rests, chords
/// (top note), grace notes (left out). One melody per piece (a file may hold several, each closed by `*-`).
public struct KernReader: Sendable {
    /// Which `**kern` spine holds the melody.
    public enum SpineChoice: Sendable, Equatable {
        /// The first (leftmost) `**kern` spine.
        case first
        /// The n-th `**kern` spine, counted from 0 among the `**kern` spines.
        case index(Int)
        /// The spine whose instrument name (`*I"Name`) or class / code (`*IName`) is this text.
        case named(String)
    }

    public var spine: SpineChoice

    public init(spine: SpineChoice = .first) {
        self.spine = spine
    }

    /// Reads the file at `url`.
    public func read(contentsOf url: URL) throws -> [Melody] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KernError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try read([UInt8](data), file: url.path)
    }

    /// Reads kern text given as a string (`file` names it in errors and sources).
    public func read(_ text: String, file: String = "<text>") throws -> [Melody] {
        try read(Array(text.utf8), file: file)
    }

    /// One `**kern` spine being followed through a piece.
    private struct Track {
        var builder = MelodyBuilder()
        var key: Key?
        var signature: Int?
        var meter: Meter?
        var tempo: Double?
        var names: [String] = []
        /// The time of the first bar line.
        var firstBar: QuarterLength?
    }

    /// One column of the spine layout: which spine it belongs to, and that spine's data type.
    private struct Column {
        var spine: Int
        var kind: String
    }

    /// Reads kern given as bytes (any encoding; see `TextDecoding`).
    public func read(_ bytes: [UInt8], file: String) throws -> [Melody] {
        var melodies: [Melody] = []
        var title: String?
        var columns: [Column] = []
        var tracks: [Int: Track] = [:]
        var spineCount = 0
        var pieceLine = 0
        var sawKern = false

        func finishPiece() throws {
            defer { columns = []; tracks = [:]; spineCount = 0; title = nil }
            let kernSpines = tracks.keys.sorted()
            guard !kernSpines.isEmpty else { return }
            let chosen: Int
            switch spine {
            case .first: chosen = kernSpines[0]
            case .index(let n):
                guard n >= 0, n < kernSpines.count else { throw KernError.spineNotFound(file: file, spine: "\(n)") }
                chosen = kernSpines[n]
            case .named(let name):
                guard let found = kernSpines.first(where: { tracks[$0]!.names.contains(name) }) else {
                    throw KernError.spineNotFound(file: file, spine: name)
                }
                chosen = found
            }
            let track = tracks[chosen]!
            var melody = Melody(title: title, key: track.key, meter: track.meter, tempo: track.tempo,
                                notes: track.builder.notes,
                                source: SourceLocation(file: file, line: pieceLine,
                                                       detail: "spine \(kernSpines.firstIndex(of: chosen)! + 1)"))
            if let first = track.firstBar, first > .zero, let meter = track.meter, first < meter.barLength {
                melody.pickup = first
            }
            if melody.key == nil, let fifths = track.signature {
                melody.key = KeyEstimator.estimate(melody.notes, among: [Key(fifths: fifths, mode: .major),
                                                                          Key(fifths: fifths, mode: .minor)])
            }
            melodies.append(melody)
        }

        var lineNumber = 0
        var start = 0
        let count = bytes.count
        var fields: [Range<Int>] = []
        while start < count {
            lineNumber += 1
            var end = start
            while end < count && bytes[end] != 10 { end += 1 }
            let next = end + 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            defer { start = next }
            if lineEnd == start { continue }

            // Comments: `!!!KEY: value` reference records, `!!` global and `!` local comments.
            if bytes[start] == UInt8(ascii: "!") {
                if lineEnd - start > 7, bytes[start + 1] == UInt8(ascii: "!"), bytes[start + 2] == UInt8(ascii: "!"),
                   bytes[start + 3] == UInt8(ascii: "O"), bytes[start + 4] == UInt8(ascii: "T"),
                   bytes[start + 5] == UInt8(ascii: "L"), title == nil,
                   let colon = bytes[start..<lineEnd].firstIndex(of: UInt8(ascii: ":")) {
                    let value = TextDecoding.string(bytes[(colon + 1)..<lineEnd])
                        .trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { title = value }
                }
                continue
            }

            fields.removeAll(keepingCapacity: true)
            var fieldStart = start
            for i in start...lineEnd where i == lineEnd || bytes[i] == 9 {
                fields.append(fieldStart..<i)
                fieldStart = i + 1
            }
            func text(_ range: Range<Int>) -> String { TextDecoding.string(bytes[range]) }

            // Exclusive interpretations (`**kern`) open a piece's spines.
            if columns.isEmpty {
                guard bytes[start] == UInt8(ascii: "*"), lineEnd - start > 1, bytes[start + 1] == UInt8(ascii: "*") else {
                    if bytes[start] == UInt8(ascii: "*") && lineEnd - start > 1 { continue }
                    // Data before any spine: tolerated only if blank-ish.
                    if bytes[start..<lineEnd].allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
                    throw KernError.malformed(file: file, line: lineNumber, token: String(text(start..<lineEnd).prefix(40)),
                                              reason: "data before the first exclusive interpretation (**kern)")
                }
                pieceLine = lineNumber
                for field in fields {
                    let kind = text(field)
                    columns.append(Column(spine: spineCount, kind: kind))
                    if kind == "**kern" { tracks[spineCount] = Track(); sawKern = true }
                    spineCount += 1
                }
                continue
            }

            if bytes[start] == UInt8(ascii: "*") {
                try interpret(fields: fields, bytes: bytes, columns: &columns, tracks: &tracks,
                              spineCount: &spineCount, file: file, line: lineNumber)
                if columns.isEmpty { try finishPiece() }
                continue
            }
            if bytes[start] == UInt8(ascii: "=") {
                for key in tracks.keys where tracks[key]!.firstBar == nil {
                    tracks[key]!.firstBar = tracks[key]!.builder.time
                }
                continue
            }

            // A data line: one token (or a chord of tokens) per column.
            var seen = Set<Int>()
            for (index, field) in fields.enumerated() where index < columns.count {
                let column = columns[index]
                guard column.kind == "**kern", seen.insert(column.spine).inserted else { continue }
                guard tracks[column.spine] != nil else { continue }
                // In place, so the notes array is not copied for every line.
                try readField(bytes, field, into: &tracks[column.spine]!.builder, file: file, line: lineNumber)
            }
        }
        if !columns.isEmpty { try finishPiece() }
        if !sawKern { throw KernError.noKernSpine(file: file) }
        return melodies
    }

    /// Applies an interpretation line: spine manipulators (`*^ *v *- *+ *x`), and for `**kern` spines the
    /// key signature, key, meter, tempo and instrument names.
    private func interpret(fields: [Range<Int>], bytes: [UInt8], columns: inout [Column], tracks: inout [Int: Track],
                           spineCount: inout Int, file: String, line: Int) throws {
        var result: [Column] = []
        var index = 0
        while index < fields.count {
            let token = TextDecoding.string(bytes[fields[index]])
            guard index < columns.count else {
                // More fields than spines: tolerate trailing empties, refuse the rest.
                if token.isEmpty { index += 1; continue }
                throw KernError.malformed(file: file, line: line, token: token,
                                          reason: "more fields (\(fields.count)) than spines (\(columns.count))")
            }
            let column = columns[index]
            switch token {
            case "*^":
                result.append(column); result.append(column)
            case "*v":
                // Consecutive joins merge into one column.
                result.append(column)
                while index + 1 < fields.count, index + 1 < columns.count,
                      TextDecoding.string(bytes[fields[index + 1]]) == "*v" {
                    index += 1
                }
            case "*-":
                break
            case "*+":
                result.append(column)
                result.append(Column(spine: spineCount, kind: ""))
                spineCount += 1
            case "*x":
                if index + 1 < fields.count, index + 1 < columns.count,
                   TextDecoding.string(bytes[fields[index + 1]]) == "*x" {
                    result.append(columns[index + 1]); result.append(column)
                    index += 1
                } else {
                    result.append(column)
                }
            default:
                var column = column
                if token.hasPrefix("**") {
                    column.kind = token
                    if token == "**kern" && tracks[column.spine] == nil { tracks[column.spine] = Track() }
                } else if column.kind == "**kern", tracks[column.spine] != nil {
                    applyInterpretation(token, to: &tracks[column.spine]!)
                }
                result.append(column)
            }
            index += 1
        }
        columns = result
    }

    private func applyInterpretation(_ token: String, to track: inout Track) {
        let body = token.dropFirst()
        if body.hasPrefix("k[") {
            var fifths = 0
            for character in body.dropFirst(2) {
                if character == "#" { fifths += 1 } else if character == "-" { fifths -= 1 }
            }
            if track.signature == nil { track.signature = max(-7, min(7, fifths)) }
        } else if body.hasPrefix("MM") {
            if track.tempo == nil, let value = Double(body.dropFirst(2).prefix { $0.isNumber || $0 == "." }),
               value > 0, value < 10_000 {
                track.tempo = value
            }
        } else if body.hasPrefix("M"), let slash = body.firstIndex(of: "/") {
            if track.meter == nil, let n = Int(body[body.index(after: body.startIndex)..<slash]),
               let d = Int(body[body.index(after: slash)...].prefix { $0.isNumber }), n > 0, n < 1000, d > 0, d < 1000 {
                track.meter = Meter(n, d)
            }
        } else if body.hasPrefix("I\"") || body.hasPrefix("I'") {
            track.names.append(String(body.dropFirst(2)))
        } else if body.hasPrefix("I") {
            track.names.append(String(body.dropFirst()))
        } else if let colon = body.firstIndex(of: ":"), track.key == nil, let first = body.first,
                  let letter = letterIndex(first.asciiValue ?? 0) {
            let name = body[..<colon]
            var alteration = 0
            for character in name.dropFirst() {
                switch character {
                case "#": alteration += 1
                case "-": alteration -= 1
                default: return
                }
            }
            let modeName = String(body[body.index(after: colon)...])
            let isLower = first.isLowercase
            let mode: Key.Mode
            if modeName.isEmpty {
                mode = isLower ? .minor : .major
            } else if let parsed = Key.Mode(abbreviation: modeName) {
                mode = parsed
            } else {
                return
            }
            track.key = Key(tonic: letterPitchClasses[letter] + alteration, mode: mode)
        }
    }

    /// Reads one field of a `**kern` column: `.` (nothing new), a note or rest token, or a chord of
    /// space-separated tokens (its highest note is kept).
    private func readField(_ bytes: [UInt8], _ field: Range<Int>, into builder: inout MelodyBuilder,
                           file: String, line: Int) throws {
        if field.isEmpty { return }
        if field.count == 1 && bytes[field.lowerBound] == UInt8(ascii: ".") { return }
        var best: KernToken?
        var tokenStart = field.lowerBound
        for i in field.lowerBound...field.upperBound where i == field.upperBound || bytes[i] <= 32 {
            defer { tokenStart = i + 1 }
            if i == tokenStart { continue }
            let range = tokenStart..<i
            guard let token = try KernToken(bytes, range, file: file, line: line) else { continue }
            if let current = best {
                if let pitch = token.pitch, pitch > (current.pitch ?? Int.min) { best = token }
            } else {
                best = token
            }
        }
        guard let token = best else { return }
        guard builder.add(pitch: token.pitch, duration: token.duration, tieIn: token.tieIn, tieOut: token.tieOut) else {
            throw KernError.malformed(file: file, line: line, token: TextDecoding.string(bytes[field]),
                                      reason: "durations too fine to add up exactly")
        }
    }
}

/// One kern note or rest token, e.g. `4.cc#[`, `8r`, `3%2G-`.
struct KernToken {
    var pitch: Int?
    var duration: QuarterLength
    var tieIn: Bool
    var tieOut: Bool

    /// Parses the token; nil for grace notes and tokens without a note or rest (e.g. a lone `.`).
    init?(_ bytes: [UInt8], _ range: Range<Int>, file: String, line: Int) throws {
        var recip: Int?
        var zeros = 0
        var divisor: Int?
        var dots = 0
        var letter: Int?
        var letterCount = 0
        var lowercase = false
        var alteration = 0
        var isRest = false
        var grace = false
        var tieIn = false, tieOut = false
        var i = range.lowerBound
        func fail(_ reason: String) -> KernError {
            .malformed(file: file, line: line, token: TextDecoding.string(bytes[range]), reason: reason)
        }
        while i < range.upperBound {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                var value = 0
                let digitsStart = i
                while i < range.upperBound, bytes[i] >= 48, bytes[i] <= 57 {
                    value = value * 10 + Int(bytes[i] - 48)
                    if value > 100_000 { throw fail("duration number too large") }
                    i += 1
                }
                if recip == nil && zeros == 0 {
                    if value == 0 { zeros = i - digitsStart } else { recip = value }
                } else if divisor == nil, i - digitsStart > 0, digitsStart > range.lowerBound,
                          bytes[digitsStart - 1] == UInt8(ascii: "%") {
                    divisor = value
                }
                continue
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: "#"): alteration += 1
            case UInt8(ascii: "-"): alteration -= 1
            case UInt8(ascii: "r"): isRest = true
            case UInt8(ascii: "q"), UInt8(ascii: "Q"): grace = true
            case UInt8(ascii: "["): tieOut = true
            case UInt8(ascii: "]"): tieIn = true
            case UInt8(ascii: "_"): tieIn = true; tieOut = true
            default:
                if let index = letterIndex(byte) {
                    let isLower = byte >= UInt8(ascii: "a")
                    if letter == nil {
                        letter = index; lowercase = isLower; letterCount = 1
                    } else if letter == index && lowercase == isLower {
                        letterCount += 1
                    } else {
                        throw fail("two different note letters")
                    }
                }
            }
            i += 1
        }
        if grace { return nil }
        if letter == nil && !isRest { return nil }
        var base: QuarterLength
        if let recip {
            if let divisor {
                guard divisor > 0 else { throw fail("zero in a rational duration") }
                base = QuarterLength(4 * divisor, recip)
            } else {
                base = QuarterLength(4, recip)
            }
        } else if zeros > 0 {
            guard zeros <= 4 else { throw fail("duration longer than a maxima") }
            base = QuarterLength(8 << (zeros - 1))
        } else {
            throw fail("note without a duration")
        }
        guard dots <= 8 else { throw fail("too many dots") }
        var duration = base
        var add = base
        for _ in 0..<dots {
            add = add * QuarterLength(1, 2)
            duration = duration + add
        }
        self.duration = duration
        self.tieIn = tieIn
        self.tieOut = tieOut
        if isRest {
            pitch = nil
        } else if let letter {
            guard letterCount <= 8, abs(alteration) <= 3 else { throw fail("impossible pitch") }
            let octave = lowercase ? 4 + (letterCount - 1) : 3 - (letterCount - 1)
            pitch = (octave + 1) * 12 + letterPitchClasses[letter] + alteration
        } else {
            pitch = nil
        }
    }
}
