/// Figures about an encoded corpus: sizes, pitch range, how long its events are, its keys and meters.
public struct CorpusStats: Hashable, Sendable, Codable {
    public var name: String
    public var songs: Int
    public var tokens: Int
    public var vocabularySize: Int
    /// Lowest and highest MIDI numbers used (after transposition); nil for a corpus without notes.
    public var lowestPitch: Int?
    public var highestPitch: Int?
    /// Event (note and rest) lengths in quarter notes as text ("1/4", "3/2") → count.
    public var durations: [String: Int]
    /// Original keys ("G major") → count; songs without a key count under "none".
    public var keys: [String: Int]
    /// Meters ("6/8") → count; "none" for songs without one.
    public var meters: [String: Int]
    public var stepQuarterLength: Double

    public init(_ corpus: EncodedCorpus) {
        name = corpus.name
        songs = corpus.songs.count
        tokens = corpus.tokenCount
        vocabularySize = corpus.vocabulary.count
        stepQuarterLength = corpus.parameters.step.doubleValue
        let vocabulary = corpus.vocabulary.tokens
        let step = corpus.parameters.step
        var low: Int?, high: Int?
        var steps: [Int: Int] = [:]
        var keys: [String: Int] = [:], meters: [String: Int] = [:]
        for song in corpus.songs {
            var length = 0
            for index in song.tokens {
                switch vocabulary[index] {
                case .note(let midi):
                    low = min(low ?? midi, midi); high = max(high ?? midi, midi)
                    if length > 0 { steps[length, default: 0] += 1 }
                    length = 1
                case .rest:
                    if length > 0 { steps[length, default: 0] += 1 }
                    length = 1
                case .hold:
                    length += 1
                case .end:
                    if length > 0 { steps[length, default: 0] += 1 }
                    length = 0
                case .chord, .noChord:
                    break
                }
            }
            keys[song.key?.description ?? "none", default: 0] += 1
            meters[song.meter?.description ?? "none", default: 0] += 1
        }
        lowestPitch = low
        highestPitch = high
        durations = Dictionary(uniqueKeysWithValues: steps.map { ((step * QuarterLength($0.key)).description, $0.value) })
        self.keys = keys
        self.meters = meters
    }

    /// The figures as lines for a terminal.
    public var lines: [String] {
        func top(_ counts: [String: Int], _ limit: Int) -> String {
            counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(limit)
                .map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        }
        let range = lowestPitch.map { low in "\(Pitch(midi: low).name)–\(Pitch(midi: highestPitch!).name) (MIDI \(low)–\(highestPitch!))" } ?? "none"
        let durationLines = durations.sorted { QuarterLength.parse($0.key) < QuarterLength.parse($1.key) }
            .map { "  \($0.key.padding(toLength: 8, withPad: " ", startingAt: 0)) \($0.value)" }
        return ["corpus \(name)", "songs: \(songs)", "tokens: \(tokens) (step \(stepQuarterLength) quarter)",
                "vocabulary: \(vocabularySize)", "pitch range: \(range)", "durations (quarter notes):"]
            + durationLines + ["keys: " + top(keys, 12), "meters: " + top(meters, 12)]
    }
}

extension QuarterLength {
    /// Reads "3/2" or "4"; zero for anything else.
    static func parse(_ text: String) -> QuarterLength {
        let parts = text.split(separator: "/")
        if parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), d != 0 { return QuarterLength(n, d) }
        if let n = Int(text) { return QuarterLength(n) }
        return .zero
    }
}
