import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

extension StudioApp {
    /// Loads the model in the background; the status line names it once ready.
    func loadModel(_ url: URL, quiet: Bool = false) {
        let jobs = self.jobs
        jobs.started()
        if !quiet { state.message = StudioMessage("loading model \(url.lastPathComponent)...") }
        Thread.detachNewThread {
            do {
                let model = try MusicModel.load(from: url)
                let name = url.lastPathComponent == "best.safetensors"
                    ? url.deletingLastPathComponent().lastPathComponent : url.lastPathComponent
                jobs.finished(.modelLoaded(model, name: name, quiet: quiet))
            } catch {
                jobs.finished(StudioMessage("\(error)", isError: true))
            }
        }
    }

    /// The generation controls of the session's sliders.
    func generationControls(variations: Int) -> GenerationControls {
        let session = state.session.controls
        var controls = GenerationControls()
        controls.temperature = session.temperature
        controls.restBias = session.restBias
        controls.holdBias = session.holdBias
        controls.length = .bars(session.bars)
        controls.variations = variations
        controls.randomSeed = session.randomSeed
        controls.stopAtEnd = false
        return controls
    }

    /// `c` and `g`: asks the model for a continuation of the notes before the cursor.
    func generate(_ purpose: GenerationPurpose) {
        guard model != nil else {
            state.message = StudioMessage(environment.modelURL == nil
                ? "no model: start with lilt studio --model FILE, or train one with lilt train --default"
                : "the model is still loading", isError: environment.modelURL == nil)
            return
        }
        let start = state.session.cursor
        let variations = purpose == .variations ? max(1, state.session.controls.variations) : 1
        generationCounter += 1
        let request = GenerationRequest(id: generationCounter, purpose: purpose, start: start,
                                        seed: state.session.seedMelody(before: start),
                                        controls: generationControls(variations: variations),
                                        revision: state.history.revision)
        send(request)
    }

    /// Generates `request` again with the sliders' controls now (same random seed), replacing the last result.
    func regenerate() {
        guard var request = lastGeneration, model != nil else { return }
        generationCounter += 1
        request.id = generationCounter
        request.controls = generationControls(variations: request.controls.variations)
        request.revision = state.history.revision
        request.isRegeneration = true
        send(request)
    }

    private func send(_ request: GenerationRequest) {
        guard let model else { return }
        lastGeneration = request
        state.isGenerating = true
        let jobs = self.jobs
        jobs.started()
        generator.generate(request, model: model) { result in jobs.finished(.generated(result)) }
    }

    /// A generation came back: into the melody (continuation) or into the variations to browse.
    func apply(_ result: GenerationResult) {
        guard result.request.id == generationCounter else { return }   // a newer one is on its way
        state.isGenerating = false
        if let error = result.error {
            state.message = StudioMessage(error, isError: true)
            return
        }
        let timing = String(format: "%.0f ms", result.milliseconds)
        let pitches = result.takes.joined().map(\.pitch)
        if let low = pitches.min(), let high = pitches.max() { state.pitchesToReveal = low...high }
        switch result.request.purpose {
        case .continuation:
            guard let notes = result.takes.first else { return }
            let start = result.request.start
            let provenance = result.provenance.first ?? "{}"
            edit(result.request.isRegeneration ? "regenerate" : "continue") { session in
                session.replace(from: start, with: notes)
                session.takes.append(SessionTake(name: "take \(session.takes.count + 1)", notes: notes, provenance: provenance))
                session.keptTake = session.takes.count - 1
            }
            let controls = result.request.controls
            state.message = StudioMessage(result.request.isRegeneration
                ? String(format: "regenerated from bar %d at temperature %.2f, rest bias %+.1f, hold bias %+.1f: %d notes in %@",
                         state.session.bar(at: start) + 1, controls.temperature, controls.restBias, controls.holdBias,
                         notes.count, timing)
                : "continued from bar \(state.session.bar(at: start) + 1): \(notes.count) notes in \(timing)")
        case .variations:
            state.variations = result.takes
            state.variationProvenance = result.provenance
            state.variationIndex = min(state.variationIndex, max(0, result.takes.count - 1))
            state.variationStart = result.request.start
            state.showingKept = false
            loadedRevision = nil
            state.message = StudioMessage("\(result.takes.count) variations in \(timing): J/K browse, a A/B, Enter keeps, Esc drops")
        }
    }

    /// `J`/`K`: the next or previous variation.
    func browse(_ direction: Int) {
        guard !state.variations.isEmpty else {
            state.message = StudioMessage("no variations: g writes some")
            return
        }
        state.variationIndex = (state.variationIndex + direction + state.variations.count) % state.variations.count
        state.showingKept = false
        previewChanged()
        state.message = StudioMessage("variation \(state.variationIndex + 1) of \(state.variations.count)")
    }

    /// `a`: switches between the kept melody and the variation.
    func compare() {
        guard !state.variations.isEmpty else { return }
        state.showingKept.toggle()
        previewChanged()
        state.message = StudioMessage(state.showingKept ? "A: the kept melody" : "B: variation \(state.variationIndex + 1)")
    }

    /// `Enter` while browsing: the variation goes into the melody (undoable).
    func keepVariation() {
        guard state.variations.indices.contains(state.variationIndex) else { return }
        let notes = state.variations[state.variationIndex]
        let start = state.variationStart
        let provenance = state.variationProvenance.indices.contains(state.variationIndex)
            ? state.variationProvenance[state.variationIndex] : "{}"
        let number = state.variationIndex + 1
        dropVariations()
        edit("keep variation") { session in
            session.replace(from: start, with: notes)
            session.takes.append(SessionTake(name: "variation \(number)", notes: notes, provenance: provenance))
            session.keptTake = session.takes.count - 1
        }
        state.message = StudioMessage("kept variation \(number)")
    }

    func dropVariations() {
        state.variations = []
        state.variationProvenance = []
        state.variationIndex = 0
        state.showingKept = false
        if lastGeneration?.purpose == .variations { lastGeneration = nil }
        previewChanged()
    }

    /// The melody playing changed without an edit: reload it if playing.
    func previewChanged() {
        loadedRevision = nil
        if player.state == .playing {
            let position = player.position
            reloadPlayer()
            player.seek(to: position)
            player.play()
        }
    }
}

extension StudioApp {
    /// `m`: starts live mode from the cursor (the notes before it are the seed), or stops it.
    func toggleLive() {
        if live != nil {
            stopLive(keep: true)
            return
        }
        guard let model else {
            state.message = StudioMessage("live mode needs a model (lilt studio --model FILE, or t to train one)", isError: true)
            return
        }
        dropVariations()
        player.stop()
        let start = state.session.cursor
        let seed = state.session.seedMelody(before: start)
        var before = seed
        before.notes = seed.notes.filter { !$0.isRest }
        let livePlayer = LivePlayer(output: environment.output, melody: before, tempo: state.session.controls.tempo,
                                    stopsAtEnd: false)
        if let program = GMProgram(number: state.session.controls.program - 1) { try? livePlayer.setProgram(program) }
        livePlayer.seek(to: max(0, start.doubleValue - state.session.barLength.doubleValue))   // a bar of lead-in
        let jobs = self.jobs
        state.isLive = true
        state.liveStart = start
        state.liveNotes = []
        state.liveHeld = nil
        // Made before the player starts: a beat already due (no lead-in at the very start) is queued with it.
        live = LiveGeneration(model: model, seed: seed, start: start, controls: generationControls(variations: 1),
                              player: livePlayer,
                              onNotes: { ended, held in jobs.post(.liveNotes(ended, held: held)) },
                              onError: { reason in jobs.post(.message(StudioMessage(reason, isError: true))) })
        livePlayer.play()
        state.message = StudioMessage("live: the model plays on from bar \(state.session.bar(at: start) + 1); "
                                      + "sliders change it from the next beat; m or Space stops and keeps it")
    }

    /// Ends live mode; with `keep`, what was written goes into the melody (one undoable edit).
    func stopLive(keep: Bool) {
        guard let live else { return }
        live.stop()
        live.player.shutdown()
        self.live = nil
        // Notes that arrived after the last drain.
        for event in jobs.take() {
            if case .liveNotes(let ended, let held) = event {
                state.liveNotes += ended
                state.liveHeld = held
            } else {
                jobs.post(event)
            }
        }
        // The live player is gone: nothing plays now (a stale "playing" would restart the melody below).
        state.playback = PlaybackSnapshot()
        let notes = state.liveNotes, start = state.liveStart
        let provenance = live.provenance?.json ?? #"{"source":"live"}"#
        state.isLive = false
        state.liveNotes = []
        state.liveHeld = nil
        guard keep, !notes.isEmpty else { return }
        edit("live take") { session in
            session.replace(from: start, with: notes)
            session.takes.append(SessionTake(name: "live \(session.takes.count + 1)", notes: notes,
                                             provenance: provenance))
        }
        state.message = StudioMessage("live take kept: \(notes.count) notes (u takes it back)")
    }
}

/// What a prediction is for: a cursor position, a document revision and a model.
struct PredictionKey: Equatable {
    var position: QuarterLength
    var revision: Int
    var model: String
}

extension StudioApp {
    /// `p`: shows (or hides) what the model expects at the cursor: each pitch's probability of starting a
    /// note at the cursor's step as ghost cells in the roll, the likeliest choices in the status line (and
    /// once in the message line when switched on).
    func togglePredictions() {
        guard model != nil || state.showPredictions else {
            state.message = StudioMessage("the model's odds need a model (lilt studio --model FILE, or t to train one)",
                                          isError: true)
            return
        }
        state.showPredictions.toggle()
        state.prediction = nil
        predictionAnswered = nil
        announcePrediction = state.showPredictions
        if !state.showPredictions { state.message = StudioMessage("model's odds off") }
        refreshPrediction()
    }

    /// Asks for the prediction at the cursor when the last answer (odds or a reason there are none) is
    /// for another position, revision or model, and none is on its way (called once a frame; one at a
    /// time, so moving fast costs nothing, and a place with no odds is asked about once).
    func refreshPrediction() {
        guard state.showPredictions, let model, predictionAsked == nil else { return }
        let key = PredictionKey(position: state.session.cursor, revision: state.history.revision, model: model.hash)
        guard key != predictionAnswered else { return }
        predictionAsked = key
        let jobs = self.jobs
        jobs.started()
        generator.predict(after: state.session.seedMelody(before: key.position), model: model) { result in
            jobs.finished(.predicted(result))
        }
    }

    /// The answer to the prediction asked last: shown, then the next one is asked for if the cursor moved.
    func applyPrediction(_ result: Result<NextStepPrediction, GenerationProblem>) {
        guard let key = predictionAsked else { return }
        predictionAsked = nil
        guard state.showPredictions else { return }
        predictionAnswered = key
        switch result {
        case .success(let prediction):
            state.prediction = CursorPrediction(position: key.position, revision: key.revision, prediction: prediction)
            if announcePrediction {
                announcePrediction = false
                state.message = StudioMessage("next step: " + prediction.summary())
            }
        case .failure(let problem):
            state.prediction = nil
            state.message = StudioMessage("no odds here: \(problem)", isError: true)
        }
        refreshPrediction()
    }
}
