import Foundation
import Testing

/// The tmux servers the end-to-end tests start must end with their test: a server left behind keeps what it
/// inherited open, and a test run whose output pipe stays open never ends for whoever reads it.
@Test("a test's tmux server ends when the test lets go of it, and holds no descriptor of the test process",
      .enabled(if: Tmux.isAvailable))
func tmuxServerEndsWithTheTest() throws {
    // A pipe without close-on-exec, like one a test runner's caller might pass down.
    var fds: [Int32] = [-1, -1]
    #expect(pipe(&fds) == 0)
    defer { close(fds[0]); close(fds[1]) }
    var server: Int32 = 0
    do {
        let tmux = try Tmux(command: "sleep 30")
        server = try #require(Int32(try tmux.value("#{pid}")))
        func target(_ process: String, _ descriptor: Int32) -> String? {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process)/fd/\(descriptor)")
        }
        let ours = try #require(target("self", fds[1]))
        let held = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(server)/fd")) ?? []
        let inherited = held.compactMap { Int32($0) }.filter { $0 > 2 && target("\(server)", $0) == ours }
        #expect(inherited.isEmpty, "the tmux server holds the test's pipe at \(inherited)")
    }
    let deadline = Date().addingTimeInterval(10)
    while kill(server, 0) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    #expect(kill(server, 0) != 0, "tmux server \(server) is still running after kill-server")
}
