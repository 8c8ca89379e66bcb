import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltTerminal

/// The shell around the studio's pure core: it turns input, time and finished work into events, hands
/// each to `StudioState.update(_:)`, performs the effects that come back (`StudioRuntime+Effects`), and
/// draws the state.
///
/// The loop redraws only when something changed, waits for input no longer than the next deadline (the
/// playhead's next grid step while playing, a timer, work in the background) and otherwise sleeps until a
/// key comes, so the studio is idle when nothing plays. One player sounds both playback and live mode.
public final class StudioRuntime {
    public private(set) var state: StudioState
    let terminal: any Terminal
    let environment: StudioEnvironment
    let clock: any PlaybackClock
    /// The one player: the melody, and live mode's endless part.
    let player: LivePlayer
    let work: WorkRunner
    let inbox = Inbox()
    /// Timers the update set: when each is due, in milliseconds on `clock`.
    var timers: [StudioTimer: Double] = [:]
    var live: LiveGeneration?
    var trainingJob: TrainingJob?
    /// The MIDI keyboard's input, when one is connected.
    var midiInput: MIDIInput?
    /// When the MIDI input's sources were last looked for, in milliseconds on `clock`.
    var midiChecked = 0.0
    /// Whether the training thread was held by a pause at the last look.
    var trainingHeld = false
    private var needsRedraw = true
    private var canvas = Canvas(width: 0, height: 0)
    /// How long the last frame took to draw and present, in milliseconds.
    public private(set) var lastFrameMilliseconds = 0.0

    /// - Parameters:
    ///   - session: the session to open.
    ///   - file: its file, when it has one (`:w` saves there).
    public init(terminal: any Terminal, environment: StudioEnvironment, session: ComposingSession = ComposingSession(),
                file: URL? = nil, keyMap: KeyMap = .standard) {
        self.terminal = terminal
        self.environment = environment
        clock = environment.clock
        work = WorkRunner(environment.background)
        player = LivePlayer(output: environment.output, melody: session.melody, tempo: session.controls.tempo,
                            pacing: environment.pacing)
        try? player.setProgram(session.controls.program)
        try? player.setChordProgram(session.controls.chordProgram)
        player.setVolume(session.controls.volume)

        var state = StudioState(session: session, file: file, audioName: environment.audioName,
                                unicode: terminal.supportsUnicode)
        state.keyMap = keyMap
        state.screen = terminal.size
        state.workingDirectory = environment.workingDirectory
        state.homeDirectory = environment.homeDirectory
        state.corpusName = environment.corpusName
        state.canRenderWAV = environment.soundFont != nil
        state.autosaveDelay = environment.autosave != nil ? environment.autosaveDelay : nil
        state.modelExpected = environment.modelURL != nil
        if let setup = environment.training {
            state.trainingDefault = TrainingChoice(corpus: setup.corpus, model: setup.model)
        }
        if let notice = environment.notice { state.message = StudioMessage(notice) }
        self.state = state

        if let url = environment.modelURL {
            self.state.message = StudioMessage("loading model \(url.lastPathComponent)...")
            perform(.loadModel(url, quiet: false))
        }
        if let midiIn = environment.midiIn { perform(.midi(midiIn)) }
        if let autosave = environment.autosave, let recovered = autosave.recover() {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            inbox.post(.recovered(RecoveredSession(session: recovered.session, file: recovered.file,
                                                   saved: formatter.string(from: recovered.saved))))
        }
        settle()
    }

    deinit {
        midiInput?.close()
        live?.stop()
        player.shutdown()
    }

    /// Set when the loop should end, with the exit code.
    public var exitCode: Int32? { state.exitCode }

    // MARK: The loop

    /// Runs until the user quits or a termination signal arrives; returns the exit code (0, or 128 + signal).
    /// The caller restores the terminal and closes the output.
    public func run() -> Int32 {
        while state.exitCode == nil { step() }
        midiInput?.close()
        midiInput = nil
        live?.stop()
        live = nil
        player.shutdown()
        return state.exitCode ?? 0
    }

    /// One turn of the loop: catch up with time and background work, redraw if needed, wait for one input
    /// until the next deadline (or `timeout` seconds, when given) and handle it.
    public func step(timeout: Double? = nil) {
        if terminal.size != state.screen { send(.resized(terminal.size)) }
        poll()
        if needsRedraw { draw() }
        if let input = terminal.nextEvent(timeout: timeout ?? nextTimeout()) { handle(input) }
    }

    /// Hands one input from the terminal to the update.
    public func handle(_ input: InputEvent) {
        switch input {
        case .resize: send(.resized(terminal.size))
        case .terminate(let signal): send(.terminate(signal: signal))
        case .mouse(let mouse): send(.mouse(mouse))
        case .key(let key): send(.key(key))
        }
    }

    /// Updates the state with `event`, performs the effects, then takes in whatever they finished at once.
    public func send(_ event: StudioEvent) {
        dispatch(event)
        settle()
    }

    /// Moves a manual clock on by `milliseconds` in steps of `stride`, with the player and live mode
    /// pumped at each (tests; the environment's clock must be the `ManualPlaybackClock` given).
    public func advance(by milliseconds: Double, stride: Double = 5) {
        guard let manual = clock as? ManualPlaybackClock else { return }
        let end = clock.milliseconds + milliseconds
        while clock.milliseconds < end {
            manual.advance(by: min(stride, end - clock.milliseconds))
            poll()
        }
    }

    private func dispatch(_ event: StudioEvent) {
        let effects = state.update(event)
        needsRedraw = true
        for effect in effects { perform(effect) }
    }

    /// Takes in results posted by effects and background work, then the player's state as it is now (once:
    /// while playing, the playhead moves between any two looks).
    private func settle() {
        drainInbox()
        let snapshot = playbackSnapshot()
        guard snapshot != state.playback else { return }
        dispatch(.playback(snapshot))
        drainInbox()
    }

    private func drainInbox() {
        while let item = inbox.takeFirst() {
            switch item {
            case .event(let event): dispatch(event)
            case .corpusReady(let ready): startTraining(ready)
            }
        }
    }

    /// Catches up with everything that moves by itself: a manually paced player and live mode, timers,
    /// the training job, background results.
    public func poll() {
        if environment.pacing == LivePlayer.Pacing.manual {
            live?.pump()
            player.pump()
        }
        let now = clock.milliseconds
        for (timer, due) in timers.sorted(by: { $0.value < $1.value }) where due <= now {
            timers[timer] = nil
            dispatch(.timer(timer))
        }
        if let input = midiInput, now - midiChecked > 2000 {
            midiChecked = now
            if !input.sourcesPresent {
                input.close()
                midiInput = nil
                let gone = input.sources.map(\.description).joined(separator: ", ")
                dispatch(.midiInput(StudioMessage("MIDI input \(gone) went away (:midi lists what there is)", isError: true),
                                    source: nil))
            }
        }
        if let job = trainingJob {
            let held = job.pauseState == .paused
            let events = job.drainEvents()
            if !events.isEmpty || held != trainingHeld {
                trainingHeld = held
                dispatch(.training(events, held: held))
            }
        }
        settle()
    }

    func playbackSnapshot() -> PlaybackSnapshot {
        let status = player.status
        return PlaybackSnapshot(isPlaying: status.state == .playing,
                                position: status.state == .stopped ? nil : status.position,
                                loop: status.loop, isPaused: status.state == .paused)
    }

    /// Seconds until something is due (nil: nothing; wait for input).
    func nextTimeout() -> Double? {
        var deadlines: [Double] = []
        let now = clock.milliseconds
        if state.playback.isPlaying, let position = state.playback.position {
            let stepLength = StudioState.step.doubleValue
            let next = ((position / stepLength).rounded(.down) + 1) * stepLength
            deadlines.append((next - position) * 60 / max(1, player.status.tempo) + 0.002)
        }
        if let due = timers.values.min() { deadlines.append((due - now) / 1000) }
        if inbox.isBusy { deadlines.append(inbox.hasItems ? 0 : 0.1) }
        // Training events come in while it runs; a paused job sends none, so the loop can sleep once the
        // pane says so.
        if state.isTraining, state.training?.phase != .paused { deadlines.append(0.1) }
        // MIDI notes arrive in the inbox from the driver's thread, which cannot wake the terminal's wait:
        // they are heard at once and shown within 20 ms.
        if midiInput != nil { deadlines.append(0.02) }
        return deadlines.min().map { max(0.001, $0) }
    }

    /// Draws the screen and shows it.
    public func draw() {
        let start = clock.milliseconds
        let size = terminal.size
        if canvas.width != size.width || canvas.height != size.height {
            canvas = Canvas(width: size.width, height: size.height)
        }
        StudioView.draw(state, keyMap: state.keyMap, on: &canvas)
        terminal.present(canvas)
        needsRedraw = false
        lastFrameMilliseconds = clock.milliseconds - start
    }
}
