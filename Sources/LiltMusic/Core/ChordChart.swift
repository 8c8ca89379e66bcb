/// Why a chord chart such as `| D | G A7 | D |` cannot be read.
public enum ChordChartError: Error, Equatable, CustomStringConvertible {
    /// `symbol`, the `chord`-th chord (from 1) of bar `bar` (from 1), is not a chord symbol.
    case badSymbol(symbol: String, bar: Int, chord: Int)
    /// The chart holds no chord.
    case empty

    public var description: String {
        switch self {
        case .badSymbol(let symbol, let bar, let chord): "bar \(bar), chord \(chord): '\(symbol)' is not a chord symbol"
        case .empty: "no chord in the chart (write bars like \"| D | G A7 | D |\")"
        }
    }
}

/// A chord chart written bar by bar: `| D | G A7 | D |`. Bars are separated by `|`; the chords of a bar
/// share it evenly; a bar with no chord (`| |`) holds the chord before.
public enum ChordChart {
    /// The chords of `text`, bars of `barLength` quarter notes from onset 0, each lasting until the next.
    public static func parse(_ text: String, barLength: QuarterLength) throws(ChordChartError) -> [ChordSymbol] {
        var bars = text.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        }
        // The outer bar lines are optional.
        if bars.first?.isEmpty == true { bars.removeFirst() }
        if bars.last?.isEmpty == true { bars.removeLast() }
        var chords: [ChordSymbol] = []
        for (barIndex, symbols) in bars.enumerated() {
            let barStart = barLength * QuarterLength(barIndex)
            if symbols.isEmpty {
                if !chords.isEmpty { chords[chords.count - 1].duration += barLength }
                continue
            }
            let share = barLength / QuarterLength(symbols.count)
            for (index, symbol) in symbols.enumerated() {
                guard let chord = ChordSymbol(symbol, onset: barStart + share * QuarterLength(index), duration: share) else {
                    throw .badSymbol(symbol: symbol, bar: barIndex + 1, chord: index + 1)
                }
                chords.append(chord)
            }
        }
        if chords.isEmpty { throw .empty }
        return chords
    }
}
