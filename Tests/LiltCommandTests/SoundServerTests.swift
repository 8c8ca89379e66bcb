import Foundation
import LiltAudio
import Testing

// `lilt play` through real sound servers started by the tests: PulseAudio with a null sink (its monitor
// recorded by parec) and JACK with the dummy backend (recorded by jack_rec). Each onset heard must lie
// within ±3 ms of its scheduled time relative to the first, with no note missing or doubled — with the
// machine idle and while `lilt train` runs on every core.

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The program `name` on PATH, if any.
private func tool(_ name: String) -> URL? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let url = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}

private let pulseTools = ["pulseaudio", "pactl", "parec"].allSatisfy { tool($0) != nil }
private let jackTools = ["jackd", "jack_lsp", "jack_rec"].allSatisfy { tool($0) != nil }
private let noPulse: Comment = "PulseAudio is not installed (apt-get install --no-install-recommends pulseaudio pulseaudio-utils)"
private let noJack: Comment = "JACK is not installed (apt-get install --no-install-recommends jackd2 libjack-jackd2-dev)"

/// A program the test started, reaped by the test itself: Foundation's `Process` has left a finished child
/// unreaped here (a zombie it still reported as running) while a sound server it started ran.
private final class Child {
    let pid: pid_t
    let log: OutputCapture
    private var status: Int32?

    init(_ name: String, _ arguments: [String], environment: [String: String], output: URL? = nil) throws {
        log = try OutputCapture()
        let path = (tool(name) ?? URL(fileURLWithPath: name)).path
        if let output { _ = FileManager.default.createFile(atPath: output.path, contents: nil) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output?.path ?? log.url.path, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_addopen(&actions, 2, log.url.path, O_WRONLY | O_APPEND, 0)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // A test's thread may block signals; the child starts with none blocked and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .ENOENT) }
        self.pid = pid
    }

    /// Whether it still runs (reaping it when it has ended).
    var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid { status = raw; return false }
        return true
    }

    /// Its exit status once ended (-1 when killed by a signal).
    var exitStatus: Int32 { (status ?? 0) & 0x7f == 0 ? ((status ?? 0) >> 8) & 0xff : -1 }

    /// Waits up to `limit` seconds for it to end by itself, then kills it; true when it ended by itself.
    @discardableResult
    func wait(limit: Double) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        guard isRunning else { return true }
        kill(pid, SIGKILL)
        while isRunning { Thread.sleep(forTimeInterval: 0.01) }
        return false
    }

    func stop() {
        if isRunning { kill(pid, SIGTERM) }
        if !wait(limit: 5) { Issue.record("\(pid) did not end on SIGTERM; killed") }
        log.remove()
    }
}

/// Runs `command` until it succeeds or `seconds` pass; true when it succeeded.
private func waitUntil(_ seconds: Double, _ command: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try command() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

private func succeeds(_ name: String, _ arguments: [String], environment: [String: String]) -> Bool {
    guard let result = try? runTool(name, arguments, environment: environment) else { return false }
    return result.status == 0
}

/// Runs a program to its end (at most `limit` seconds): its exit status and output.
private func runTool(_ name: String, _ arguments: [String], environment: [String: String],
                     limit: Double = 120) throws -> (status: Int32, output: String) {
    let child = try Child(name, arguments, environment: environment)
    defer { child.log.remove() }
    if !child.wait(limit: limit) { Issue.record("\(name) \(arguments.joined(separator: " ")) still ran after \(Int(limit)) s; killed") }
    return (child.exitStatus, child.log.text())
}

/// A scratch folder: Lilt's data and cache, the servers' runtime folders, the melodies.
private struct Scratch {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-sound-\(UUID().uuidString)")
    var environment: [String: String] {
        ["HOME": root.appendingPathComponent("home").path, "XDG_RUNTIME_DIR": root.appendingPathComponent("run").path,
         "XDG_DATA_HOME": root.appendingPathComponent("data").path, "XDG_CACHE_HOME": root.appendingPathComponent("cache").path]
    }

    init() throws {
        for folder in ["home", "run", "data", "cache"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    func url(_ name: String) -> URL { root.appendingPathComponent(name) }
    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// A melody of woodblock strokes (sharp onsets) `interval` ms apart, after a rest of `leadIn` ms (time for
/// a recorder to connect).
private struct Pulse {
    var name: String, abc: String, notes: Int, interval: Double, leadIn: Double

    /// Quarter notes at 60 per minute, a rest between: 1,000 ms apart.
    static let seconds = Pulse(name: "seconds", abc: "X:1\nT:seconds\nM:4/4\nL:1/8\nQ:1/4=60\nK:C\nz2 c z c z c z|c z c z c z c z|\n",
                               notes: 7, interval: 1000, leadIn: 1000)
    /// Sixteenths at 140 quarter notes per minute, a sixteenth rest between: 214.3 ms apart.
    static let sixteenths = Pulse(name: "sixteenths",
                                  abc: "X:1\nT:sixteenths\nM:4/4\nL:1/16\nQ:1/4=140\nK:C\nz8 " + String(repeating: "czcz ", count: 12) + "|\n",
                                  notes: 24, interval: 60_000 / 140 / 2, leadIn: 60_000 / 140 * 2)

    func write(in scratch: Scratch) throws -> URL {
        let url = scratch.url("\(name).abc")
        try abc.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Seconds it lasts, with the lead-in and the last stroke's ring.
    var seconds: Double { (leadIn + Double(notes) * interval) / 1000 + 0.3 }

    /// Checks the onsets heard against the schedule; returns a line of figures for the record.
    func check(_ samples: [Float], sampleRate: Double, context: String,
               sourceLocation: SourceLocation = #_sourceLocation) -> String {
        // A stroke rings on with ripples of its own; the next one rises from near silence (>40 dB below its
        // peak even at 214 ms), so a rise of 20 dB and a refractory of 150 ms tell strokes from ripples.
        let strokes = AudioAnalysis.onsets(samples, sampleRate: sampleRate, riseDecibels: 20, refractory: 0.15)
        // Each stroke is then timed where its waveform first reaches a fifth of its peak: the same point of
        // the same sound every time, whatever the previous stroke's tail (an energy rise's foot is found
        // earlier from silence than from a tail, which biased the first stroke by about 2 ms).
        let onsets = strokes.map { rough -> Double in
            let start = max(0, Int((rough - 0.005) * sampleRate)), end = min(samples.count, Int((rough + 0.03) * sampleRate))
            guard start < end else { return rough }
            let peak = samples[start..<end].reduce(0) { max($0, abs($1)) }
            let first = samples[start..<end].firstIndex { abs($0) >= 0.2 * peak } ?? start
            return Double(first) / sampleRate
        }
        #expect(onsets.count == notes, "\(context): \(onsets.count) onsets heard for \(notes) notes", sourceLocation: sourceLocation)
        guard let first = onsets.first else { return "\(context): nothing heard" }
        let errors = onsets.enumerated().map { (($0.element - first) * 1000) - Double($0.offset) * interval }
        let worst = errors.map(abs).max() ?? 0
        let intervals = zip(onsets, onsets.dropFirst()).map { ($1 - $0) * 1000 }
        let figures = String(format: "%@: intervals %.1f–%.1f ms (mean %.2f), worst onset error %.2f ms", context,
                             intervals.min() ?? 0, intervals.max() ?? 0,
                             intervals.isEmpty ? 0 : intervals.reduce(0, +) / Double(intervals.count), worst)
        #expect(worst <= 3, "\(figures); errors \(errors.map { String(format: "%.1f", $0) })", sourceLocation: sourceLocation)
        return figures
    }
}

/// 16-bit little-endian mono samples as floats.
private func samples(raw data: Data) -> [Float] {
    stride(from: 0, to: data.count - 1, by: 2).map { Float(Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8)) / 32768 }
}

/// The samples of a 16-bit PCM WAV file's first channel.
private func samples(wav url: URL) throws -> [Float] {
    let data = try Data(contentsOf: url)
    var offset = 12, channels = 1
    while offset + 8 <= data.count {
        let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
        let size = Int(data[offset + 4]) | Int(data[offset + 5]) << 8 | Int(data[offset + 6]) << 16 | Int(data[offset + 7]) << 24
        if id == "fmt " { channels = Int(data[offset + 10]) | Int(data[offset + 11]) << 8 }
        if id == "data" {
            let all = samples(raw: data.subdata(in: offset + 8..<min(data.count, offset + 8 + size)))
            return stride(from: 0, to: all.count, by: max(1, channels)).map { all[$0] }
        }
        offset += 8 + size + size % 2
    }
    return []
}

/// `lilt train` on both cores for as long as the test plays.
private func trainingLoad(_ scratch: Scratch) throws -> Child {
    let imported = try runTool(liltExecutable().path, ["corpus", "import", packageRoot.appendingPathComponent("Corpora/samples").path,
                                "--name", "samples"], environment: scratch.environment)
    #expect(imported.status == 0, "\(imported.output)")
    let training = try Child(liltExecutable().path, ["train", "--corpus", "samples", "--out", scratch.url("model").path,
                                                     "--epochs", "100000", "--patience", "0", "--minutes", "10",
                                                     "--threads", "2"], environment: scratch.environment)
    // Under way once the first epoch's line is out (the corpus loaded, the threads working).
    _ = waitUntil(30) { FileManager.default.fileExists(atPath: scratch.url("model/metrics.csv").path) }
    return training
}

/// Plays `pulse` through a PulseAudio server of the test's own with a null sink and records its monitor.
private func playThroughPulse(_ pulse: Pulse, scratch: Scratch, context: String) throws -> String {
    let recording = scratch.url("\(pulse.name).raw")
    let recorder = try Child("parec", ["-d", "test.monitor", "--format=s16le", "--rate=44100", "--channels=1", "--raw",
                                       "--latency-msec=5"], environment: scratch.environment, output: recording)
    let played = try runTool(liltExecutable().path, ["play", try pulse.write(in: scratch).path, "--audio-driver", "pulseaudio", "--program", "116"],
                             environment: scratch.environment)
    recorder.stop()
    #expect(played.status == 0, "\(played.output)")
    let report = LiveAudioReport.last(besideLog: scratch.url("cache/lilt/audio.log"))
    return pulse.check(samples(raw: try Data(contentsOf: recording)), sampleRate: 44_100, context: context)
        + " [\(report?.summary ?? "no report")]"
}

private func startPulse(_ scratch: Scratch) throws -> Child {
    let server = try Child("pulseaudio", ["-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
                                          "-L", "module-native-protocol-unix", "-L", "module-null-sink sink_name=test rate=44100"],
                           environment: scratch.environment)
    let up = waitUntil(15) { succeeds("pactl", ["info"], environment: scratch.environment) }
    #expect(up, "the PulseAudio server did not answer")
    return server
}

/// A JACK server of the test's own with the dummy backend, named in `environment`. Its periods of 256
/// frames are waited out in real time (5,805 µs each; the backend's default wait is 21,333 µs).
private func startJack(_ environment: inout [String: String]) throws -> Child {
    // One name for every test server: libjack's registry has room for a few servers only, and a server
    // killed without its cleanup keeps its place until one of the same name starts.
    environment["JACK_DEFAULT_SERVER"] = "lilt-tests"
    environment["JACK_NO_AUDIO_RESERVATION"] = "1"
    let server = try Child("jackd", ["-n", environment["JACK_DEFAULT_SERVER"]!, "-d", "dummy", "-r", "44100", "-p", "256",
                                     "-w", "5805"], environment: environment)
    let started = environment
    let up = try waitUntil(15) { try runTool("jack_lsp", [], environment: started).output.contains("system:playback_1") }
    #expect(up, "the JACK server did not start")
    return server
}

/// One at a time: the idle figures need a machine that is otherwise idle.
@Suite(.serialized) struct SoundServerTests {

@Test("lilt play through PulseAudio keeps time: onsets within ±3 ms, none missing or doubled, idle and under training load",
      .enabled(if: pulseTools, noPulse))
func pulseAudioKeepsTime() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let server = try startPulse(scratch)
    defer { server.stop() }
    var figures: [String] = []
    for pulse in [Pulse.seconds, .sixteenths] {
        figures.append(try playThroughPulse(pulse, scratch: scratch, context: "PulseAudio, \(pulse.name)"))
    }
    let training = try trainingLoad(scratch)
    defer { training.stop() }
    for pulse in [Pulse.seconds, .sixteenths] {
        figures.append(try playThroughPulse(pulse, scratch: scratch, context: "PulseAudio under training, \(pulse.name)"))
    }
    print(figures.joined(separator: "\n"))
}

@Test("lilt play through JACK (dummy backend) keeps time: onsets within ±3 ms, none missing or doubled",
      .enabled(if: jackTools, noJack))
func jackKeepsTime() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    var environment = scratch.environment
    let server = try startJack(&environment)
    defer { server.stop() }
    var figures: [String] = []
    for pulse in [Pulse.seconds, .sixteenths] {
        let melody = try pulse.write(in: scratch)
        let player = try Child(liltExecutable().path, ["play", melody.path, "--audio-driver", "jack", "--program", "116"],
                               environment: environment)
        defer { player.stop() }
        // The lead-in rest covers the time between Lilt's port appearing and the recorder connecting to it.
        let port = try waitUntil(10) { try runTool("jack_lsp", [], environment: environment).output.contains("lilt:left") }
        #expect(port, "Lilt's JACK port did not appear")
        let recording = scratch.url("\(pulse.name).wav")
        let recorded = try runTool("jack_rec", ["-f", recording.path, "-d", String(format: "%.1f", pulse.seconds), "-b", "16",
                                                "lilt:left"], environment: environment)
        #expect(recorded.status == 0, "\(recorded.output)")
        figures.append(pulse.check(try samples(wav: recording), sampleRate: 44_100, context: "JACK, \(pulse.name)"))
    }
    print(figures.joined(separator: "\n"))
}

@Test("lilt studio with --midi-in under tmux and JACK: notes from a MIDI client are entered in play mode, shown in the roll and heard",
      .enabled(if: jackTools && Tmux.isAvailable, noJack))
func midiKeyboardIntoTheStudio() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    var environment = scratch.environment
    let server = try startJack(&environment)
    defer { server.stop() }
    // A MIDI keyboard looping C4 then E4, each an eighth note long, every second.
    let keyboard = try WallClockKeyboard(name: "keys", server: environment["JACK_DEFAULT_SERVER"]!, loop: 1,
                                         notes: [.init(key: 60, on: 0, off: 0.25), .init(key: 64, on: 0.5, off: 0.75)])
    var unplugged = false
    defer { if !unplugged { keyboard.close() } }
    let started = environment
    #expect(try waitUntil(10) { try runTool("jack_lsp", [], environment: started).output.contains("keys:out") })

    let tmux = try Tmux(command: "\(Tmux.quote(liltExecutable().path)) studio --audio-driver jack --midi-in keys:out",
                        width: 100, height: 30, environment: environment)
    _ = try tmux.waitFor { $0.contains("MIDI keys:out") }
    // Out of play mode a MIDI note only sounds.
    Thread.sleep(forTimeInterval: 1.2)
    #expect(try tmux.capture().contains("0 notes"))
    try tmux.send("i")
    let recording = scratch.url("typed.wav")
    let recorded = try runTool("jack_rec", ["-f", recording.path, "-d", "2.5", "-b", "16", "lilt-typed:left"], environment: environment)
    #expect(recorded.status == 0, "\(recorded.output)")
    try tmux.send("Escape")
    let session = scratch.url("played.lilt")
    try tmux.sendLine(":w \(session.path)")
    let screen = try tmux.waitFor { $0.contains("saved played.lilt") }
    // The roll shows the notes on the C4 and E4 rows.
    let rows = screen.split(separator: "\n")
    #expect(rows.contains { $0.hasPrefix("C4") && $0.contains("█") }, "\(screen)")
    #expect(rows.contains { $0.hasPrefix("E4") && $0.contains("█") }, "\(screen)")

    // Entered one after another at the cursor, each a quarter note (the chosen length), C4 and E4 in turn.
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: session)) as? [String: Any]
    let notes = (json?["notes"] as? [[String: Any]]) ?? []
    let pitches = notes.compactMap { $0["pitch"] as? Int }
    #expect(pitches.count >= 4, "\(pitches)")
    #expect(zip(pitches, pitches.dropFirst()).allSatisfy { Set([$0, $1]) == [60, 64] }, "\(pitches)")
    let onsets = notes.compactMap { ($0["onset"] as? Double) ?? ($0["onset"] as? Int).map(Double.init) }
    #expect(onsets == (0..<onsets.count).map(Double.init), "\(notes)")

    // Heard through Lilt's synth as they came: about two strokes a second.
    let heard = AudioAnalysis.onsets(try samples(wav: recording), sampleRate: 44_100, riseDecibels: 20, refractory: 0.15)
    #expect((4...6).contains(heard.count), "\(heard)")

    // Record mode: a bar of count-in, then the notes where they were played, quantized to sixteenths at
    // 120 bpm: C4 and E4 alternate a quarter note apart, each an eighth note long.
    try tmux.send("R")
    Thread.sleep(forTimeInterval: 2.2 + 3.0)
    try tmux.send("R")
    try tmux.sendLine(":w")
    _ = try tmux.waitFor { $0.contains("recording stopped") || $0.contains("saved played.lilt") }
    Thread.sleep(forTimeInterval: 0.5)
    let again = try JSONSerialization.jsonObject(with: Data(contentsOf: session)) as? [String: Any]
    let take = Array(((again?["notes"] as? [[String: Any]]) ?? []).dropFirst(notes.count))
    let recordedPitches = take.compactMap { $0["pitch"] as? Int }
    let recordedOnsets = take.compactMap { ($0["onset"] as? Double) ?? ($0["onset"] as? Int).map(Double.init) }
    let recordedLengths = take.compactMap { ($0["duration"] as? Double) ?? ($0["duration"] as? Int).map(Double.init) }
    #expect(recordedPitches.count >= 4, "\(take)")
    #expect(zip(recordedPitches, recordedPitches.dropFirst()).allSatisfy { Set([$0, $1]) == [60, 64] }, "\(recordedPitches)")
    #expect(zip(recordedOnsets, recordedOnsets.dropFirst()).allSatisfy { $1 - $0 == 1 }, "\(recordedOnsets)")
    #expect(recordedLengths.allSatisfy { $0 == 0.5 }, "\(recordedLengths)")

    // The keyboard goes away: a message, and the studio goes on.
    keyboard.close()
    unplugged = true
    let after = try tmux.waitFor { $0.contains("went away") }
    #expect(after.contains("MIDI input JACK keys:out went away"), "\(after)")
    #expect(!after.contains("MIDI keys:out"))
}

}
