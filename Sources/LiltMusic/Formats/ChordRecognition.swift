/// Names the chord that notes sounding together make, by pitch-class templates.
public enum ChordRecognizer {
    /// The chord whose tones best cover `weights` (how long each pitch class 0…11 sounds), `lowest` the
    /// pitch class of the lowest note (the bass when it is not the root), names spelled for a key of
    /// `fifths`; nil for fewer than three pitch classes. A chord's score is the weight of the notes among its
    /// tones less the weight of the notes outside them (the lowest note never counts as outside, as the
    /// bass of a slash chord) less a share for each tone not heard (a missing fifth costs little), and a
    /// little less again when the bass is not the root; on a tie the simpler quality wins.
    public static func chord(weights: [Double], lowest: Int, fifths: Int) -> ChordSymbol? {
        guard weights.count == 12 else { return nil }
        let heard = (0..<12).filter { weights[$0] > 0 }
        guard heard.count >= 3 else { return nil }
        let mean = heard.reduce(0) { $0 + weights[$1] } / Double(heard.count)
        var best: (score: Double, root: Int, quality: ChordSymbol.Quality)?
        for quality in ChordSymbol.Quality.allCases {
            for root in 0..<12 {
                var tones = [Bool](repeating: false, count: 12)
                for interval in quality.intervals { tones[(root + interval) % 12] = true }
                var score = 0.0
                for pc in heard {
                    if tones[pc] { score += weights[pc] } else if pc != lowest { score -= weights[pc] }
                }
                for interval in quality.intervals where weights[(root + interval) % 12] == 0 {
                    score -= mean * (interval == 7 ? 0.1 : 0.5)
                }
                if lowest != root { score -= mean * 0.1 }
                if best == nil || score > best!.score + 1e-9 { best = (score, root, quality) }
            }
        }
        guard let best else { return nil }
        return ChordSymbol(root: NoteName(pitchClass: best.root, fifths: fifths), quality: best.quality,
                           bass: lowest == best.root ? nil : NoteName(pitchClass: lowest, fifths: fifths))
    }
}

extension MIDIFile {
    /// The chord symbols `notes` make, beat by beat (`beat` quarter notes from time 0). Each beat of three
    /// pitch classes or more is named from the notes sounding in it, weighted by how long they sound there;
    /// neighbouring beats with the same root and quality are one chord, and a beat of fewer pitch classes
    /// (a bass note alone, say) joins the chord before or after it when its notes belong to that chord, and
    /// such beats in a row that make a chord together (a broken chord) are that chord.
    /// A chord's bass is its lowest note, which makes a slash chord when it is not the root. Beats of few
    /// notes on the first beat of a bar (`beatsPerBar` beats) join the next chord rather than the one before.
    func recognizeChords(_ notes: [NoteEvent], beat: QuarterLength, beatsPerBar: Int, fifths: Int) -> [ChordSymbol] {
        guard !notes.isEmpty, beat > .zero else { return [] }
        let sorted = notes.map { (start: quarters($0.start), end: max(quarters($0.end), quarters($0.start) + beat / 8),
                                  pitch: $0.pitch) }
            .sorted { $0.start < $1.start }
        let last = sorted.map(\.end).max() ?? .zero
        let beats = min(Int((last / beat).doubleValue.rounded(.up)), 100_000)

        /// One beat's chord (nil when it has too few pitch classes), pitch classes and lowest note.
        struct Beat { var chord: ChordSymbol?; var weights: [Double]; var pitchClasses: Set<Int>; var lowest: Int }
        var heard: [Int: Beat] = [:]
        var next = 0
        var active: [(start: QuarterLength, end: QuarterLength, pitch: Int)] = []
        for index in 0..<beats {
            let from = beat * QuarterLength(index), to = beat * QuarterLength(index + 1)
            active.removeAll { $0.end <= from }
            while next < sorted.count, sorted[next].start < to { active.append(sorted[next]); next += 1 }
            var weights = [Double](repeating: 0, count: 12)
            var lowest = Int.max
            for note in active {
                let overlap = (min(note.end, to) - max(note.start, from)).doubleValue
                guard overlap > 0 else { continue }
                weights[note.pitch % 12] += overlap
                lowest = min(lowest, note.pitch)
            }
            guard lowest != Int.max else { continue }
            heard[index] = Beat(chord: ChordRecognizer.chord(weights: weights, lowest: lowest % 12, fifths: fifths),
                                weights: weights, pitchClasses: Set((0..<12).filter { weights[$0] > 0 }), lowest: lowest)
        }

        // Runs of beats: (first beat, beats, chord, lowest note).
        var runs: [(first: Int, count: Int, chord: ChordSymbol, lowest: Int)] = []
        var pending: [Int] = []  // beats without a chord of their own, waiting for the next chord
        func sameChord(_ a: ChordSymbol, _ b: ChordSymbol) -> Bool {
            a.rootPitchClass == b.rootPitchClass && a.quality == b.quality
        }
        func fits(_ beat: Beat, _ chord: ChordSymbol) -> Bool {
            let tones = Set(chord.quality.intervals.map { (chord.rootPitchClass + $0) % 12 })
            return beat.pitchClasses.isSubset(of: tones)
        }
        /// Pending beats right after the run before, that belong to its chord, join it.
        func keepPending() {
            while let first = pending.first, let run = runs.last, run.first + run.count == first,
                  let beat = heard[first], fits(beat, run.chord) {
                runs[runs.count - 1].count += 1
                runs[runs.count - 1].lowest = min(run.lowest, beat.lowest)
                pending.removeFirst()
            }
            pending = []
        }
        for index in 0..<beats {
            guard let this = heard[index] else { keepPending(); continue }
            let previous = runs.last.flatMap { $0.first + $0.count == index ? $0 : nil }
            if let chord = this.chord {
                if let previous, sameChord(previous.chord, chord) {
                    runs[runs.count - 1].count += 1
                    runs[runs.count - 1].lowest = min(previous.lowest, this.lowest)
                } else {
                    // Beats waiting just before join this chord when their notes belong to it.
                    var first = index, lowest = this.lowest
                    while let waiting = pending.last, waiting == first - 1, let beat = heard[waiting], fits(beat, chord) {
                        first = waiting
                        lowest = min(lowest, beat.lowest)
                        pending.removeLast()
                    }
                    keepPending()
                    runs.append((first, index - first + 1, chord, lowest))
                }
                pending = []
            } else if let previous, index % max(1, beatsPerBar) != 0 || beatsPerBar < 2, fits(this, previous.chord) {
                // A few notes after a chord hold it on; on a bar's first beat they wait for the next chord
                // (the bass of an oom-pah accompaniment).
                runs[runs.count - 1].count += 1
                runs[runs.count - 1].lowest = min(previous.lowest, this.lowest)
            } else {
                pending.append(index)
                // Beats of few notes each (a broken chord) that make a chord together.
                var weights = [Double](repeating: 0, count: 12)
                var lowest = Int.max
                for waiting in pending {
                    guard let beat = heard[waiting] else { continue }
                    for pc in 0..<12 { weights[pc] += beat.weights[pc] }
                    lowest = min(lowest, beat.lowest)
                }
                if let chord = ChordRecognizer.chord(weights: weights, lowest: lowest % 12, fifths: fifths) {
                    runs.append((pending[0], pending.count, chord, lowest))
                    pending = []
                }
            }
        }
        keepPending()
        return runs.map { run in
            let bass = run.lowest % 12
            return ChordSymbol(root: run.chord.root, quality: run.chord.quality,
                               bass: bass == run.chord.rootPitchClass ? nil : NoteName(pitchClass: bass, fifths: fifths),
                               onset: beat * QuarterLength(run.first), duration: beat * QuarterLength(run.count))
        }
    }
}
