import Foundation
import LiltMusic

/// Why a session file could not be read or written.
public enum SessionError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case invalid(file: String, place: String, reason: String)
    case unwritable(file: String, reason: String)
    case newerFormat(file: String, format: Int)
    /// A melody file opened as a session holds no melody with a note.
    case noNotes(file: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot be read: \(reason)"
        case .invalid(let file, let place, let reason): "\(file): not a Lilt session (\(place)): \(reason)"
        case .unwritable(let file, let reason): "\(file): cannot be written: \(reason)"
        case .noNotes(let file): "\(file): no notes in it"
        case .newerFormat(let file, let format):
            "\(file): session format \(format) is newer than this Lilt reads (\(ComposingSession.formatVersion))"
        }
    }
}

/// Session files: JSON with sorted keys (so saving the same session twice gives the same bytes), written
/// atomically — to a temporary file in the same folder, flushed to disk, then renamed over the target — so a
/// session file is always either the old one or the new one, never a truncated mix, even when the process
/// is killed mid-write.
public enum SessionFile {
    /// The extension of session files.
    public static let pathExtension = "lilt"

    /// The bytes a session is saved as.
    public static func encode(_ session: ComposingSession) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types to JSON cannot fail (no non-finite numbers reach here: they are
        // replaced on decoding and by the controls' setters).
        return (try? encoder.encode(session)).map { $0 + Data("\n".utf8) } ?? Data()
    }

    /// A session from its bytes; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws(SessionError) -> ComposingSession {
        let session: ComposingSession
        do {
            session = try JSONDecoder().decode(ComposingSession.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalid(file: file, place: place(context, data: data), reason: context.debugDescription)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalid(file: file, place: place(context, data: data), reason: "missing \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(type, context) {
            throw .invalid(file: file, place: place(context, data: data), reason: "expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw .invalid(file: file, place: place(context, data: data), reason: "expected \(type), found null")
        } catch {
            throw .invalid(file: file, place: "byte 0", reason: "\(error)")
        }
        guard session.format <= ComposingSession.formatVersion else {
            throw .newerFormat(file: file, format: session.format)
        }
        for (index, note) in session.notes.enumerated() {
            guard (0...127).contains(note.pitch), note.duration > .zero, note.onset >= .zero else {
                throw .invalid(file: file, place: "notes[\(index)]", reason: "pitch must be 0–127 and the duration above 0")
            }
            if index > 0, session.notes[index - 1].end > note.onset {
                throw .invalid(file: file, place: "notes[\(index)]", reason: "overlaps the note before it")
            }
        }
        for (index, chord) in session.chords.enumerated() {
            guard chord.duration > .zero, chord.onset >= .zero else {
                throw .invalid(file: file, place: "chords[\(index)]", reason: "the onset must be 0 or more and the duration above 0")
            }
            if index > 0, session.chords[index - 1].end > chord.onset {
                throw .invalid(file: file, place: "chords[\(index)]", reason: "overlaps the chord before it")
            }
        }
        return session
    }

    /// Opens `url` as a session: a session file (`.lilt`) as it was saved, or a melody file (kern, ABC,
    /// MIDI, JSON) as a new session whose seed is its first melody with a note. `file` is where the session
    /// saves (the session file; nil for a melody file).
    public static func open(_ url: URL) throws -> (session: ComposingSession, file: URL?) {
        if url.pathExtension == pathExtension { return (try load(url), url) }
        guard let melody = try MusicFile.read(url).first(where: { $0.notes.contains { !$0.isRest } }) else {
            throw SessionError.noNotes(file: url.lastPathComponent)
        }
        return (ComposingSession(melody: melody), nil)
    }

    /// Reads the session at `url`.
    public static func load(_ url: URL) throws(SessionError) -> ComposingSession {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, file: url.path)
    }

    /// Saves `session` to `url` atomically, creating the folder when needed, and removes temporary files
    /// an earlier killed save left beside it.
    public static func save(_ session: ComposingSession, to url: URL) throws(SessionError) {
        try AtomicFile.write(encode(session), to: url)
    }

    private static func place(_ context: DecodingError.Context, data: Data) -> String {
        let path = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue }.joined()
        return path.isEmpty ? "top level" : String(path.drop { $0 == "." })
    }
}

/// Writing a file so that it is replaced whole or not at all.
public enum AtomicFile {
    /// The prefix of temporary files; `cleanUp` removes leftovers with it.
    static func temporaryPrefix(for url: URL) -> String { "." + url.lastPathComponent + ".tmp-" }

    /// Writes `data` to a temporary file beside `url`, flushes it to disk, then renames it over `url`.
    public static func write(_ data: Data, to url: URL) throws(SessionError) {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(file: url.path, reason: "cannot create \(folder.path)")
        }
        cleanUp(beside: url)
        let temporary = folder.appendingPathComponent(temporaryPrefix(for: url) + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .unwritable(file: url.path, reason: String(cString: strerror(errno)))
        }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw .unwritable(file: url.path, reason: failure)
        }
        // Make the rename itself durable.
        let folderDescriptor = open(folder.path, O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Removes temporary files that saves killed mid-write left beside `url`.
    public static func cleanUp(beside url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = temporaryPrefix(for: url)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            // Only files of processes no longer running: a save in progress elsewhere is left alone.
            let pidText = name.dropFirst(prefix.count).prefix { $0 != "-" }
            if let pid = Int32(pidText), pid != getpid(), kill(pid, 0) == 0 { continue }
            if let pid = Int32(pidText), pid == getpid() { continue }
            unlink(folder.appendingPathComponent(name).path)
        }
    }
}
