import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltTerminal

/// Frame times of the studio: drawing the whole screen for a busy session, and a key handled and drawn.
public enum StudioBenchmark {
    /// Timings in milliseconds, sorted.
    public struct Figures: Sendable {
        public var size: TerminalSize
        public var notes: Int
        /// Drawing the full screen (state → canvas).
        public var frame: [Double]
        /// The same with the training pane showing a long run (40 epochs, 4,000 batch points).
        public var frameWithTraining: [Double]
        /// A key (cursor move) handled, the screen drawn and presented to a memory terminal.
        public var keyToScreen: [Double]

        public static func percentile(_ values: [Double], _ p: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            return values[min(values.count - 1, Int(Double(values.count - 1) * p + 0.5))]
        }
    }

    /// A session of `bars` bars of 4/4 in eighths and quarters: seed, generated (with probabilities) and edited notes.
    public static func busySession(bars: Int) -> ComposingSession {
        var session = ComposingSession(title: "bench")
        var onset = QuarterLength.zero
        var index = 0
        let end = QuarterLength(bars * 4)
        while onset < end {
            let duration = index % 3 == 0 ? QuarterLength(1) : QuarterLength(1, 2)
            let origin: NoteOrigin = onset < QuarterLength(bars) ? .seed : index % 5 == 0 ? .edited : .generated
            session.insert(SessionNote(pitch: 62 + (index * 7) % 17, onset: onset, duration: duration, origin: origin,
                                       probability: origin == .generated ? Double(index % 10) / 10 : nil))
            onset += duration
            index += 1
        }
        session.toggleLock(bar: 2)
        session.cursor = QuarterLength(6)
        session.cursorPitch = 67
        return session
    }

    /// Draws `frames` full frames of `size` for a busy session while "playing", then times `frames` key presses.
    public static func run(size: TerminalSize = TerminalSize(width: 200, height: 60), frames: Int = 300,
                           bars: Int = 64) -> Figures {
        let session = busySession(bars: bars)
        var state = StudioState(session: session, unicode: true)
        state.selectionAnchor = QuarterLength(2)
        state.modelName = "folk.safetensors"
        state.corpusName = "essen"
        var canvas = Canvas(width: size.width, height: size.height)
        let clock = ContinuousClock()
        var frame: [Double] = []
        for index in 0..<max(1, frames) {
            state.playback = PlaybackSnapshot(isPlaying: true, position: Double(index) * 0.25)
            let start = clock.now
            StudioView.draw(state, on: &canvas)
            frame.append(milliseconds(clock.now - start))
        }

        var progress = TrainingProgress(title: "2×128 LSTM on essen-abc", vocabularySize: 40, totalEpochs: 40)
        for batch in 0..<4000 {
            let epoch = Double(batch) / 100
            progress.addBatch(loss: 3.6 * exp(-epoch / 8) + 0.7 + Double(batch % 7) * 0.02, at: epoch)
            if batch % 100 == 99 {
                progress.addEpoch(.init(epoch: batch / 100 + 1, train: 3.6 * exp(-epoch / 8) + 0.7,
                                        validation: 3.6 * exp(-epoch / 8) + 0.8))
            }
        }
        state.training = progress
        state.showTraining = true
        var withTraining: [Double] = []
        for index in 0..<max(1, frames) {
            state.playback = PlaybackSnapshot(isPlaying: true, position: Double(index) * 0.25)
            let start = clock.now
            StudioView.draw(state, on: &canvas)
            withTraining.append(milliseconds(clock.now - start))
        }

        let terminal = MemoryTerminal(width: size.width, height: size.height)
        let app = StudioApp(terminal: terminal, environment: StudioEnvironment(output: SilentOutput()), session: session)
        app.draw()
        var keys: [Double] = []
        for index in 0..<max(1, frames) {
            let start = clock.now
            app.handle(.key(index % 40 < 20 ? .right : .left))
            app.draw()
            keys.append(milliseconds(clock.now - start))
        }
        return Figures(size: size, notes: session.notes.count, frame: frame.sorted(),
                       frameWithTraining: withTraining.sorted(), keyToScreen: keys.sorted())
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
