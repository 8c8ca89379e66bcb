import Foundation

/// What went wrong in LiltAudio: which FluidSynth call, file, driver or name, and why.
public enum AudioError: Error, CustomStringConvertible, Equatable {
    /// A FluidSynth call reported failure (or returned no object).
    case call(name: String, detail: String)
    /// The SoundFont could not be found or loaded.
    case soundFont(SoundFontError)
    /// `--audio-driver NAME` names a driver this FluidSynth does not have.
    case unknownAudioDriver(name: String, available: [String])
    /// The driver exists but could not open a device here.
    case audioDriverFailed(driver: String, log: String?)
    /// A file could not be written (WAV output, the audio log).
    case writeFailed(path: String, reason: String)
    /// A player command with an argument it cannot use (a loop that ends before it starts, a tempo ≤ 0).
    case invalidArgument(String)
    /// MIDI input could not be had: no MIDI system, a driver that fails, a port that cannot be connected.
    case midi(String)

    public var description: String {
        switch self {
        case .call(let name, let detail):
            return "FluidSynth: \(name) failed" + (detail.isEmpty ? "" : ": \(detail)")
        case .soundFont(let error):
            return error.description
        case .unknownAudioDriver(let name, let available):
            return "no audio driver named '\(name)'; this FluidSynth has: "
                + available.joined(separator: ", ") + " (and 'none' for silent playback)"
        case .audioDriverFailed(let driver, let log):
            return "the '\(driver)' audio driver could not open a sound device"
                + (log.map { " (details in \($0))" } ?? "")
                + "; leave out --audio-driver to fall back to silent playback"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write: \(reason)"
        case .invalidArgument(let reason):
            return reason
        case .midi(let reason):
            return "MIDI: " + reason
        }
    }
}

/// The one place FluidSynth status codes are read: `FLUID_FAILED` becomes an error naming the call.
func fluidCheck(_ name: String, _ status: Int32, detail: @autoclosure () -> String = "") -> AudioError? {
    status == lilt_fluid_failed_value ? .call(name: name, detail: detail()) : nil
}

/// A FluidSynth call whose failure the caller passes on: a status code must not be `FLUID_FAILED`.
func fluidCall(_ name: String, _ status: Int32, detail: @autoclosure () -> String = "") throws(AudioError) {
    if let error = fluidCheck(name, status, detail: detail()) { throw error }
}

/// A FluidSynth call whose caller cannot throw (a note from the keyboard, the panic button): a failure
/// goes to the audio log, naming the call. Returns whether the call worked.
@discardableResult
func fluidCallLogged(_ name: String, _ status: Int32, detail: @autoclosure () -> String = "") -> Bool {
    guard let error = fluidCheck(name, status, detail: detail()) else { return true }
    AudioLog.note(error.description)
    return false
}

/// The one place FluidSynth constructors are checked: a nil object becomes a typed error naming the call.
func fluidMake<T>(_ name: String, _ object: T?, detail: @autoclosure () -> String = "") throws(AudioError) -> T {
    guard let object else { throw .call(name: name, detail: detail()) }
    return object
}
