import LiltMusic

/// The chord lane: chord symbols on the session's time line, as a lead sheet writes them.
extension ComposingSession {
    /// The chord sounding at `position`, if any.
    public func chord(at position: QuarterLength) -> ChordSymbol? {
        chords.first { $0.onset <= position && position < $0.end }
    }

    /// The index of the chord sounding at `position`, if any.
    public func chordIndex(at position: QuarterLength) -> Int? {
        chords.firstIndex { $0.onset <= position && position < $0.end }
    }

    /// Puts `chord` on the lane, cutting short or removing whatever chords it overlaps.
    public mutating func setChord(_ chord: ChordSymbol) {
        guard chord.duration > .zero, chord.onset >= .zero else { return }
        clearChords(chord.onset..<chord.end)
        let index = chords.firstIndex { $0.onset > chord.onset } ?? chords.endIndex
        chords.insert(chord, at: index)
    }

    /// Enters `symbol` at `position` as a lead sheet reads it: it lasts to the end of the bar, or until the
    /// next chord if one comes sooner; a chord sounding at `position` ends there. Returns the chord entered.
    @discardableResult
    public mutating func enterChord(_ symbol: ChordSymbol, at position: QuarterLength) -> ChordSymbol {
        let barEnd = barLength * QuarterLength(bar(at: position) + 1)
        let next = chords.first { $0.onset > position }?.onset ?? barEnd
        var chord = symbol
        chord.onset = position
        chord.duration = min(barEnd, next) - position
        setChord(chord)
        return chord
    }

    /// Removes the chords in `range`: chords inside go, chords crossing its edges are cut at them.
    public mutating func clearChords(_ range: Range<QuarterLength>) {
        chords = Self.cutting(chords, range, onset: \.onset, duration: \.duration)
    }

    /// Removes the chord sounding at `position`; returns it.
    @discardableResult
    public mutating func removeChord(at position: QuarterLength) -> ChordSymbol? {
        guard let index = chordIndex(at: position) else { return nil }
        return chords.remove(at: index)
    }

    /// Replaces the chords of the unlocked bars from `position` on with `chords` (those falling in locked
    /// bars are dropped; chords of locked bars stay as they are).
    public mutating func replaceChords(from position: QuarterLength, with chords: [ChordSymbol]) {
        let unlockedRanges = unlockedBarRanges(from: position, to: max(length, chords.last?.end ?? .zero))
        for range in unlockedRanges { clearChords(range) }
        for chord in chords {
            for range in unlockedRanges {
                let start = max(chord.onset, range.lowerBound), end = min(chord.end, range.upperBound)
                guard start < end else { continue }
                var piece = chord
                piece.onset = start
                piece.duration = end - start
                setChord(piece)
            }
        }
    }

    /// The time ranges of the bars from `position` to `end` that are not locked (the first cut at
    /// `position`), adjacent bars joined.
    public func unlockedBarRanges(from position: QuarterLength, to end: QuarterLength) -> [Range<QuarterLength>] {
        var ranges: [Range<QuarterLength>] = []
        var bar = self.bar(at: position)
        while barLength * QuarterLength(bar) < end {
            let start = max(position, barLength * QuarterLength(bar)), stop = barLength * QuarterLength(bar + 1)
            if !isLocked(bar: bar) {
                if let last = ranges.last, last.upperBound == start {
                    ranges[ranges.count - 1] = last.lowerBound..<stop
                } else {
                    ranges.append(start..<stop)
                }
            }
            bar += 1
        }
        return ranges
    }
}
