import Foundation
internal import CFluidSynth

/// Which of FluidSynth's audio drivers open a device on this machine.
///
/// Opening a driver is the only reliable test: a driver that is compiled in may still find no device.
/// ALSA and FluidSynth print their complaints straight to standard error, so while probing, file
/// descriptor 2 points at the audio log instead (it would break a curses screen otherwise).
public enum AudioDriverProbe {
    /// One driver's result.
    public struct Result: Sendable, Equatable {
        public var driver: String
        public var opens: Bool
    }

    /// Every audio driver compiled into this FluidSynth, as it names them (e.g. "alsa", "file").
    public static func availableDrivers() -> [String] {
        guard let settings = new_fluid_settings() else { return [] }
        defer { delete_fluid_settings(settings) }
        final class Collector { var names: [String] = [] }
        let collector = Collector()
        let opaque = Unmanaged.passUnretained(collector).toOpaque()
        fluid_settings_foreach_option(settings, "audio.driver", opaque) { data, _, option in
            guard let data, let option else { return }
            Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue().names.append(String(cString: option))
        }
        return collector.names
    }

    /// Tries to open each driver in `drivers` (default: those live playback tries, when compiled in).
    /// Messages printed while trying go to `log` (or are discarded when `log` is nil).
    public static func probe(_ drivers: [String]? = nil, log: URL? = nil) -> [Result] {
        // Probing JACK must not start a server (jackd would print its banner and keep running).
        setenv("JACK_NO_START_SERVER", "1", 0)
        let compiledIn = Set(availableDrivers())
        let candidates = drivers ?? FluidSynthOutput.automaticDrivers.filter { compiledIn.contains($0) }
        return StandardErrorRedirect.run(to: log) {
            candidates.map { Result(driver: $0, opens: compiledIn.contains($0) && opens(driver: $0)) }
        }
    }

    private static func opens(driver: String) -> Bool {
        guard let settings = new_fluid_settings() else { return false }
        defer { delete_fluid_settings(settings) }
        do throws(AudioError) {
            try fluidSet(settings, "audio.driver", driver)
            // Do not let a missing JACK server get started on our behalf (a setting only JACK's driver has).
            if driver == "jack" { try fluidSet(settings, "audio.jack.autoconnect", Int32(0)) }
        } catch {
            AudioLog.note("probing \(driver): \(error)")
            return false
        }
        guard let synth = new_fluid_synth(settings) else { return false }
        defer { delete_fluid_synth(synth) }
        guard let audio = new_fluid_audio_driver(settings, synth) else { return false }
        delete_fluid_audio_driver(audio)
        return true
    }
}

/// Points file descriptor 2 at a file (or /dev/null) while `body` runs, then restores it.
enum StandardErrorRedirect {
    /// Held by everything that moves fd 2 (here and `AudioLog`'s capture), for as long as a move lasts:
    /// two moves that overlapped without nesting would each restore what the other had put there.
    static let lock = NSLock()

    static func run<T>(to file: URL?, _ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        let path = file?.path ?? "/dev/null"
        if let file {
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                                     withIntermediateDirectories: true)
        }
        let target = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard target >= 0 else { return body() }
        // Close-on-exec: a program started meanwhile must not keep the real standard error open.
        let saved = fcntl(2, F_DUPFD_CLOEXEC, 0)
        dup2(target, 2)
        close(target)
        defer {
            dup2(saved, 2)
            close(saved)
        }
        return body()
    }
}
