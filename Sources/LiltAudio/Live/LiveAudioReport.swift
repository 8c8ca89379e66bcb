import Foundation

/// What a session's live playback met: the driver, its buffers, how long it played and the underruns
/// its render callback saw. Written when the output closes, beside the audio log (`live-audio.json`), and
/// shown by `lilt doctor`.
public struct LiveAudioReport: Codable, Sendable, Equatable {
    public var driver: String
    public var buffering: AudioBuffering
    /// Milliseconds from the sequencer's clock to the speaker, and from a typed note to the speaker.
    public var latency: Double
    public var auditionLatency: Double
    /// Seconds of audio rendered.
    public var seconds: Double
    public var underruns: Int
    /// The longest silence an underrun inserted, milliseconds (at least).
    public var worstGap: Double
    public var ended: Date

    public init(driver: String, buffering: AudioBuffering, latency: Double, auditionLatency: Double, seconds: Double,
                underruns: Int, worstGap: Double, ended: Date) {
        self.driver = driver
        self.buffering = buffering
        self.latency = latency
        self.auditionLatency = auditionLatency
        self.seconds = seconds
        self.underruns = underruns
        self.worstGap = worstGap
        self.ended = ended
    }

    /// One line: "pulseaudio, buffer 4 × 1024 frames (93 ms), typed notes 23 ms; 0 underruns in 12.3 s".
    public var summary: String {
        // Typed notes have a buffer of their own only in the studio (`lilt play` has none).
        "\(driver), buffer \(buffering) (\(Int(latency.rounded())) ms)"
            + (auditionLatency != latency ? ", typed notes \(Int(auditionLatency.rounded())) ms; " : "; ")
            + "\(underruns) underrun\(underruns == 1 ? "" : "s")"
            + (underruns > 0 ? String(format: " (longest gap %.0f ms)", worstGap) : "")
            + String(format: " in %.1f s", seconds)
    }

    /// Where the report of the last session is kept: beside `log` (the audio log).
    public static func url(besideLog log: URL) -> URL {
        log.deletingLastPathComponent().appendingPathComponent("live-audio.json")
    }

    /// Writes the report beside the audio log in use (nothing without one).
    func save() {
        guard let log = AudioLog.file, let data = try? JSONEncoder().encode(self) else { return }
        try? data.write(to: Self.url(besideLog: log), options: .atomic)
    }

    /// The last session's report beside `log`, if one was written.
    public static func last(besideLog log: URL) -> LiveAudioReport? {
        guard let data = try? Data(contentsOf: url(besideLog: log)) else { return nil }
        return try? JSONDecoder().decode(LiveAudioReport.self, from: data)
    }
}
