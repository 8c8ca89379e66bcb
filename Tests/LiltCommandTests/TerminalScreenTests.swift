import Foundation
import Testing

/// After the program, the shell prints its exit code and the terminal modes, then waits.
private func screenCommand() -> String {
    "\(Tmux.quote(liltExecutable().path)) doctor --screen; echo \"EXIT=$?\"; stty -a | tr '\\n' ' '; echo; echo END; sleep 60"
}

@Test("lilt doctor --screen draws under tmux in colour, closes on a key and restores the terminal",
      .enabled(if: Tmux.isAvailable))
func screenUnderTmux() throws {
    let tmux = try Tmux(command: screenCommand())
    let shown = try tmux.waitFor { $0.contains("press any key") }
    #expect(shown.contains("Lilt terminal check"))
    #expect(shown.contains("size 100×30"))
    #expect(shown.contains("⣿"))
    #expect(try tmux.value("#{alternate_on}") == "1")
    let coloured = try tmux.capture(escapes: true)
    #expect(coloured.contains("[41m"), "the red swatch has a red background")

    try tmux.resize(width: 70, height: 20)
    let resized = try tmux.waitFor { $0.contains("size 70×20") }
    #expect(resized.contains("at least 80×24"))

    try tmux.send("x")
    try tmux.expectEnded(status: 0)
}

@Test("SIGTERM while the screen is up restores the terminal and exits with 128+15",
      .enabled(if: Tmux.isAvailable))
func screenTerminated() throws {
    let tmux = try Tmux(command: screenCommand())
    try tmux.waitFor { $0.contains("press any key") }
    let pid = try #require(try tmux.programPID())
    kill(pid, SIGTERM)
    try tmux.expectEnded(status: 143)
}
