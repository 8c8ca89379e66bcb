/// Songs as token sequences, for training: integers in `0..<vocabularySize`, with one token reserved to
/// mark where a song ends and the next begins.
public struct TokenCorpus: Sendable, Equatable {
    /// The songs, each without end-of-song tokens.
    public var songs: [[Int]]
    /// The end-of-song token (`/` in Lilt's encoding).
    public var endOfSong: Int
    public var vocabularySize: Int

    public init(songs: [[Int]], endOfSong: Int, vocabularySize: Int) {
        self.songs = songs
        self.endOfSong = endOfSong
        self.vocabularySize = vocabularySize
    }

    /// Why the corpus cannot be trained on, or nil.
    public var problem: String? {
        if !(0..<vocabularySize).contains(endOfSong) {
            return "end-of-song token \(endOfSong) is outside the vocabulary 0..<\(vocabularySize)"
        }
        for (index, song) in songs.enumerated() {
            if let bad = song.first(where: { !(0..<vocabularySize).contains($0) || $0 == endOfSong }) {
                return "song \(index) holds token \(bad), " +
                    (bad == endOfSong ? "the end-of-song token" : "outside the vocabulary 0..<\(vocabularySize)")
            }
        }
        return nil
    }
}

/// Which songs train and which validate: a deterministic shuffle of the song indices by `seed`, the
/// first `fraction` of them (rounded, at least one when there are two songs or more) held out.
public struct SongSplit: Sendable, Equatable, Codable {
    public var training: [Int]
    public var validation: [Int]

    public init(songCount: Int, validationFraction: Double, seed: UInt64) {
        var generator = SeededGenerator(seed: seed ^ 0x5EED_5917)
        let order = Array(0..<songCount).shuffled(using: &generator)
        var held = Int((Double(songCount) * validationFraction).rounded())
        if validationFraction > 0 && songCount >= 2 { held = max(held, 1) }
        held = min(held, max(songCount - 1, 0))
        validation = Array(order[..<held]).sorted()
        training = Array(order[held...]).sorted()
    }
}

/// B parallel token streams over a set of songs, cut into windows of T steps (stateful truncated BPTT).
///
/// The rule: each stream is a run of whole songs, each song preceded by the end-of-song token, and one
/// more end-of-song token closes the stream: `/ s₁ / s₂ … /`. Songs go (in the given order) to whichever
/// stream is shortest so far, and shorter streams are padded at the end (padding has no loss). The input
/// at step t is token t, the target token t + 1. **The state of a stream is set to zero before every step
/// whose input is the end-of-song token**: every song is read from a zero state starting with `/` (as
/// scoring and generation do), its last token learns to predict `/` from the song's own state, and no
/// state or gradient crosses from one song to the next. Otherwise the state is carried from window to
/// window; gradients stop at window edges. Each token is an input once per epoch.
struct StreamLayout {
    let batch: Int
    let length: Int
    /// [B][length + 1] tokens, −1 after a stream's end.
    private let streams: [[Int32]]

    init(songs: [[Int]], order: [Int], endOfSong: Int, batch: Int) {
        var streams = [[Int32]](repeating: [], count: batch)
        for index in order {
            let shortest = streams.indices.min { streams[$0].count < streams[$1].count }!
            streams[shortest].append(Int32(endOfSong))
            streams[shortest].append(contentsOf: songs[index].map(Int32.init))
        }
        for b in 0..<batch where !streams[b].isEmpty { streams[b].append(Int32(endOfSong)) }
        let longest = streams.map(\.count).max() ?? 0
        length = max(longest - 1, 0)
        self.streams = streams.map { $0 + [Int32](repeating: -1, count: longest - $0.count) }
        self.batch = batch
    }

    /// Windows of `steps` steps (the last may be shorter).
    func windowCount(steps: Int) -> Int { (length + steps - 1) / steps }

    /// Writes window `index` into the [T, B] buffers; returns its number of steps.
    func write(window index: Int, steps: Int, endOfSong: Int, inputs: UnsafeMutablePointer<Int32>,
               targets: UnsafeMutablePointer<Int32>, resets: UnsafeMutablePointer<UInt8>) -> Int {
        let start = index * steps
        let count = min(steps, length - start)
        for t in 0..<count {
            for b in 0..<batch {
                let token = streams[b][start + t]
                let r = t * batch + b
                let input = token < 0 ? Int32(endOfSong) : token
                inputs[r] = input
                targets[r] = token < 0 ? -1 : streams[b][start + t + 1]
                resets[r] = input == Int32(endOfSong) ? 1 : 0
            }
        }
        return count
    }
}

/// The classic windowed mode: one window ending at every position of the concatenated songs
/// (`/ s₁ / s₂ … /`), each read from a zero state (and reset at `/` inside it), loss on its last step only.
struct ClassicWindows {
    let sequence: [Int32]
    let steps: Int

    init(songs: [[Int]], order: [Int], endOfSong: Int, steps: Int) {
        var sequence: [Int32] = []
        for index in order {
            sequence.append(Int32(endOfSong))
            sequence.append(contentsOf: songs[index].map(Int32.init))
        }
        sequence.append(Int32(endOfSong))
        self.sequence = sequence
        self.steps = steps
    }

    /// Positions whose token is a target (each has `steps` tokens before it, fewer at the start).
    var targetPositions: Range<Int> { 1..<max(sequence.count, 1) }

    /// Writes the windows predicting `positions` (one per stream; missing streams get no loss).
    func write(positions: ArraySlice<Int>, batch: Int, endOfSong: Int, inputs: UnsafeMutablePointer<Int32>,
               targets: UnsafeMutablePointer<Int32>, resets: UnsafeMutablePointer<UInt8>) {
        for b in 0..<batch {
            let position = b < positions.count ? positions[positions.startIndex + b] : nil
            for t in 0..<steps {
                let r = t * batch + b
                // Token at step t is sequence[position − steps + t]; before the sequence, `/`.
                let source = (position ?? 0) - steps + t
                let token = position != nil && source >= 0 ? sequence[source] : Int32(endOfSong)
                inputs[r] = token
                resets[r] = t == 0 || token == Int32(endOfSong) ? 1 : 0
                targets[r] = t == steps - 1 && position != nil ? sequence[position!] : -1
            }
        }
    }
}
