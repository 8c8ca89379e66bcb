import LiltCompose
import LiltMusic

/// The sliders under the piano roll.
public enum ControlSlider: Int, CaseIterable, Sendable {
    case temperature, restBias, holdBias, tempo, program, volume, bars, variations

    public var name: String {
        switch self {
        case .temperature: "temperature"
        case .restBias: "rest bias"
        case .holdBias: "hold bias"
        case .tempo: "tempo"
        case .program: "instrument"
        case .volume: "volume"
        case .bars: "length"
        case .variations: "variations"
        }
    }

    /// The slider's range and step.
    public var range: ClosedRange<Double> {
        switch self {
        case .temperature: 0.1...2.0
        case .restBias, .holdBias: -5...5
        case .tempo: 20...400
        case .program: 1...128
        case .volume: -30...12
        case .bars: 1...64
        case .variations: 1...16
        }
    }

    public var step: Double {
        switch self {
        case .temperature: 0.05
        case .restBias, .holdBias: 0.5
        case .tempo: 4
        case .volume: 1
        case .program, .bars, .variations: 1
        }
    }

    /// The slider's value in `controls`.
    public func value(in controls: SessionControls) -> Double {
        switch self {
        case .temperature: controls.temperature
        case .restBias: controls.restBias
        case .holdBias: controls.holdBias
        case .tempo: controls.tempo
        case .program: Double(controls.program.gmNumber)
        case .volume: controls.volume
        case .bars: Double(controls.bars)
        case .variations: Double(controls.variations)
        }
    }

    /// Sets the slider's value in `controls`, clamped to its range and — when `snapped`, as the slider keys
    /// move it — rounded to its step (a value typed on the `:` line is kept as typed).
    public func set(_ value: Double, in controls: inout SessionControls, snapped: Bool = true) {
        let clamped = min(range.upperBound, max(range.lowerBound, value.isFinite ? value : range.lowerBound))
        let stepped = snapped ? ((clamped / step).rounded() * step * 1000).rounded() / 1000 : clamped
        switch self {
        case .temperature: controls.temperature = stepped
        case .restBias: controls.restBias = stepped
        case .holdBias: controls.holdBias = stepped
        case .tempo: controls.tempo = stepped
        case .program: controls.program = GMProgram(gmNumber: Int(stepped)) ?? controls.program
        case .volume: controls.volume = stepped
        case .bars: controls.bars = Int(stepped)
        case .variations: controls.variations = Int(stepped)
        }
    }

    /// The value as the slider shows it.
    public func label(in controls: SessionControls) -> String {
        let value = value(in: controls)
        switch self {
        case .temperature: return String(format: "%.2f", value)
        case .restBias, .holdBias: return String(format: "%+.1f", value)
        case .tempo: return "\(Int(value)) bpm"
        case .program: return controls.program.description
        case .volume: return String(format: "%+.0f dB", value)
        case .bars: return "\(Int(value)) bars"
        case .variations: return "\(Int(value))"
        }
    }
}
