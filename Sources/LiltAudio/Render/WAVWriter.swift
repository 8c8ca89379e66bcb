import Foundation

/// Writes 16-bit PCM stereo WAV files (RIFF/WAVE, little-endian) atomically: the data goes to a
/// temporary file beside the target, is flushed to disk, then renamed over it.
public enum WAVWriter {
    /// The bytes of a WAV file holding `audio` as 16-bit stereo at its sample rate.
    public static func data(for audio: RenderedAudio) -> Data {
        let pcm = audio.int16Samples()
        let channels = 2, bitsPerSample = 16
        let rate = Int(audio.sampleRate.rounded())
        let blockAlign = channels * bitsPerSample / 8
        let dataBytes = pcm.count * 2
        var data = Data(capacity: 44 + dataBytes)
        func append(_ text: String) { data.append(contentsOf: Array(text.utf8)) }
        func append32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        append("RIFF"); append32(36 + dataBytes); append("WAVE")
        append("fmt "); append32(16); append16(1); append16(channels); append32(rate)
        append32(rate * blockAlign); append16(blockAlign); append16(bitsPerSample)
        append("data"); append32(dataBytes)
        pcm.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// Writes `audio` to `url` as a 16-bit stereo WAV file, replacing it atomically.
    public static func write(_ audio: RenderedAudio, to url: URL) throws(AudioError) {
        try writeAtomically(data(for: audio), to: url)
    }

    static func writeAtomically(_ data: Data, to url: URL) throws(AudioError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        var written = 0
        let ok = data.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let result = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if result <= 0 { return false }
                written += result
            }
            return fsync(descriptor) == 0
        }
        let reason = String(cString: strerror(errno))
        close(descriptor)
        guard ok else {
            unlink(temporary.path)
            throw .writeFailed(path: url.path, reason: reason)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .writeFailed(path: url.path, reason: reason)
        }
    }
}
