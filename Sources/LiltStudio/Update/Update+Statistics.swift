import LiltCompose
import LiltMusic

extension StudioState {
    /// Whether a pane stands right of (or under) the roll: training or statistics.
    public var showsSidePane: Bool { showTraining || showStatistics }

    /// The corpus the take is compared with: the loaded model's own, else the session's.
    var statisticsCorpus: String? { model?.model.trainingInfo?.corpus ?? corpusName }

    /// `s`: the statistics pane on or off; the corpus's histograms are asked for the first time.
    mutating func toggleStatistics() -> [StudioEffect] {
        showStatistics.toggle()
        guard showStatistics else { return [] }
        guard model != nil else {
            message = StudioMessage("the statistics compare the take with the model's corpus: load a model first", isError: true)
            showStatistics = false
            return []
        }
        guard let name = statisticsCorpus else {
            message = StudioMessage("the model does not say which corpus it learnt from", isError: true)
            return []
        }
        if corpusHistograms?.name == name { return [] }
        message = StudioMessage("statistics: reading the corpus \(name)…")
        return [.loadCorpusHistograms(name)]
    }

    /// The take's histograms in the model's key: the generated notes when there are some, else the whole
    /// melody (nil without a model or a note).
    public var takeHistograms: PooledHistograms? {
        guard let model else { return nil }
        let shown = displayed
        let generated = shown.notes.filter { $0.origin == .generated }
        var melody = ComposingSession(meter: shown.meter, key: shown.key, notes: generated.isEmpty ? shown.notes : generated).melody
        melody.chords = []
        var parameters = model.model.encoding
        parameters.chords = false
        parameters.acceptableDurations = nil
        parameters.quantizes = true
        let encoder = TimeStepEncoder(parameters: parameters)
        let prepared = encoder.prepare(melody).melody
        guard encoder.check(prepared) == nil else { return nil }
        return PooledHistograms([MelodyStatistics(encoder.tokens(of: prepared))])
    }
}
