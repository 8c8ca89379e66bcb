import Foundation
import LiltCompose
import LiltMusic
import LiltNN

/// The package's root folder, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func scratchFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-compose-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The test vocabulary: `/ _ r` and MIDI 55…79.
let testVocabulary = Vocabulary([.end, .hold, .rest] + (55...79).map { TimeStepToken.note($0) })

/// A small hand-made model: random weights (seeded), scaled so the distributions are far from uniform.
func tinyModel(seed: UInt64 = 7, hidden: Int = 16) -> MusicModel {
    var generator = SeededGenerator(seed: seed)
    var network = LSTMModel(config: LSTMConfig(vocabularySize: testVocabulary.count, layers: 1, hidden: hidden, dropout: 0),
                            using: &generator)
    network.parameters = network.parameters.map { $0 * 6 }
    return MusicModel(network: network, vocabulary: testVocabulary)
}

/// Tokens of a text such as "60 _ 62 r".
func tokens(_ text: String) -> [TimeStepToken] {
    text.split(separator: " ").map { TimeStepToken(String($0))! }
}
