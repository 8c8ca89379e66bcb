/// Cuts a melody's events at bar lines: each piece knows whether it continues a tie from before and
/// whether it ties on into the next piece.
struct BarPiece {
    var pitch: Int?
    var duration: QuarterLength
    var tieIn: Bool
    var tieOut: Bool
    var velocity: Int
    /// The bar number: 0 for a pickup bar, else from 1.
    var bar: Int
    /// Where the piece starts, in quarter notes from the melody's start.
    var onset: QuarterLength
}

extension Melody {
    /// The pickup, when it is shorter than a bar of `barLength`.
    func usablePickup(barLength: QuarterLength) -> QuarterLength? {
        guard let pickup, pickup > .zero, pickup < barLength else { return nil }
        return pickup
    }

    /// The events cut at bar lines of `barLength` (counted from the pickup when there is one, else from
    /// onset 0) and at the times `cuts` (sorted; where chord symbols start); gaps become rests.
    func barPieces(barLength requested: QuarterLength, cuts: [QuarterLength] = []) -> [BarPiece] {
        let barLength = requested > .zero ? requested : 4
        var pieces: [BarPiece] = []
        var time = QuarterLength.zero
        let pickup = usablePickup(barLength: barLength)
        // Positions are shifted so that bar lines fall on multiples of `barLength`.
        let offset = pickup.map { barLength - $0 } ?? .zero
        var nextCut = 0
        func emit(_ pitch: Int?, from start: QuarterLength, length: QuarterLength, velocity: Int) {
            var position = start
            var remaining = length
            var first = true
            while remaining > .zero {
                let barIndex = Int(((position + offset) / barLength).doubleValue.rounded(.down))
                let barEnd = barLength * QuarterLength(barIndex + 1) - offset
                while nextCut < cuts.count, cuts[nextCut] <= position { nextCut += 1 }
                var pieceEnd = barEnd
                if nextCut < cuts.count { pieceEnd = min(pieceEnd, cuts[nextCut]) }
                let piece = min(remaining, pieceEnd - position)
                let last = piece == remaining
                pieces.append(BarPiece(pitch: pitch, duration: piece, tieIn: pitch != nil && !first,
                                       tieOut: pitch != nil && !last, velocity: velocity,
                                       bar: pickup == nil ? barIndex + 1 : barIndex, onset: position))
                position += piece
                remaining -= piece
                first = false
            }
        }
        for note in notes {
            if note.onset > time { emit(nil, from: time, length: note.onset - time, velocity: 0) }
            let start = max(note.onset, time)
            if note.end > start { emit(note.pitch?.midi, from: start, length: note.end - start, velocity: note.velocity) }
            time = max(time, note.end)
        }
        // Chords after the last note: rests to carry them.
        if let lastCut = cuts.last, lastCut >= time {
            let end = chords.last.map { max($0.end, lastCut) } ?? lastCut
            if end > time { emit(nil, from: time, length: end - time, velocity: 0) }
        }
        return pieces
    }
}

extension Melody {
    /// The melody with a meter that cannot draw bars (a zero or negative part) removed, as writers use it.
    var withUsableMeter: Melody {
        guard let meter, meter.numerator <= 0 || meter.denominator <= 0 || meter.denominator > 1_000_000 else { return self }
        var copy = self
        copy.meter = nil
        return copy
    }
}
