import Testing
@testable import LiltMusic

@Test("A chord chart: bars split evenly among their chords, an empty bar holds the chord before")
func chordChartBars() throws {
    let chords = try ChordChart.parse("| D | G A7 | | D |", barLength: 4)
    #expect(chords.map(\.symbol) == ["D", "G", "A7", "D"])
    #expect(chords.map(\.onset) == [0, 4, 6, 12])
    #expect(chords.map(\.duration) == [4, 2, 6, 4])
    let waltz = try ChordChart.parse("Am E7 Am|C", barLength: 3)
    #expect(waltz.map(\.onset) == [0, 1, 2, 3] && waltz.map(\.duration) == [1, 1, 1, 3])
}

@Test("A symbol that does not read is named with its bar and place")
func chordChartErrors() {
    #expect(throws: ChordChartError.badSymbol(symbol: "H7", bar: 2, chord: 2)) {
        try ChordChart.parse("| D | G H7 | D |", barLength: 4)
    }
    #expect(ChordChartError.badSymbol(symbol: "H7", bar: 2, chord: 2).description == "bar 2, chord 2: 'H7' is not a chord symbol")
    #expect(throws: ChordChartError.empty) { try ChordChart.parse("| |", barLength: 4) }
}
