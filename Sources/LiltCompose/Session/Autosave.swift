import Foundation

/// The autosave of the studio's open session: written a moment after each edit, removed on a clean quit,
/// so one found at start means the last run ended without saving and its work can be offered back.
public struct Autosave: Sendable {
    /// The autosave file.
    public let url: URL
    /// Where the session itself lives, remembered beside the autosave (nil for an unnamed session).
    public var documentURL: URL { url.appendingPathExtension("path") }

    public init(url: URL) {
        self.url = url
    }

    /// The default place: `sessions/autosave.lilt` under the user's data folder.
    public init(locations: DataLocations = DataLocations()) {
        url = locations.sessions.appendingPathComponent("autosave." + SessionFile.pathExtension)
    }

    /// Writes `session` (atomically), remembering which file it belongs to.
    public func save(_ session: ComposingSession, file: URL?) throws(SessionError) {
        try SessionFile.save(session, to: url)
        try AtomicFile.write(Data((file?.path ?? "").utf8), to: documentURL)
    }

    /// What an earlier run left unsaved: the session and the file it belonged to, if any.
    public func recover() -> (session: ComposingSession, file: URL?, saved: Date)? {
        guard FileManager.default.fileExists(atPath: url.path),
              let session = try? SessionFile.load(url) else { return nil }
        let path = (try? String(contentsOf: documentURL, encoding: .utf8)) ?? ""
        let date = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? Date()
        return (session, path.isEmpty ? nil : URL(fileURLWithPath: path), date)
    }

    /// Removes the autosave (after a clean quit or once the user declined it).
    public func discard() {
        unlink(url.path)
        unlink(documentURL.path)
    }
}
