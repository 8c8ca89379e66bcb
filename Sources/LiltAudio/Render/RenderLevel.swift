import Foundation

/// The level a WAV render is written at. FluidSynth's output sits far below full scale (a melody peaks near
/// −18 dBFS), too quiet beside other audio and for a DAW, so renders are normalized unless asked otherwise.
public enum RenderLevel: Sendable, Equatable {
    /// Scaled so that the loudest sample reaches `peak` dBFS.
    case normalized(peak: Double)
    /// The synth's own level changed by `decibels` (0: as rendered).
    case gain(decibels: Double)

    /// Normalized to a peak of −1 dBFS: loud, with room for a converter's inter-sample peaks.
    public static let standard = RenderLevel.normalized(peak: -1)

    /// The choice of the `--gain` and `--no-normalize` options: a gain wins, then no normalizing, else standard.
    public init(gain: Double?, normalize: Bool) {
        if let gain { self = .gain(decibels: gain) } else { self = normalize ? .standard : .gain(decibels: 0) }
    }
}

/// What leveling did to a render.
public struct LeveledAudio: Sendable, Equatable {
    public var audio: RenderedAudio
    /// Decibels applied.
    public var gain: Double
    /// Samples that went past full scale and were clipped when written as 16-bit.
    public var clipped: Int

    /// The peak in dBFS after leveling (−∞ for silence).
    public var peakDecibels: Double { audio.peakDecibels }
}

extension RenderedAudio {
    /// Peak in dBFS (−∞ for silence).
    public var peakDecibels: Double { 20 * log10(Double(peak)) }

    /// This audio at `level`. Silence stays silence (no gain can make it reach a peak).
    public func leveled(_ level: RenderLevel) -> LeveledAudio {
        let decibels: Double
        switch level {
        case .normalized(let target):
            decibels = peak > 0 ? target - peakDecibels : 0
        case .gain(let gain):
            decibels = gain
        }
        let factor = Float(pow(10, decibels / 20))
        var result = self
        var clipped = 0
        if factor != 1 {
            result.samples = samples.map { $0 * factor }
        }
        for sample in result.samples where abs(sample) > 1 { clipped += 1 }
        return LeveledAudio(audio: result, gain: decibels, clipped: clipped)
    }
}
