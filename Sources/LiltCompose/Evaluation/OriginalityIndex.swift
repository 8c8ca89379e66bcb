import Foundation
import LiltMusic

/// How much of a melody is copied from a corpus.
public struct Originality: Sendable, Codable, Equatable {
    /// The longest run of steps the melody shares exactly with one corpus song, starting at a note or
    /// rest (0 when not even one onset is shared).
    public var longestSharedSteps: Int
    /// The same in bars.
    public var longestSharedBars: Double
    /// The corpus song (index into the corpus) holding that run, when there is one.
    public var song: Int?
    /// Where the run starts in the melody (step).
    public var melodyStep: Int?
    /// Share of the melody's 8-note patterns (8 consecutive notes: pitch and length, rests skipped) found
    /// anywhere in the corpus; nil when the melody has fewer than 8 notes.
    public var sharedPatternShare: Double?
    public var patterns: Int
}

/// An index of a corpus's token songs that answers originality questions in milliseconds: a suffix
/// array over every onset position of the concatenated songs (longest shared span by binary search,
/// depth by depth) and a hash set of every 8-note pattern.
public struct OriginalityIndex: Sendable {
    public let vocabulary: Vocabulary
    /// Songs concatenated, each followed by a separator (`UInt16.max`) that matches nothing.
    let text: [UInt16]
    /// Start of each song in `text`.
    let songStarts: [Int]
    /// Onset positions of `text`, sorted by the suffix starting there.
    let suffixes: [Int32]
    let patterns: Set<UInt64>
    let onset: [Bool]
    public static let patternLength = 8

    /// Indexes `songs` (token indices of `vocabulary`, with or without a closing `/`).
    public init(songs: [[Int]], vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        let end = vocabulary.index(of: .end)
        var text: [UInt16] = []
        var starts: [Int] = []
        for song in songs {
            starts.append(text.count)
            for token in song where token != end { text.append(UInt16(token)) }
            text.append(UInt16.max)
        }
        let onset = vocabulary.tokens.map { token -> Bool in
            switch token { case .note, .rest: true; default: false }
        }
        var positions: [Int32] = []
        for (position, token) in text.enumerated() where token != UInt16.max && onset[Int(token)] {
            positions.append(Int32(position))
        }
        text.withUnsafeBufferPointer { t in
            positions.sort { a, b in
                var i = Int(a), j = Int(b)
                while true {
                    let x = t[i], y = t[j]
                    if x != y { return x < y }
                    if x == UInt16.max { return a < b }
                    i += 1; j += 1
                }
            }
        }
        var patterns = Set<UInt64>()
        for song in songs {
            for hash in Self.patternHashes(song.compactMap { vocabulary.tokens.indices.contains($0) ? vocabulary.tokens[$0] : nil }) {
                patterns.insert(hash)
            }
        }
        self.text = text
        self.songStarts = starts
        self.suffixes = positions
        self.patterns = patterns
        self.onset = onset
    }

    /// Indexes an encoded corpus.
    public init(corpus: EncodedCorpus) {
        self.init(songs: corpus.tokenSequences, vocabulary: corpus.vocabulary)
    }

    public var songCount: Int { songStarts.count }

    /// Hashes of the 8-note patterns of a token sequence: (pitch, length in steps) of 8 consecutive notes.
    static func patternHashes(_ tokens: [TimeStepToken]) -> [UInt64] {
        var notes: [(pitch: Int, steps: Int)] = []
        var inNote = false
        for token in tokens {
            switch token {
            case .note(let midi): notes.append((midi, 1)); inNote = true
            case .rest, .end: inNote = false
            case .hold: if inNote { notes[notes.count - 1].steps += 1 }
            case .chord, .noChord: break
            }
        }
        guard notes.count >= patternLength else { return [] }
        return (0...(notes.count - patternLength)).map { start in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for note in notes[start..<(start + patternLength)] {
                for value in [note.pitch, note.steps] {
                    hash = (hash ^ UInt64(truncatingIfNeeded: value)) &* 0x0000_0100_0000_01B3
                    hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
                }
            }
            return hash
        }
    }

    /// Originality of `tokens` (the melody in the model's key, as the corpus is); bars of `stepsPerBar`.
    public func originality(of tokens: [TimeStepToken], stepsPerBar: Int = 16) -> Originality {
        let indices: [Int?] = tokens.map { vocabulary.index(of: $0) }
        var best = 0, bestSong: Int? = nil, bestStart: Int? = nil
        text.withUnsafeBufferPointer { t in
            suffixes.withUnsafeBufferPointer { sa in
                for start in indices.indices {
                    guard let first = indices[start], onset[first] else { continue }
                    // Suffixes in [low, high) all share melody[start..<start + depth].
                    var low = 0, high = sa.count, depth = 0
                    while start + depth < indices.count, let token = indices[start + depth] {
                        let wanted = UInt16(token)
                        var a = low, b = high
                        while a < b {
                            let m = (a + b) / 2
                            if t[Int(sa[m]) + depth] < wanted { a = m + 1 } else { b = m }
                        }
                        let newLow = a
                        b = high
                        while a < b {
                            let m = (a + b) / 2
                            if t[Int(sa[m]) + depth] <= wanted { a = m + 1 } else { b = m }
                        }
                        if newLow == a { break }
                        low = newLow; high = a
                        depth += 1
                    }
                    if depth > best {
                        best = depth
                        bestStart = start
                        bestSong = songIndex(of: Int(sa[low]))
                    }
                }
            }
        }
        let hashes = Self.patternHashes(tokens)
        let found = hashes.reduce(0) { $0 + (patterns.contains($1) ? 1 : 0) }
        return Originality(longestSharedSteps: best, longestSharedBars: Double(best) / Double(max(stepsPerBar, 1)),
                           song: bestSong, melodyStep: bestStart,
                           sharedPatternShare: hashes.isEmpty ? nil : Double(found) / Double(hashes.count),
                           patterns: hashes.count)
    }

    private func songIndex(of position: Int) -> Int {
        var a = 0, b = songStarts.count
        while b - a > 1 {
            let m = (a + b) / 2
            if songStarts[m] <= position { a = m } else { b = m }
        }
        return a
    }
}
