/// Collects a monophonic line event by event while a reader walks a file: keeps the running time, merges
/// tied notes and refuses durations whose exact sum would overflow.
struct MelodyBuilder {
    var notes: [Note] = []
    var time: QuarterLength = .zero
    /// The last note asked to be tied to the next one.
    var tieOpen = false

    /// Adds a note (`pitch` a MIDI number) or a rest (`pitch` nil) of `duration` at the running time.
    /// A note tied into (`tieIn`, or a tie left open by the previous note) of the same pitch lengthens the
    /// previous note instead, which keeps the written lengths in `tiedDurations`. Returns false when the
    /// time would overflow.
    mutating func add(pitch: Int?, duration: QuarterLength, tieIn: Bool = false, tieOut: Bool = false,
                      velocity: Int = 90) -> Bool {
        guard let end = time.checkedAdding(duration) else { return false }
        if let pitch, tieIn || tieOpen, let last = notes.last, last.pitch?.midi == pitch, last.end == time {
            notes[notes.count - 1].tiedDurations = last.writtenDurations + [duration]
            notes[notes.count - 1].duration = end - last.onset
        } else {
            notes.append(Note(pitch: pitch.map(Pitch.init(midi:)), onset: time, duration: duration,
                              velocity: velocity))
        }
        time = end
        tieOpen = pitch != nil && tieOut
        return true
    }
}
