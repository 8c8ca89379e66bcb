import Foundation
import LiltCompose
import LiltMusic

extension StudioState {
    /// The model is loaded: generation uses it from now on.
    mutating func modelLoaded(_ loaded: LoadedModel, quiet: Bool) -> [StudioEffect] {
        model = loaded
        modelName = loaded.name
        modelPitchRange = loaded.pitchRange
        if !quiet { message = StudioMessage("model \(loaded.name) ready: c continues from the cursor, g writes variations") }
        return []
    }

    /// The generation controls of the session's sliders.
    func generationControls(variations: Int) -> GenerationControls {
        let session = session.controls
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
    mutating func generate(_ purpose: GenerationPurpose) -> [StudioEffect] {
        guard let model else {
            message = modelExpected
                ? StudioMessage("the model is still loading")
                : StudioMessage("no model: start with lilt studio --model FILE, or train one with lilt train --default",
                                isError: true)
            return []
        }
        let start = session.cursor
        let variations = purpose == .variations ? max(1, session.controls.variations) : 1
        generation.latestID += 1
        let end = start + session.barLength * QuarterLength(max(1, session.controls.bars))
        let request = GenerationRequest(id: generation.latestID, purpose: purpose, start: start,
                                        seed: session.seedMelody(before: start),
                                        controls: generationControls(variations: variations),
                                        revision: history.revision,
                                        chords: chordLane(from: start, to: end))
        return send(request, to: model)
    }

    /// The chord lane's chords sounding between `start` and `end`, cut to them.
    func chordLane(from start: QuarterLength, to end: QuarterLength) -> [ChordSymbol] {
        session.chords.compactMap { $0.clipped(to: start..<end) }
    }

    /// The last generation again with the sliders as they are now (same random seed), replacing its result.
    mutating func regenerate() -> [StudioEffect] {
        guard var request = generation.last, let model else { return [] }
        generation.latestID += 1
        request.id = generation.latestID
        request.controls = generationControls(variations: request.controls.variations)
        request.revision = history.revision
        request.isRegeneration = true
        return send(request, to: model)
    }

    private mutating func send(_ request: GenerationRequest, to model: LoadedModel) -> [StudioEffect] {
        generation.last = request
        generation.isRunning = true
        return [.generate(request, model)]
    }

    /// A generation came back: into the melody (continuation) or into the variations to browse — unless a
    /// newer one was asked for, or the melody was edited since it was asked (then it is dropped, never
    /// written over the newer edit).
    mutating func generated(_ result: GenerationResult) -> [StudioEffect] {
        guard result.request.id == generation.latestID else { return [] }   // a newer one is on its way
        generation.isRunning = false
        if let error = result.error {
            message = StudioMessage(error, isError: true)
            return []
        }
        guard result.request.revision == history.revision else {
            message = StudioMessage("the model's notes were dropped: the melody changed while they were written "
                                    + "(\(result.request.purpose == .continuation ? "c" : "g") asks again)")
            return []
        }
        let timing = String(format: "%.0f ms", result.milliseconds)
        let pitches = result.takes.joined().map(\.pitch)
        if let low = pitches.min(), let high = pitches.max() { pitchesToReveal = low...high }
        let start = result.request.start
        switch result.request.purpose {
        case .continuation:
            guard let notes = result.takes.first else { return [] }
            let provenance = result.provenance.first ?? "{}"
            let chords = result.request.chords.isEmpty ? (result.chords.first ?? []) : []
            let effects = edit(result.request.isRegeneration ? "regenerate" : "continue") { session in
                session.replace(from: start, with: notes)
                if !chords.isEmpty { session.replaceChords(from: start, with: chords) }
                session.takes.append(SessionTake(name: "take \(session.takes.count + 1)", notes: notes, provenance: provenance))
                session.keptTake = session.takes.count - 1
            }
            let controls = result.request.controls
            message = StudioMessage(result.request.isRegeneration
                ? String(format: "regenerated from bar %d at temperature %.2f, rest bias %+.1f, hold bias %+.1f: %d notes in %@",
                         session.bar(at: start) + 1, controls.temperature, controls.restBias, controls.holdBias,
                         notes.count, timing)
                : "continued from bar \(session.bar(at: start) + 1): \(notes.count) notes in \(timing)")
            return answerPending ? effects + playAnswer(from: start, notes: notes) : effects
        case .variations:
            variations = result.takes
            // The model's own chords when it wrote some (over the lane's, they are the lane's).
            variationChords = result.request.chords.isEmpty ? result.chords : []
            variationProvenance = result.provenance
            variationIndex = min(variationIndex, max(0, result.takes.count - 1))
            variationStart = start
            showingKept = false
            message = StudioMessage("\(result.takes.count) variations in \(timing): J/K browse, a A/B, Enter keeps, Esc drops")
            return previewChanged()
        }
    }

    /// `J`/`K`: the next or previous variation.
    mutating func browse(_ direction: Int) -> [StudioEffect] {
        guard !variations.isEmpty else {
            message = StudioMessage("no variations: g writes some")
            return []
        }
        variationIndex = (variationIndex + direction + variations.count) % variations.count
        showingKept = false
        message = StudioMessage("variation \(variationIndex + 1) of \(variations.count)")
        return previewChanged()
    }

    /// `a`: switches between the kept melody and the variation.
    mutating func compare() -> [StudioEffect] {
        guard !variations.isEmpty else { return [] }
        showingKept.toggle()
        message = StudioMessage(showingKept ? "A: the kept melody" : "B: variation \(variationIndex + 1)")
        return previewChanged()
    }

    /// `Enter` while browsing: the variation goes into the melody (undoable).
    mutating func keepVariation() -> [StudioEffect] {
        guard variations.indices.contains(variationIndex) else { return [] }
        let notes = variations[variationIndex]
        let chords = variationChords.indices.contains(variationIndex) ? variationChords[variationIndex] : []
        let start = variationStart
        let provenance = variationProvenance.indices.contains(variationIndex) ? variationProvenance[variationIndex] : "{}"
        let number = variationIndex + 1
        var effects = dropVariations()
        effects += edit("keep variation") { session in
            session.replace(from: start, with: notes)
            if !chords.isEmpty { session.replaceChords(from: start, with: chords) }
            session.takes.append(SessionTake(name: "variation \(number)", notes: notes, provenance: provenance))
            session.keptTake = session.takes.count - 1
        }
        message = StudioMessage("kept variation \(number)")
        return effects
    }

    mutating func dropVariations() -> [StudioEffect] {
        variations = []
        variationChords = []
        variationProvenance = []
        variationIndex = 0
        showingKept = false
        if generation.last?.purpose == .variations { generation.last = nil }
        return previewChanged()
    }

    // MARK: The model's odds at the cursor

    /// `p`: shows (or hides) what the model expects at the cursor: each pitch's probability of starting a
    /// note at the cursor's step as ghost cells in the roll, the likeliest choices in the status line (and
    /// once in the message line when switched on).
    mutating func togglePredictions() -> [StudioEffect] {
        guard model != nil || predictions.isShown else {
            message = StudioMessage("the model's odds need a model (lilt studio --model FILE, or t to train one)",
                                    isError: true)
            return []
        }
        predictions.isShown.toggle()
        predictions.shown = nil
        predictions.answered = nil
        predictions.announce = predictions.isShown
        if !predictions.isShown { message = StudioMessage("model's odds off") }
        return []
    }

    /// Asks for the prediction at the cursor when the last answer (odds or a reason there are none) is for
    /// another position, revision or model, and none is on its way (after every event; one at a time, so
    /// moving fast costs nothing, and a place with no odds is asked about once).
    mutating func askForPrediction() -> [StudioEffect] {
        guard predictions.isShown, let model, predictions.asked == nil else { return [] }
        let key = PredictionKey(position: session.cursor, revision: history.revision, model: model.model.hash)
        guard key != predictions.answered else { return [] }
        predictions.asked = key
        return [.predict(key, seed: session.seedMelody(before: key.position), model)]
    }

    /// The answer to the prediction asked last: shown (the next is asked for after this event if the
    /// cursor moved meanwhile).
    mutating func predicted(_ key: PredictionKey, _ result: Result<NextStepPrediction, GenerationProblem>) -> [StudioEffect] {
        guard key == predictions.asked else { return [] }
        predictions.asked = nil
        guard predictions.isShown else { return [] }
        predictions.answered = key
        switch result {
        case .success(let prediction):
            predictions.shown = CursorPrediction(position: key.position, revision: key.revision, prediction: prediction)
            if predictions.announce {
                predictions.announce = false
                message = StudioMessage("next step: " + prediction.summary())
            }
        case .failure(let problem):
            predictions.shown = nil
            message = StudioMessage("no odds here: \(problem)", isError: true)
        }
        return []
    }
}
