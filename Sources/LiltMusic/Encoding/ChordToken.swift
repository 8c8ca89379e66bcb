/// A chord symbol as a lead-sheet token: root and optional bass as pitch classes (0 = C) and a quality,
/// with no time of its own. Its text form is `@` and the symbol spelled with sharps: `@G7`, `@Am`,
/// `@F#m7b5/A`.
public struct ChordToken: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 0 = C … 11 = B.
    public var root: Int
    public var quality: ChordSymbol.Quality
    /// The bass of a slash chord (0 = C … 11 = B), or nil.
    public var bass: Int?

    public init(root: Int, quality: ChordSymbol.Quality, bass: Int? = nil) {
        self.root = ((root % 12) + 12) % 12
        self.quality = quality
        self.bass = bass.map { (($0 % 12) + 12) % 12 }
    }

    /// The token of a chord symbol (its spelling and time are dropped).
    public init(_ symbol: ChordSymbol) {
        self.init(root: symbol.rootPitchClass, quality: symbol.quality, bass: symbol.bass?.pitchClass)
    }

    /// Reads the text form without its `@`; nil for anything else.
    public init?(symbolText: String) {
        guard let symbol = ChordSymbol(symbolText) else { return nil }
        self.init(symbol)
        guard description == "@" + symbolText else { return nil }
    }

    /// The same chord `semitones` higher (root and bass).
    public func transposed(by semitones: Int) -> ChordToken {
        ChordToken(root: root + semitones, quality: quality, bass: bass.map { $0 + semitones })
    }

    /// The chord symbol at `onset` for `duration`, names spelled as a key of `fifths` sharps would.
    public func symbol(onset: QuarterLength, duration: QuarterLength, fifths: Int = 0) -> ChordSymbol {
        ChordSymbol(root: NoteName(pitchClass: root, fifths: fifths), quality: quality,
                    bass: bass.map { NoteName(pitchClass: $0, fifths: fifths) }, onset: onset, duration: duration)
    }

    public var description: String {
        "@" + ChordToken.sharpNames[root] + quality.suffix + (bass.map { "/" + ChordToken.sharpNames[$0] } ?? "")
    }

    /// The vocabulary order among chords: by root, then quality (in `Quality.allCases` order), then bass
    /// (none first).
    var rank: Int {
        let qualities = ChordSymbol.Quality.allCases
        let quality = qualities.firstIndex(of: self.quality)!
        return (root * qualities.count + quality) * 13 + (bass.map { $0 + 1 } ?? 0)
    }

    public static func < (a: ChordToken, b: ChordToken) -> Bool { a.rank < b.rank }

    static let sharpNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
}
