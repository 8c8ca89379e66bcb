import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import LiltNN
@testable import LiltStudio
import LiltTerminal

typealias TKey = LiltTerminal.Key

/// A small model with seeded random weights: `/ _ r` and MIDI 55…79.
func tinyModel() -> MusicModel {
    let vocabulary = Vocabulary([.end, .hold, .rest] + (55...79).map { TimeStepToken.note($0) })
    var generator = SeededGenerator(seed: 11)
    var network = LSTMModel(config: LSTMConfig(vocabularySize: vocabulary.count, layers: 1, hidden: 16, dropout: 0),
                            using: &generator)
    network.parameters = network.parameters.map { $0 * 4 }
    return MusicModel(network: network, vocabulary: vocabulary)
}

/// A small lead-sheet model with seeded random weights: the tokens of `tinyModel` and the chords of C major's
/// usual progressions (C Dm Em F G G7 Am, roots relative to C), so it writes and chooses chords.
func tinyLeadSheetModel() -> MusicModel {
    let chords: [ChordToken] = [ChordToken(root: 0, quality: .major), ChordToken(root: 2, quality: .minor),
                                ChordToken(root: 4, quality: .minor), ChordToken(root: 5, quality: .major),
                                ChordToken(root: 7, quality: .major), ChordToken(root: 7, quality: .dominant7),
                                ChordToken(root: 9, quality: .minor)]
    let vocabulary = Vocabulary([.end, .hold, .rest] + (55...79).map { TimeStepToken.note($0) }
                                + [.noChord] + chords.map { TimeStepToken.chord($0) })
    var generator = SeededGenerator(seed: 13)
    var network = LSTMModel(config: LSTMConfig(vocabularySize: vocabulary.count, layers: 1, hidden: 16, dropout: 0),
                            using: &generator)
    network.parameters = network.parameters.map { $0 * 4 }
    return MusicModel(network: network, vocabulary: vocabulary, encoding: EncodingParameters(chords: true))
}

/// The small model (or `model`) written to a file of its own.
func tinyModelFile(_ model: MusicModel = tinyModel()) throws -> URL {
    let folder = try temporaryFolder("lilt-studio-model")
    let url = folder.appendingPathComponent("tiny.safetensors")
    try Checkpoint.save(model.network, metadata: MusicModel.metadata(vocabulary: model.vocabulary, encoding: model.encoding),
                        to: url)
    return url
}

func temporaryFolder(_ prefix: String = "lilt-studio") throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The studio's runtime as the `lilt` command wires it, with what a test controls in place of the real
/// world: a memory terminal, the silent output on a clock the test moves, player and live mode pumped
/// by the runtime, and background work done at once (or when the test says).
final class TestStudio {
    let clock = ManualPlaybackClock()
    let output: SilentOutput
    let terminal: MemoryTerminal
    let runtime: StudioRuntime

    init(width: Int = 100, height: Int = 30, session: ComposingSession = ComposingSession(), model: URL? = nil,
         background: BackgroundWork = .inline, configure: (inout StudioEnvironment) -> Void = { _ in }) {
        output = SilentOutput(clock: clock)
        terminal = MemoryTerminal(width: width, height: height)
        var environment = StudioEnvironment(output: output, modelURL: model)
        environment.clock = clock
        environment.pacing = .manual
        environment.background = background
        configure(&environment)
        runtime = StudioRuntime(terminal: terminal, environment: environment, session: session)
    }

    var state: StudioState { runtime.state }

    /// Types each character of `text`.
    func press(_ text: String) {
        for character in text { runtime.handle(.key(.character(character))) }
    }

    func press(_ keys: TKey...) {
        for key in keys { runtime.handle(.key(key)) }
    }

    /// Types a `:` command and Enter.
    func command(_ line: String) {
        press(":" + line)
        press(.enter)
    }

    /// Moves time on by `milliseconds`, the player and live mode keeping up.
    func advance(by milliseconds: Double) { runtime.advance(by: milliseconds) }

    /// The screen as drawn now.
    var screen: Canvas {
        runtime.draw()
        return terminal.screen
    }
}

extension StudioState {
    /// A state with the notes of `pitches` entered as quarter notes from the start (cursor after them).
    static func given(_ pitches: [Int] = [], model: MusicModel? = nil, autosave: Double? = nil) -> StudioState {
        var state = StudioState()
        state.screen = TerminalSize(width: 100, height: 30)
        state.autosaveDelay = autosave
        for pitch in pitches {
            state.applyEdit("note") { session in
                session.insert(SessionNote(pitch: pitch, onset: session.cursor, duration: 1, origin: .edited))
                session.cursor += 1
            }
        }
        if let model { _ = state.update(.modelLoaded(LoadedModel(model: model, name: "tiny"), quiet: true)) }
        return state
    }

    /// Types each character of `text`; the effects of them all.
    mutating func press(_ text: String) -> [StudioEffect] {
        text.flatMap { update(.key(.character($0))) }
    }

    mutating func press(_ keys: TKey...) -> [StudioEffect] {
        keys.flatMap { update(.key($0)) }
    }

    /// Types a `:` command and Enter; the effects.
    mutating func command(_ line: String) -> [StudioEffect] {
        press(":" + line) + press(.enter)
    }
}

extension Array where Element == StudioEffect {
    /// The player commands among the effects.
    var playerCommands: [PlayerCommand] {
        compactMap { if case .player(let command) = $0 { command } else { nil } }
    }
}
