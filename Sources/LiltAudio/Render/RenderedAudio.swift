/// Audio in memory: interleaved stereo 32-bit float frames (left, right, left, right, …), −1…1.
public struct RenderedAudio: Sendable, Equatable {
    /// Frames per second.
    public var sampleRate: Double
    /// Interleaved stereo samples; `samples.count == 2 * frameCount`.
    public var samples: [Float]

    public init(sampleRate: Double, samples: [Float]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// The number of stereo frames.
    public var frameCount: Int { samples.count / 2 }
    /// The length in seconds.
    public var duration: Double { Double(frameCount) / sampleRate }

    /// Left and right averaged, one value per frame.
    public func mono() -> [Float] {
        var result = [Float](repeating: 0, count: frameCount)
        samples.withUnsafeBufferPointer { stereo in
            for frame in 0..<frameCount {
                result[frame] = 0.5 * (stereo[2 * frame] + stereo[2 * frame + 1])
            }
        }
        return result
    }

    /// The samples as 16-bit integers (clipped to −32768…32767), still interleaved.
    public func int16Samples() -> [Int16] {
        samples.map { Int16(clamping: Int(($0 * 32767).rounded())) }
    }

    /// The largest absolute sample value.
    public var peak: Float { samples.reduce(0) { max($0, abs($1)) } }
}
