import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltTerminal
import Synchronization
import LiltCompose

/// The studio's event loop: keys become commands, commands change the state, the state is drawn.
///
/// The loop redraws only when something changed, waits for input no longer than the next deadline (the
/// playhead's next grid step while playing, an audition note's release, the autosave, a background job),
/// and otherwise sleeps until a key comes, so the studio is idle when nothing plays. Background work (WAV
/// export) posts its results to a queue drained once a frame; FluidSynth's own thread plays the notes.
public final class StudioApp {
    public internal(set) var state: StudioState
    public let keyMap: KeyMap
    let terminal: any Terminal
    let environment: StudioEnvironment
    let player: LivePlayer
    /// The history revision whose melody the player holds (nil: none loaded yet).
    var loadedRevision: Int?
    private var needsRedraw = true
    let clock = MonotonicPlaybackClock()
    /// Audition notes to release: key and time (milliseconds on `clock`).
    var releases: [(key: Int, at: Double)] = []
    var autosaveDue: Double?
    let jobs = JobQueue()
    /// Set when the loop should end, with the exit code.
    public private(set) var exitCode: Int32?
    func setExit(_ code: Int32) { exitCode = code }
    /// How long the last frame took to draw and present, in milliseconds.
    public private(set) var lastFrameMilliseconds = 0.0
    private var canvas = Canvas(width: 0, height: 0)

    /// - Parameters:
    ///   - session: the session to open.
    ///   - file: its file, when it has one (`:w` saves there).
    public init(terminal: any Terminal, environment: StudioEnvironment, session: ComposingSession = ComposingSession(),
                file: URL? = nil, keyMap: KeyMap = .standard) {
        self.terminal = terminal
        self.environment = environment
        self.keyMap = keyMap
        state = StudioState(session: session, audioName: environment.audioName, unicode: terminal.supportsUnicode)
        state.file = file
        state.modelName = environment.modelName
        state.corpusName = environment.corpusName
        if let notice = environment.notice { state.message = StudioMessage(notice) }
        player = LivePlayer(output: environment.output, melody: session.melody, tempo: session.controls.tempo)
        if let program = GMProgram(number: session.controls.program - 1) { try? player.setProgram(program) }
        if let url = environment.modelURL { loadModel(url) }
        if let autosave = environment.autosave, let recovered = autosave.recover() {
            pendingRecovery = recovered
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            state.mode = .confirm(.restoreAutosave(formatter.string(from: recovered.saved)))
        }
    }

    private var pendingRecovery: (session: ComposingSession, file: URL?, saved: Date)?
    /// The model generation uses, once loaded.
    var model: MusicModel?
    let generator = GenerationWorker()
    var generationCounter = 0
    /// The last generation asked for: sliders regenerate it.
    var lastGeneration: GenerationRequest?
    /// Training started from the studio, and the latest per-epoch sample.
    var training: StudioTraining?
    /// The corpus and size chosen with `:train NAME 2x256` (nil: none chosen yet).
    var trainingChoice: TrainingChoice?
    var lastSample: [SessionNote]?
    /// Live mode's generator and player, while it runs.
    var live: LiveGeneration?
    /// The prediction on its way, the one answered last (with odds or a reason), and whether the next
    /// answer goes to the message line too (the first after `p`).
    var predictionAsked: PredictionKey?
    var predictionAnswered: PredictionKey?
    var announcePrediction = false

    deinit { player.shutdown() }

    // MARK: The loop

    /// Runs until the user quits or a termination signal arrives; returns the exit code (0, or 128 + signal).
    /// The caller restores the terminal.
    public func run() -> Int32 {
        while exitCode == nil {
            step()
        }
        stopLive(keep: false)
        player.shutdown()
        return exitCode ?? 0
    }

    /// One turn of the loop: drain engine events, redraw if needed, wait for one input until the next
    /// deadline (or `timeout` seconds, when given) and handle it.
    public func step(timeout: Double? = nil) {
        update()
        if needsRedraw { draw() }
        if let event = terminal.nextEvent(timeout: timeout ?? nextTimeout()) {
            handle(event)
        }
    }

    /// Brings the state up to date with the player, the clock and background jobs (once a frame).
    public func update() {
        let now = clock.milliseconds
        let status = (live?.player ?? player).status
        let playing = status.state == .playing
        let snapshot = PlaybackSnapshot(isPlaying: playing,
                                        position: status.state == .stopped ? nil : status.position,
                                        loop: status.loop)
        if snapshot != state.playback {
            state.playback = snapshot
            needsRedraw = true
        }
        while let first = releases.first, first.at <= now {
            releases.removeFirst()
            audition(off: first.key)
        }
        if let due = autosaveDue, due <= now {
            autosaveDue = nil
            writeAutosave()
        }
        for event in jobs.take() {
            needsRedraw = true
            switch event {
            case .message(let message): state.message = message
            case .modelLoaded(let model, let name, let quiet):
                self.model = model
                state.modelName = name
                let pitches = model.vocabulary.tokens.compactMap { token -> Int? in
                    if case .note(let midi) = token { return midi }
                    return nil
                }
                state.modelPitchRange = pitches.min().flatMap { low in pitches.max().map { low...$0 } }
                if !quiet { state.message = StudioMessage("model \(name) ready: c continues from the cursor, g writes variations") }
            case .generated(let result): apply(result)
            case .corpusReady(let corpus): corpusReady(corpus)
            case .liveNotes(let ended, let held):
                state.liveNotes += ended
                state.liveHeld = held
            case .predicted(let result): applyPrediction(result)
            case .trainingFailed(let reason):
                state.training?.phase = .failed
                state.training?.title = "training could not start"
                state.message = StudioMessage(reason, isError: true)
            }
        }
        if drainTraining() { needsRedraw = true }
        refreshPrediction()
    }

    /// Seconds until something is due (nil: nothing; wait for input).
    func nextTimeout() -> Double? {
        var deadlines: [Double] = []
        let now = clock.milliseconds
        if state.playback.isPlaying, let position = state.playback.position {
            let stepLength = StudioState.step.doubleValue
            let next = ((position / stepLength).rounded(.down) + 1) * stepLength
            let tempo = max(1, player.status.tempo)
            deadlines.append((next - position) * 60 / tempo + 0.002)
        }
        if let release = releases.first { deadlines.append((release.at - now) / 1000) }
        if let due = autosaveDue { deadlines.append((due - now) / 1000) }
        if jobs.isBusy { deadlines.append(jobs.hasResults ? 0 : 0.1) }
        // Training events come in while it runs; a paused job sends none, so the loop can sleep once the
        // pane says so.
        if let job = training?.job, (job.result == nil && job.pauseState != .paused)
            || state.training?.phase == .running || state.training?.phase == .pausing {
            deadlines.append(0.1)
        }
        return deadlines.min().map { max(0.001, $0) }
    }

    /// Draws the screen and shows it.
    public func draw() {
        let start = clock.milliseconds
        let size = terminal.size
        scrollIntoView(size: size)
        if canvas.width != size.width || canvas.height != size.height {
            canvas = Canvas(width: size.width, height: size.height)
        }
        StudioView.draw(state, keyMap: keyMap, on: &canvas)
        terminal.present(canvas)
        needsRedraw = false
        lastFrameMilliseconds = clock.milliseconds - start
    }

    /// Keeps the cursor (and, following, the playhead) in view.
    func scrollIntoView(size: TerminalSize) {
        let grid = StudioLayout(size: size, showsTraining: state.showTraining).grid
        guard grid.width > 0, grid.height > 0 else { return }
        let visibleSteps = max(1, grid.width / max(1, state.zoom))
        let margin = min(4, visibleSteps / 4)
        func reveal(_ step: Int) {
            if step < state.scrollStep + (state.scrollStep > 0 ? margin : 0) {
                state.scrollStep = max(0, step - margin)
            } else if step >= state.scrollStep + visibleSteps - margin {
                state.scrollStep = max(0, step - visibleSteps + margin + 1)
            }
        }
        if state.follow, state.playback.isPlaying, let position = state.playback.position {
            let step = Int((position * 4).rounded(.down))
            if step < state.scrollStep || step >= state.scrollStep + visibleSteps {
                state.scrollStep = max(0, step - margin)   // page along with the playhead
            }
        } else {
            reveal(gridSteps(state.session.cursor))
        }
        let pitch = state.session.cursorPitch
        if let wanted = state.pitchesToReveal {
            state.pitchesToReveal = nil
            let low = min(wanted.lowerBound, pitch), high = max(wanted.upperBound, pitch)
            let hidden = high > state.topPitch - 1 || low < state.topPitch - grid.height + 2
            if hidden && high - low + 3 <= grid.height {
                // Centre the new notes (and the cursor) in the roll.
                state.topPitch = max(grid.height - 1, min(127, high + (grid.height - (high - low + 1)) / 2))
            }
        }
        if pitch > state.topPitch - 1 {
            state.topPitch = min(127, pitch + 2)
        } else if pitch < state.topPitch - grid.height + 2 {
            state.topPitch = max(grid.height - 1, pitch + grid.height - 3)
        }
    }

    // MARK: Input

    /// Handles one input event.
    public func handle(_ event: InputEvent) {
        needsRedraw = true
        switch event {
        case .resize:
            return
        case .terminate(let signal):
            stopLive(keep: true)
            if state.isModified { writeAutosave() }
            player.panic()
            exitCode = 128 + signal
        case .mouse(let mouse):
            handle(mouse)
        case .key(let key):
            handle(key)
        }
    }

    private func handle(_ mouse: MouseEvent) {
        let layout = StudioLayout(size: terminal.size, showsTraining: state.showTraining)
        let grid = layout.grid
        switch mouse.action {
        case .press where grid.contains(x: mouse.x, y: mouse.y):
            let step = state.scrollStep + (mouse.x - grid.x) / max(1, state.zoom)
            state.session.cursor = StudioState.step * QuarterLength(step)
            state.session.cursorPitch = min(127, max(0, state.topPitch - (mouse.y - grid.y)))
        case .scrollUp: perform(.movePitch(3))
        case .scrollDown: perform(.movePitch(-3))
        default: break
        }
    }

    private func handle(_ key: LiltTerminal.Key) {
        if state.showHelp {
            switch key {
            case .character("?"), .escape, .character("q"): state.showHelp = false
            case .character("j"), .down, .pageDown: state.helpScroll += 5
            case .character("k"), .up, .pageUp: state.helpScroll = max(0, state.helpScroll - 5)
            default: break
            }
            return
        }
        if StudioLayout(size: terminal.size).isTooSmall {
            if key == .character("q") || key == .control("c") { perform(.quit) }
            return
        }
        switch state.mode {
        case .command(let text):
            commandLine(key, text: text)
        case .confirm(let question):
            answer(question, key: key)
        case .normal, .play:
            state.message = nil
            if let command = keyMap.command(for: key, in: state.mode) {
                perform(command)
            } else if state.mode == .play, case .character(let c) = key {
                state.message = StudioMessage("\(c) is not a piano key (Esc leaves play mode, ? shows the keys)")
            } else if case .character(let c) = key {
                state.message = StudioMessage("\(c): no such key (? shows the keys)")
            }
        }
    }

    private func commandLine(_ key: LiltTerminal.Key, text: String) {
        switch key {
        case .escape: state.mode = .normal
        case .enter:
            state.mode = .normal
            run(line: text)
        case .backspace:
            state.mode = text.isEmpty ? .normal : .command(String(text.dropLast()))
        case .character(let c): state.mode = .command(text + String(c))
        case .tab: state.mode = .command(text + " ")
        default: break
        }
    }

    private func answer(_ question: Question, key: LiltTerminal.Key) {
        let yes = key == .character("y") || key == .character("Y")
        let no = key == .character("n") || key == .character("N") || key == .escape
        guard yes || no else { return }
        state.mode = .normal
        switch question {
        case .quitUnsaved:
            if yes { finish() }
        case .restoreAutosave:
            if yes, let recovered = pendingRecovery {
                replaceSession(recovered.session, file: recovered.file, label: "restore")
                state.savedRevision = -1
                state.savedSession = nil
                state.message = StudioMessage("restored the unsaved session; :w saves it")
            } else {
                environment.autosave?.discard()
            }
            pendingRecovery = nil
        }
    }

    /// Ends the loop cleanly: the autosave is no longer needed.
    private func finish() { quitNow() }
}

/// What background work reports to the loop.
enum StudioEvent: Sendable {
    case message(StudioMessage)
    case modelLoaded(MusicModel, name: String, quiet: Bool)
    case generated(GenerationResult)
    case corpusReady(EncodedCorpus)
    /// Live notes that ended, and the note still held (so far).
    case liveNotes([SessionNote], held: SessionNote?)
    case trainingFailed(String)
    /// The model's prediction asked for last (`StudioApp.predictionAsked`), or why there is none.
    case predicted(Result<NextStepPrediction, GenerationProblem>)
}

/// Results of background work (model loading, generation, WAV export), posted from their threads and
/// drained by the loop once a frame.
final class JobQueue: Sendable {
    private let messages = Mutex<[StudioEvent]>([])
    private let running = Atomic<Int>(0)

    /// Whether work is running or results wait to be drained (checked after draining, so a result posted
    /// in between is never left waiting for a key).
    var isBusy: Bool { running.load(ordering: .acquiring) > 0 || hasResults }
    func started() { running.add(1, ordering: .releasing) }
    func finished(_ message: StudioMessage) { finished(.message(message)) }
    /// Posts a result without ending a job (live notes).
    func post(_ event: StudioEvent) { messages.withLock { $0.append(event) } }
    func finished(_ event: StudioEvent) {
        messages.withLock { $0.append(event) }
        running.subtract(1, ordering: .releasing)
    }
    var hasResults: Bool { messages.withLock { !$0.isEmpty } }

    func take() -> [StudioEvent] {
        messages.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }
}
