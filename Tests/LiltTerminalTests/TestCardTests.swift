import Testing
@testable import LiltTerminal

@Test("The test card shows every colour swatch and Unicode glyphs, or ASCII without UTF-8")
func testCardGlyphs() {
    let unicode = TestCard.draw(size: TerminalSize(width: 80, height: 24), unicode: true)
    #expect(unicode.text.contains("⣿"))
    #expect(unicode.text.contains("size 80×24"))
    let backgrounds = Set(unicode.cells.map(\.style.background))
    #expect(backgrounds.count == TerminalColor.allCases.count)  // 16 swatches plus the default

    let ascii = TestCard.draw(size: TerminalSize(width: 80, height: 24), unicode: false)
    #expect(ascii.cells.allSatisfy { $0.character.isASCII || $0.character == "×" })
    let small = TestCard.draw(size: TerminalSize(width: 60, height: 20), unicode: true)
    #expect(small.text.contains("at least 80×24"))
}

@Test("The card closes on a key, redraws on resize, and reports a termination signal")
func testCardLoop() {
    let terminal = MemoryTerminal(width: 80, height: 24)
    terminal.resize(width: 100, height: 30)
    terminal.pendingEvents.append(.key(.character("q")))
    #expect(TestCard.run(on: terminal) == nil)
    #expect(terminal.presentCount == 2)
    #expect(terminal.screen.width == 100)

    terminal.pendingEvents = [.terminate(signal: 15)]
    #expect(TestCard.run(on: terminal) == 15)
}
