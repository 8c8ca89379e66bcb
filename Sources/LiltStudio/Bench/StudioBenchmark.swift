import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltTerminal
import Synchronization

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
            frame.append((clock.now - start).milliseconds)
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
            withTraining.append((clock.now - start).milliseconds)
        }

        let terminal = MemoryTerminal(width: size.width, height: size.height)
        let app = StudioRuntime(terminal: terminal, environment: StudioEnvironment(output: SilentOutput()), session: session)
        app.draw()
        var keys: [Double] = []
        for index in 0..<max(1, frames) {
            let start = clock.now
            app.handle(.key(index % 40 < 20 ? .right : .left))
            app.draw()
            keys.append((clock.now - start).milliseconds)
        }
        return Figures(size: size, notes: session.notes.count, frame: frame.sorted(),
                       frameWithTraining: withTraining.sorted(), keyToScreen: keys.sorted())
    }

    /// The studio's own loop on a terminal that waits like a real one: process CPU while idle, and key to
    /// screen while a training job runs at full speed.
    public struct LoopFigures: Sendable {
        /// Process CPU time over wall time while nothing plays or trains (0.01: 1 % of one core).
        public var idleCPU: Double
        public var idleFrames: Int
        public var idleSeconds: Double
        /// Key to screen, milliseconds, sorted; empty when training could not start.
        public var keyToScreenTraining: [Double]
        /// Training steps per second while the keys were timed, and the model trained.
        public var trainingStepsPerSecond: Double
        public var trainingDescription: String
        /// Why training was not measured, if it was not.
        public var trainingProblem: String?
    }

    /// Runs the studio loop (`StudioRuntime.step`) on a `PacedTerminal`: `idleSeconds` with nothing to do,
    /// then `t` starts the default model's training on `corpora` (in a scratch data folder) and, once it
    /// runs, `keys` cursor keys are typed 20–50 ms apart and timed to the frame that shows them.
    public static func runLoop(size: TerminalSize = TerminalSize(width: 200, height: 60), idleSeconds: Double = 3,
                               keys: Int = 200, corpora: URL) -> LoopFigures {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-bench-studio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var environment = StudioEnvironment(output: SilentOutput())
        environment.training = TrainingSetup(
            locations: DataLocations(environment: ["HOME": scratch.path,
                                                   "XDG_DATA_HOME": scratch.appendingPathComponent("data").path,
                                                   "XDG_CACHE_HOME": scratch.appendingPathComponent("cache").path]),
            corporaFolder: corpora)
        let terminal = PacedTerminal(size: size)
        let app = StudioRuntime(terminal: terminal, environment: environment, session: busySession(bars: 16))

        // Idle: the loop sleeps until its next deadline (with nothing due, until a key); count what it costs.
        let keyboard = terminal.keyboard
        app.step(timeout: 0)
        let idleStart = ContinuousClock.now, cpuStart = processCPUSeconds(), framesStart = terminal.frames
        let waker = Thread {
            Thread.sleep(forTimeInterval: idleSeconds)
            keyboard.send(.resize)
        }
        waker.start()
        while ContinuousClock.now - idleStart < .seconds(idleSeconds) { app.step() }
        let idleWall = seconds(ContinuousClock.now - idleStart)
        let idleCPU = (processCPUSeconds() - cpuStart) / idleWall
        let idleFrames = terminal.frames - framesStart

        // Training at full speed, then keys.
        keyboard.send(.key(.character("t")))
        let trainingStart = ContinuousClock.now
        while (app.state.training?.batches.count ?? 0) < 3, ContinuousClock.now - trainingStart < .seconds(120),
              app.state.training?.phase != .failed {
            app.step()
        }
        var figures = LoopFigures(idleCPU: idleCPU, idleFrames: idleFrames, idleSeconds: idleWall, keyToScreenTraining: [],
                                  trainingStepsPerSecond: 0, trainingDescription: app.state.training?.title ?? "",
                                  trainingProblem: nil)
        guard (app.state.training?.batches.count ?? 0) >= 3 else {
            figures.trainingProblem = app.state.message?.text ?? "training did not start"
            return figures
        }
        let typing = Atomic<Bool>(true)
        let keyCount = keys
        let typist = Thread {
            var generator = SystemRandomNumberGenerator()
            for index in 0..<keyCount {
                Thread.sleep(forTimeInterval: Double.random(in: 0.02...0.05, using: &generator))
                keyboard.send(.key(index % 40 < 20 ? .right : .left))
            }
            typing.store(false, ordering: .releasing)
            keyboard.send(.key(.character("?")))   // wakes the loop one last time (help on)
        }
        typist.start()
        let typingStart = ContinuousClock.now
        while typing.load(ordering: .acquiring) || terminal.keyToScreen.count < keys,
              ContinuousClock.now - typingStart < .seconds(Double(keys) * 0.05 + 30) {
            app.step()
        }
        figures.trainingStepsPerSecond = app.state.training?.stepsPerSecond ?? 0
        figures.keyToScreenTraining = Array(terminal.keyToScreen.prefix(keys)).sorted()
        for character in ":train stop" { keyboard.send(.key(.character(character))) }
        keyboard.send(.key(.enter))
        let stopStart = ContinuousClock.now
        while app.state.training?.phase != .stopped, app.state.training?.phase != .finished,
              ContinuousClock.now - stopStart < .seconds(30) {
            app.step()
        }
        return figures
    }

    /// User plus system CPU time of the whole process so far, in seconds.
    private static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private static func seconds(_ duration: Duration) -> Double { duration.milliseconds / 1000 }
}
