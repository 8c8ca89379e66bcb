import Testing
@testable import LiltTerminal

@Test("Writing clips at the canvas edge and at maxWidth, and text reads the grid back")
func writeClips() {
    var canvas = Canvas(width: 6, height: 2)
    canvas.write("hello world", x: 2, y: 0)
    canvas.write("ab", x: -1, y: 1)
    canvas.write("xyz", x: 3, y: 1, maxWidth: 2)
    #expect(canvas.text == "  hell\nb  xy ")
}

@Test("Styles are kept per cell and fill covers exactly the rectangle")
func stylesAndFill() {
    var canvas = Canvas(width: 4, height: 3)
    let highlight = CellStyle(foreground: .yellow, bold: true)
    canvas.fill(Rect(x: 1, y: 1, width: 2, height: 5), with: "#", style: highlight)
    #expect(canvas.text == "    \n ## \n ## ")
    #expect(canvas[1, 1].style == highlight)
    #expect(canvas[0, 1].style == .plain)
}

@Test("Rectangles split into the parts asked for, never negative")
func rectSplits() {
    let rect = Rect(x: 0, y: 0, width: 80, height: 24)
    let (top, rest) = rect.splitTop(3)
    #expect(top == Rect(x: 0, y: 0, width: 80, height: 3))
    #expect(rest == Rect(x: 0, y: 3, width: 80, height: 21))
    let (_, bottom) = rect.splitBottom(100)
    #expect(bottom.height == 24)
    #expect(rect.inset(by: 50).isEmpty)
}
