import Foundation
import Testing

/// A private tmux server with one pane, for driving the real `lilt` binary in a real terminal.
final class Tmux {
    let socket = "lilt-test-\(UUID().uuidString.prefix(8))"
    let session = "main"

    static var isAvailable: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `command` (run by /bin/sh) in a `width`×`height` pane with a UTF-8 locale.
    init(command: String, width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
        var exports = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        for (key, value) in environment { exports[key] = value }
        let prefix = exports.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(Tmux.quote($0.value))" }.joined(separator: " ")
        try run(detached: true, ["-u", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                 "env \(prefix) /bin/sh -c \(Tmux.quote(command))"])
        try run(["set-option", "-t", session, "remain-on-exit", "on"])
        // Should the test process die before `deinit`, the server still ends: a background window closes it.
        try run(["new-window", "-d", "-t", session, "sleep 900; tmux -L \(socket) kill-server"])
    }

    deinit { _ = try? run(["kill-server"]) }

    /// The pane's text; with `escapes`, including the colour and attribute escape sequences.
    func capture(escapes: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", session] + (escapes ? ["-e"] : []))
    }

    /// Types keys as tmux names them ("q", "Enter", "C-c", "Escape").
    func send(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }
    /// Types `text` as it is (no key names), then Enter.
    func sendLine(_ text: String) throws {
        try run(["send-keys", "-t", session, "-l", text])
        try run(["send-keys", "-t", session, "Enter"])
    }

    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format value for the pane, e.g. "#{alternate_on}" or "#{pane_pid}".
    func value(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The process the pane's shell is running now (the program under test), if any.
    func programPID() throws -> Int32? {
        let shell = try value("#{pane_pid}")
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// Waits until the pane's text satisfies `condition`; returns the last capture either way.
    @discardableResult
    func waitFor(timeout: Double = 15, escapes: Bool = false, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = try capture(escapes: escapes)
        while !condition(text) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            text = try capture(escapes: escapes)
        }
        return text
    }

    /// Runs a tmux client command and returns what it printed.
    ///
    /// Spawned and reaped with posix_spawn/waitpid, with full control of inherited descriptors: the
    /// tmux server outlives its client and keeps whatever it inherited. The command that starts the server (`detached`)
    /// gets no pipe, since the server would inherit it and the read would never end.
    @discardableResult
    private func run(detached: Bool = false, _ arguments: [String]) throws -> String {
        let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        var fds: [Int32] = [-1, -1]
        // Close-on-exec, and spawned under a lock, so a tmux started by a test running in parallel
        // cannot inherit this pipe (its server would keep the write end open; the read would never end).
        Tmux.spawnLock.lock()
        guard pipe(&fds) == 0 else {
            Tmux.spawnLock.unlock()
            throw TmuxError.failed(argv, "pipe: errno \(errno)")
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if detached {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        }
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        Tmux.closeInheritedDescriptors(&actions)
        // The calling thread is a test runner's, which blocks most signals; a tmux server that inherited that
        // mask would never see the SIGTERM that `kill-server` sends itself and would outlive the test run.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, &attributes, cArguments, environ)
        close(fds[1])
        Tmux.spawnLock.unlock()
        guard spawned == 0 else {
            close(fds[0])
            throw TmuxError.failed(argv, "posix_spawnp: \(spawned)")
        }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }

    private static let spawnLock = NSLock()

    /// Closes every descriptor above 2 in the child. The tmux server lives on after its client, so anything it
    /// inherited stays open: a pipe the test runner's own caller reads to its end would never end.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        // Before glibc 2.34: close what is open now.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

extension Tmux {
    /// Waits for the program to end and checks what every way out must leave behind: the exit status,
    /// the terminal cooked and echoing again, the alternate screen off.
    func expectEnded(status: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let after = try waitFor { $0.contains("END") }
        #expect(after.contains("EXIT=\(status)"), "exit status: \(after)", sourceLocation: sourceLocation)
        #expect(isCookedTerminal(after), "terminal modes after exit: \(after)", sourceLocation: sourceLocation)
        #expect(try value("#{alternate_on}") == "0", sourceLocation: sourceLocation)
    }
}

/// Whether `stty -a` output in a capture shows the terminal back in its normal cooked, echoing mode.
func isCookedTerminal(_ screen: String) -> Bool {
    let words = Set(screen.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" }).map(String.init))
    return words.contains("icanon") && words.contains("echo") && words.contains("icrnl")
}

enum TmuxError: Error, CustomStringConvertible {
    case failed([String], String)
    var description: String {
        switch self {
        case .failed(let argv, let reason): "\(argv.joined(separator: " ")): \(reason)"
        }
    }
}
