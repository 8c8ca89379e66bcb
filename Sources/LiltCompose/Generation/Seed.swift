import Foundation
import LiltMusic

/// Where a generation starts from.
public enum SeedSource: Sendable, Codable, Equatable, CustomStringConvertible {
    /// No seed: the model starts a song from `/`.
    case none
    /// Time-step tokens in the model's key, e.g. `"67 _ 67 _ 67 _ _ 65 64 _ 64 _"` (a leading `/` is allowed).
    case tokens(String)
    /// A melody file in any readable format: melody `index` (from 1), bars `bars` (from 1, inclusive; nil
    /// for all). Bar 1 is the pickup when the file shows one.
    case file(path: String, index: Int, bars: ClosedRange<Int>?)
    /// Song `index` (from 1) of a stored corpus.
    case corpusSong(name: String, index: Int)

    /// Reads the command line's form: `none`, `NAME:INDEX` (a corpus song), `FILE[@BARS]` with BARS as
    /// `3` or `3-6` (an existing file), or else a token string.
    public static func parse(_ text: String) -> SeedSource {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "none" { return .none }
        var path = trimmed, bars: ClosedRange<Int>? = nil
        if let at = trimmed.lastIndex(of: "@") {
            let range = trimmed[trimmed.index(after: at)...].split(separator: "-").compactMap { Int($0) }
            if range.count == 1 || range.count == 2, range.first! >= 1, range.last! >= range.first! {
                path = String(trimmed[..<at])
                bars = range.first!...range.last!
            }
        }
        if FileManager.default.fileExists(atPath: path), MusicFormat(pathExtension: URL(fileURLWithPath: path).pathExtension) != nil {
            return .file(path: path, index: 1, bars: bars)
        }
        let parts = trimmed.split(separator: ":")
        if parts.count == 2, let index = Int(parts[1]), CorpusStore.isValidName(String(parts[0])), !trimmed.contains(" ") {
            return .corpusSong(name: String(parts[0]), index: index)
        }
        return .tokens(trimmed)
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .tokens(let text): "tokens \"\(text)\""
        case .file(let path, let index, let bars):
            path + (index == 1 ? "" : " melody \(index)") + (bars.map { " bars \($0.lowerBound)-\($0.upperBound)" } ?? "")
        case .corpusSong(let name, let index): "\(name):\(index)"
        }
    }
}

/// A seed ready for a model: its tokens in the model's key (no `/`), and what it takes to play the
/// result back in the seed's own key.
public struct Seed: Sendable, Equatable {
    public var source: SeedSource
    /// Time-step tokens in the model's key, without `/`.
    public var tokens: [TimeStepToken]
    /// Semitones the seed was moved by to reach the model's key (the output moves back by −shift).
    public var shift: Int
    /// The seed's own key (before the shift), when known.
    public var key: Key?
    public var meter: Meter?
    /// The pickup of the seed's first bar (quarter notes), when it starts with one.
    public var pickup: QuarterLength?
    public var title: String?

    public init(source: SeedSource = .none, tokens: [TimeStepToken] = [], shift: Int = 0, key: Key? = nil,
                meter: Meter? = nil, pickup: QuarterLength? = nil, title: String? = nil) {
        self.source = source
        self.tokens = tokens
        self.shift = shift
        self.key = key
        self.meter = meter
        self.pickup = pickup
        self.title = title
    }

    /// Resolves `source` for `model`: reads and cuts the file, or loads the corpus song (corpora from
    /// `corpora`), encodes it with the model's encoding and checks every token is in its vocabulary.
    public static func resolve(_ source: SeedSource, for model: MusicModel, corpora: CorpusStore) throws -> Seed {
        var seed: Seed
        switch source {
        case .none:
            seed = Seed(source: source)
        case .tokens(let text):
            var tokens: [TimeStepToken] = []
            for word in text.split(whereSeparator: \.isWhitespace) {
                guard let token = TimeStepToken(String(word)) else {
                    throw ComposeError.badSeed(seed: text, reason: "'\(word)' is not a token (use MIDI numbers, r, _ and /)")
                }
                if token == .end {
                    guard tokens.isEmpty else { throw ComposeError.badSeed(seed: text, reason: "'/' may only start the seed") }
                    continue
                }
                tokens.append(token)
            }
            seed = Seed(source: source, tokens: tokens)
        case .file(let path, let index, let bars):
            let melodies: [Melody]
            do { melodies = try MusicFile.read(URL(fileURLWithPath: path)) } catch {
                throw ComposeError.badSeed(seed: path, reason: "\(error)")
            }
            guard melodies.indices.contains(index - 1) else {
                throw ComposeError.badSeed(seed: path, reason: "holds \(melodies.count) melodies, not a melody \(index)")
            }
            var melody = melodies[index - 1]
            if let bars { melody = try cut(melody, bars: bars, name: path) }
            return try Seed(melody: melody, for: model, source: source, name: path)
        case .corpusSong(let name, let index):
            let corpus: EncodedCorpus
            do { corpus = try corpora.load(name) } catch { throw ComposeError.badSeed(seed: "\(name):\(index)", reason: "\(error)") }
            guard corpus.songs.indices.contains(index - 1) else {
                throw ComposeError.badSeed(seed: "\(name):\(index)", reason: "the corpus has songs 1…\(corpus.songs.count)")
            }
            guard corpus.parameters.step == model.encoding.step else {
                throw ComposeError.badSeed(seed: "\(name):\(index)", reason: "the corpus's step differs from the model's")
            }
            let song = corpus.songs[index - 1]
            let tokens = corpus.vocabulary.tokens(at: song.tokens)?.filter { $0 != .end } ?? []
            seed = Seed(source: source, tokens: tokens, shift: song.transposition, key: song.key, meter: song.meter,
                        title: song.title)
        }
        try seed.checkVocabulary(of: model, name: source.description)
        return seed
    }

    /// `melody` as a seed for `model`: moved to the model's key and encoded like its training data, each
    /// token checked against the model's vocabulary. A melody without a note gives no tokens (the model
    /// starts a song, in the melody's meter). `name` says in an error what the melody is.
    public init(melody: Melody, for model: MusicModel, source: SeedSource = .none, name: String) throws(ComposeError) {
        guard melody.notes.contains(where: { !$0.isRest }) else {
            self.init(source: source, meter: melody.meter, title: melody.title)
            return
        }
        let prepared = model.encoder.prepare(melody)
        if let reason = model.encoder.check(prepared.melody) {
            throw .badSeed(seed: name, reason: "cannot be encoded: \(reason)")
        }
        self.init(source: source, tokens: Array(model.encoder.tokens(of: prepared.melody).dropLast()),
                  shift: prepared.shift, key: melody.keyOrEstimate, meter: melody.meter, pickup: melody.pickup,
                  title: melody.title)
        try checkVocabulary(of: model, name: name)
    }

    /// Throws when a token is not in `model`'s vocabulary.
    func checkVocabulary(of model: MusicModel, name: String) throws(ComposeError) {
        for token in tokens where model.vocabulary.index(of: token) == nil {
            throw .badSeed(seed: name, reason: "the model does not know the token '\(token)'"
                           + (shift != 0 ? " (after moving the seed by \(shift) semitones)" : ""))
        }
    }

    /// Bars `bars` (from 1) of `melody`, moved to start at 0.
    static func cut(_ melody: Melody, bars: ClosedRange<Int>, name: String) throws -> Melody {
        let bar = (melody.meter ?? Meter(4, 4)).barLength
        guard bar > .zero else { throw ComposeError.badSeed(seed: name, reason: "its meter has no bar length") }
        let pickup = melody.pickup ?? .zero
        func start(_ number: Int) -> QuarterLength {
            pickup > .zero ? (number == 1 ? .zero : pickup + bar * QuarterLength(number - 2)) : bar * QuarterLength(number - 1)
        }
        let from = start(bars.lowerBound), to = start(bars.upperBound + 1)
        guard from < melody.length else {
            throw ComposeError.badSeed(seed: name, reason: "bar \(bars.lowerBound) is past the end of the melody")
        }
        var cut = melody
        cut.notes = melody.notes.compactMap { note in
            guard note.onset >= from, note.onset < to else { return nil }
            var moved = note
            moved.onset = note.onset - from
            if note.end > to { moved.duration = to - note.onset }
            return moved
        }
        cut.pickup = bars.lowerBound == 1 ? melody.pickup : nil
        return cut
    }
}

extension ComposingSession {
    /// The melody before `position` (quarter notes), a note running past it cut there and a rest filling
    /// up to it: what a generation from `position` continues.
    public func seedMelody(before position: QuarterLength) -> Melody {
        var melody = self.melody
        melody.notes = melody.notes.compactMap { note in
            guard note.onset < position else { return nil }
            var cut = note
            if cut.end > position { cut.duration = position - cut.onset }
            return cut
        }
        melody.chords = melody.chords.compactMap { $0.clipped(to: .zero..<position) }
        if melody.length < position, melody.notes.contains(where: { !$0.isRest }) {
            melody.notes.append(.rest(at: melody.length, for: position - melody.length))
        }
        return melody
    }
}
