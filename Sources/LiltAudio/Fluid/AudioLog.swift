import Foundation
import Synchronization
internal import CFluidSynth

/// Where FluidSynth's messages go: a log file the user can find, never the terminal.
///
/// FluidSynth prints errors and warnings to standard error by default, which would break a curses
/// screen. The first synth Lilt creates installs this log; until a file is chosen messages are dropped.
/// ALSA's own messages bypass FluidSynth's log and are caught by pointing file descriptor 2 at the same
/// file while drivers open (see `StandardErrorRedirect`).
public enum AudioLog {
    private struct State {
        var installed = false
        var url: URL?
        var descriptor: Int32 = -1
        var savedStandardError: Int32 = -1
    }
    private static let state = Mutex(State())

    /// The log file in use, if any.
    public static var file: URL? { state.withLock { $0.url } }

    /// Sends FluidSynth's messages to `url` (appending; the folder is created), or drops them when nil.
    public static func use(_ url: URL?) {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
            state.descriptor = -1
            state.url = url
            if let url {
                try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                         withIntermediateDirectories: true)
                state.descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            }
        }
        installHandlers()
    }

    /// Makes sure FluidSynth's messages never reach the terminal (called before any synth exists).
    static func installHandlers() {
        let first = state.withLock { state -> Bool in
            defer { state.installed = true }
            return !state.installed
        }
        guard first else { return }
        for level in FluidLogLevel.allCases {
            // It returns the handler it replaces, not a status.
            _ = fluid_set_log_function(level.rawValue, { level, message, _ in
                let label = FluidLogLevel(rawValue: level)?.label ?? "level \(level)"
                AudioLog.write("fluidsynth \(label): " + (message.map { String(cString: $0) } ?? ""))
            }, nil)
        }
    }

    /// Appends one line to the log file (if one is set).
    static func write(_ message: String) {
        let line = "\(ISO8601DateFormatter().string(from: Date())) \(message)\n"
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            line.utf8CString.withUnsafeBufferPointer { buffer in
                _ = Foundation.write(state.descriptor, buffer.baseAddress, buffer.count - 1)
            }
        }
    }

    /// Points file descriptor 2 at the log file for good (until `restoreStandardError`), so that libraries
    /// writing to standard error themselves (libasound does) cannot reach a curses screen. Returns false when
    /// no log file is set or it cannot be opened.
    @discardableResult
    public static func captureStandardError() -> Bool {
        StandardErrorRedirect.lock.withLock { state.withLock { state in
            guard let url = state.url, state.savedStandardError < 0 else { return state.savedStandardError >= 0 }
            let target = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard target >= 0 else { return false }
            // C's stderr is unbuffered, so nothing is left to flush before fd 2 moves (and fflush(nil) would
            // wait for every stream another thread holds). Close-on-exec: a program started meanwhile must not
            // keep the real standard error open.
            state.savedStandardError = fcntl(2, F_DUPFD_CLOEXEC, 0)
            dup2(target, 2)
            close(target)
            return true
        } }
    }

    /// Gives file descriptor 2 back to what it was before `captureStandardError`.
    public static func restoreStandardError() {
        StandardErrorRedirect.lock.withLock { state.withLock { state in
            guard state.savedStandardError >= 0 else { return }
            dup2(state.savedStandardError, 2)
            close(state.savedStandardError)
            state.savedStandardError = -1
        } }
    }

    /// Writes a line of Lilt's own (e.g. which driver was chosen) to the log.
    public static func note(_ message: String) {
        write("lilt: " + message)
    }
}
