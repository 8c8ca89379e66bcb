import Foundation

/// Where Lilt keeps the user's files: models and sessions under `$XDG_DATA_HOME/lilt`, encoded corpora
/// and logs under `$XDG_CACHE_HOME/lilt` (with the XDG defaults `~/.local/share` and `~/.cache`).
public struct DataLocations: Sendable, Equatable {
    public var data: URL
    public var cache: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
        func base(_ variable: String, _ fallback: String) -> URL {
            // The XDG spec says relative values are invalid and must be ignored.
            if let value = environment[variable], value.hasPrefix("/") { return URL(fileURLWithPath: value) }
            return home.appendingPathComponent(fallback)
        }
        data = base("XDG_DATA_HOME", ".local/share").appendingPathComponent("lilt")
        cache = base("XDG_CACHE_HOME", ".cache").appendingPathComponent("lilt")
    }

    public var models: URL { data.appendingPathComponent("models") }
    public var sessions: URL { data.appendingPathComponent("sessions") }
    public var corpora: URL { cache.appendingPathComponent("corpora") }
    /// FluidSynth's and the audio system's messages go here, never to the terminal.
    public var audioLog: URL { cache.appendingPathComponent("audio.log") }
}
