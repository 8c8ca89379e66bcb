import Foundation
import Testing

/// Runs the built `lilt` binary with `arguments` and `environment`, returning exit status and output.
///
/// Output goes through a temporary file, not a pipe: a process started in parallel by another test
/// (a tmux server lives on) could inherit a pipe's write end, and the read would wait for it forever.
func runLilt(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let capture = try OutputCapture()
    defer { capture.remove() }
    let process = Process()
    process.executableURL = liltExecutable()
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = capture.handle
    process.standardError = capture.handle
    try process.run()
    waitForExit(process, arguments: arguments)
    return (process.terminationStatus, capture.text())
}

/// Waits for `process` to end; one that runs past `limit` seconds is killed and the test fails, so a hung
/// command fails its test instead of holding up the whole run.
func waitForExit(_ process: Process, arguments: [String], limit: Double = 300,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let deadline = Date().addingTimeInterval(limit)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    if process.isRunning {
        Issue.record("lilt \(arguments.joined(separator: " ")) still ran after \(Int(limit)) s; killed",
                     sourceLocation: sourceLocation)
        kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
}

/// A temporary file that a child process writes its output to.
struct OutputCapture {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-output-\(UUID().uuidString)")
    let handle: FileHandle

    init() throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
    }

    /// Everything written so far.
    func text() -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }

    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}

/// The `lilt` binary built beside the test bundle.
func liltExecutable() -> URL {
    var folder = Bundle.main.bundleURL
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("lilt")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    // `swift test` puts test bundles and executables in the same build folder.
    let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return buildFolder.appendingPathComponent("lilt")
}

@Test("lilt --version prints the version")
func version() throws {
    let (status, output) = try runLilt(["--version"])
    #expect(status == 0)
    #expect(output.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^\d+\.\d+\.\d+$"#,
                                                                        options: .regularExpression) != nil)
}

@Test("lilt doctor with a missing SoundFont names every place it looked and the package, and fails")
func doctorMissingSoundFont() throws {
    let missing = "/nonexistent/lilt-test/none.sf2"
    let (status, output) = try runLilt(["doctor", "--soundfont", missing])
    #expect(status != 0)
    #expect(output.contains(missing))
    #expect(output.contains("fluid-soundfont-gm"))
    #expect(output.contains("OpenBLAS"))
    #expect(output.contains("FluidSynth"))
}

@Test("lilt doctor with an empty LILT_SOUNDFONT search names the project folder and the system paths")
func doctorNamesEveryPlace() throws {
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-home-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: empty.appendingPathComponent("SoundFonts"),
                                            withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: empty) }
    let (status, output) = try runLilt(["doctor"], environment: ["LILT_HOME": empty.path])
    if FileManager.default.fileExists(atPath: "/usr/share/sounds/sf2/FluidR3_GM.sf2") {
        #expect(status == 0, "\(output)")
        #expect(output.contains("FluidR3_GM.sf2"))
    } else {
        #expect(status != 0)
        #expect(output.contains("SoundFonts"))
        #expect(output.contains("/usr/share/sounds/sf2/FluidR3_GM.sf2"))
        #expect(output.contains("/usr/share/sounds/sf2/default-GM.sf2"))
    }
    #expect(output.contains("audio"))
}

@Test("lilt doctor without a sound device says so plainly, names the silent fallback and exits 0")
func doctorWithoutSound() throws {
    let (status, output) = try runLilt(["doctor", "--audio-driver", "no-such-driver"])
    #expect(status == 0 || !FileManager.default.fileExists(atPath: "/usr/share/sounds/sf2/FluidR3_GM.sf2"))
    #expect(output.contains("'no-such-driver' is not one of this FluidSynth's drivers"))
    #expect(output.contains("no sound device"))
    #expect(output.contains("silent output"))
}

@Test("lilt doctor names the build of the LSTM cell kernels in use; LILT_KERNELS chooses the baseline one")
func doctorNamesCellKernels() throws {
    let (_, chosen) = try runLilt(["doctor", "--audio-driver", "no-such-driver"])
    let line = chosen.split(separator: "\n").first { $0.hasPrefix("LSTM cells") }
    #expect(line?.contains("this CPU runs: x86-64") == true)
    let (_, forced) = try runLilt(["doctor", "--audio-driver", "no-such-driver"], environment: ["LILT_KERNELS": "x86-64"])
    #expect(forced.contains("LSTM cells  x86-64 kernels"))
}
