import LiltMusic

/// Record mode: MIDI notes entered where they were played, quantized to the roll's grid at the session's
/// tempo, after a bar of count-in, with a metronome click on every beat.
public struct Recording: Equatable, Sendable {
    /// Where the take starts in the melody, in quarter notes.
    public var start: QuarterLength
    /// When its first beat falls, in milliseconds on the studio's clock (the count-in is the bar before).
    public var downbeat: Double
    /// Milliseconds per quarter note at the tempo it started with.
    public var quarter: Double
    /// Quarter notes a beat (a click), and beats a bar.
    public var beat: QuarterLength
    public var beatsPerBar: Int
    /// The beat the next click is on (0 the take's first; the count-in's are negative).
    public var nextBeat: Int
    /// Keys held down and when each went down (milliseconds).
    public var held: [Int: Double] = [:]

    /// The position in the take of a time, in quarter notes (negative in the count-in).
    func position(at milliseconds: Double) -> Double { (milliseconds - downbeat) / quarter }

    /// When beat `index` falls (0 the take's first; the count-in's are negative).
    func time(ofBeat index: Int) -> Double { downbeat + Double(index) * beat.doubleValue * quarter }
}
