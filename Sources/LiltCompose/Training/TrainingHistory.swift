import Foundation

/// A model's training as its folder records it: the epochs of `metrics.csv` (written by `lilt train` and
/// the distributed script alike) and the settings its checkpoint holds, for a student to see how the
/// model they are playing with learned.
public struct TrainingHistory: Sendable, Equatable {
    public struct Epoch: Sendable, Equatable {
        public var epoch: Int
        public var train: Double
        public var validation: Double?
        public var stepsPerSecond: Double
        public var seconds: Double
        public var isBest: Bool

        public init(epoch: Int, train: Double, validation: Double?, stepsPerSecond: Double, seconds: Double, isBest: Bool) {
            self.epoch = epoch
            self.train = train
            self.validation = validation
            self.stepsPerSecond = stepsPerSecond
            self.seconds = seconds
            self.isBest = isBest
        }
    }

    public var epochs: [Epoch]
    /// How the model was made: size, input, dropout, corpus ("2×128 LSTM, one-hot, dropout 0.1, corpus essen").
    public var settings: String

    public init(epochs: [Epoch], settings: String) {
        self.epochs = epochs
        self.settings = settings
    }

    /// The epoch with the lowest validation loss, if any was held out.
    public var best: Epoch? {
        epochs.filter { $0.validation != nil }.min { $0.validation! < $1.validation! }
    }

    /// Seconds trained in all.
    public var seconds: Double { epochs.reduce(0) { $0 + $1.seconds } }

    /// The history of `model`, read from `metrics.csv` beside its file; nil when there is none (or it
    /// holds no epoch).
    public static func read(for model: MusicModel) -> TrainingHistory? {
        guard let file = model.file else { return nil }
        let url = file.deletingLastPathComponent().appendingPathComponent("metrics.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let epochs = parse(csv: text)
        guard !epochs.isEmpty else { return nil }
        return TrainingHistory(epochs: epochs, settings: settings(of: model))
    }

    /// The rows of a metrics file, by its header's column names; rows that cannot be read are left out.
    public static func parse(csv text: String) -> [Epoch] {
        var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst()
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let epochColumn = column("epoch"), let trainColumn = column("train_loss") else { return [] }
        let validationColumn = column("validation_loss"), speedColumn = column("steps_per_second")
        let secondsColumn = column("seconds"), bestColumn = column("best")
        return lines.compactMap { fields in
            func value(_ index: Int?) -> Double? { index.flatMap { $0 < fields.count ? Double(fields[$0]) : nil } }
            guard let epoch = value(epochColumn).map(Int.init), let train = value(trainColumn) else { return nil }
            return Epoch(epoch: epoch, train: train, validation: value(validationColumn),
                         stepsPerSecond: value(speedColumn) ?? 0, seconds: value(secondsColumn) ?? 0,
                         isBest: value(bestColumn) == 1)
        }
    }

    /// What the checkpoint says about how the model was made.
    static func settings(of model: MusicModel) -> String {
        let config = model.network.config
        var parts = ["\(config.layers)×\(config.hidden) LSTM",
                     config.embedding > 0 ? "embedding \(config.embedding)" : "one-hot input",
                     String(format: "dropout %.2g", config.dropout)]
        if model.encoding.chords { parts.append("lead sheets") }
        if let corpus = model.trainingInfo?.corpus { parts.append("corpus \(corpus)") }
        return parts.joined(separator: ", ")
    }
}
