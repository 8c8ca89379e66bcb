import LiltMusic

/// How playback time maps to musical position from one moment on: from `time` (milliseconds on the
/// output's clock) the position advances from `position` (quarter notes) at `tempo` quarter notes per
/// minute, wrapping inside `loop` once it gets there.
///
/// "Raw" positions keep counting past the loop's end (pass 1 starts at `loop.upperBound`); `wrapped`
/// folds them back into the melody.
struct Timeline: Equatable {
    var time: Double
    var position: Double
    var tempo: Double
    var loop: Range<Double>?

    /// The loop, when this timeline will reach it (it starts before the loop's end).
    var activeLoop: Range<Double>? {
        guard let loop, position < loop.upperBound, loop.upperBound > loop.lowerBound else { return nil }
        return loop
    }

    func raw(at time: Double) -> Double {
        position + (time - self.time) * tempo / 60_000
    }

    func time(ofRaw raw: Double) -> Double {
        self.time + (raw - position) * 60_000 / tempo
    }

    /// The musical position of raw position `raw`.
    func wrapped(_ raw: Double) -> Double {
        guard let loop = activeLoop, raw >= loop.upperBound else { return raw }
        let length = loop.upperBound - loop.lowerBound
        return loop.lowerBound + (raw - loop.upperBound).truncatingRemainder(dividingBy: length)
    }

    func position(at time: Double) -> Double { wrapped(raw(at: max(time, self.time))) }

    /// A note that plays in a raw window: its raw start and end, and where it ends musically. `entered`:
    /// it starts where playback enters it, after its onset.
    struct Occurrence: Equatable {
        var index: Int
        var rawStart: Double
        var rawEnd: Double
        var endPosition: Double
        var entered = false
    }

    /// Every note (of `notes`, sorted by onset) that starts at a raw position in `from..<to`, and every
    /// chord voice sounding where playback enters the melody in that window (this timeline's start, each
    /// loop pass's start), from there: a chord at a playhead that seeks or loops into it is heard, while
    /// a melody note sounds only from its onset. Inside a loop, notes are cut at the loop's end.
    func occurrences(of notes: [PlayerNote], from: Double, to: Double) -> [Occurrence] {
        guard to > from else { return [] }
        var result: [Occurrence] = []
        func collect(onsets range: Range<Double>, shift: Double, cut: Double?) {
            var index = firstIndex(in: notes, atOrAfter: range.lowerBound)
            while index < notes.count, notes[index].onset < range.upperBound {
                let note = notes[index]
                let end = cut.map { min(note.end, $0) } ?? note.end
                result.append(Occurrence(index: index, rawStart: note.onset + shift, rawEnd: end + shift,
                                         endPosition: end))
                index += 1
            }
        }
        func enter(atRaw raw: Double, position: Double, cut: Double?) {
            guard (from..<to).contains(raw) else { return }
            for index in 0..<firstIndex(in: notes, atOrAfter: position) {
                let note = notes[index]
                guard note.isChordVoice, note.end > position else { continue }
                let end = cut.map { min(note.end, $0) } ?? note.end
                result.append(Occurrence(index: index, rawStart: raw, rawEnd: raw + end - position, endPosition: end,
                                         entered: true))
            }
        }
        guard let loop = activeLoop else {
            enter(atRaw: position, position: position, cut: nil)
            collect(onsets: from..<to, shift: 0, cut: nil)
            return result
        }
        if from < loop.upperBound {
            enter(atRaw: position, position: position, cut: loop.upperBound)
            collect(onsets: from..<min(to, loop.upperBound), shift: 0, cut: loop.upperBound)
        }
        let length = loop.upperBound - loop.lowerBound
        var pass = max(1, Int(((from - loop.upperBound) / length).rounded(.down)) + 1)
        while true {
            let passStart = loop.upperBound + Double(pass - 1) * length
            guard passStart < to else { break }
            let low = max(from, passStart), high = min(to, passStart + length)
            if low < high {
                let shift = passStart - loop.lowerBound
                enter(atRaw: passStart, position: loop.lowerBound, cut: loop.upperBound)
                collect(onsets: (low - shift)..<(high - shift), shift: shift, cut: loop.upperBound)
            }
            pass += 1
        }
        return result
    }

    private func firstIndex(in notes: [PlayerNote], atOrAfter onset: Double) -> Int {
        var low = 0, high = notes.count
        while low < high {
            let middle = (low + high) / 2
            if notes[middle].onset < onset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A pitched note as the player uses it: positions in quarter notes as floating point, on a MIDI channel
/// (0: the melody's; `ChordVoicing.channel`: a chord's voice).
struct PlayerNote: Equatable {
    var onset: Double
    var end: Double
    var key: Int
    var velocity: Int
    var channel = 0

    var isChordVoice: Bool { channel == ChordVoicing.channel }
}
