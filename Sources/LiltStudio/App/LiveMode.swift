import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
import Synchronization

/// Live mode: the model writes on and on, a beat ahead of the playhead, straight into a player that never
/// stops; control changes apply from the next step generated, so they are heard from the next beat.
///
/// The generator lives on the live thread alone; the studio talks to it through `controls` and `stop()`,
/// and receives the notes through `onNotes` (on the live thread; the studio queues them for the loop).
final class LiveGeneration: Sendable {
    /// What the studio and the live thread share.
    private final class Shared: Sendable {
        let wanted: Mutex<GenerationControls>
        let stopped = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
        init(_ controls: GenerationControls) { wanted = Mutex(controls) }
    }

    /// Steps generated ahead of the playhead; a note held longer than this is sent at this length, so it
    /// starts in time.
    static let stepsAhead = 6

    let player: LivePlayer
    private let shared: Shared

    /// - Parameters:
    ///   - start: where the live part starts (quarter notes); the seed is the melody before it.
    ///   - onNotes: each finished note, as it is known (sounding pitch, quarter notes).
    init(model: MusicModel, seed: Melody, start: QuarterLength, controls: GenerationControls, player: LivePlayer,
         onNotes: @escaping @Sendable ([SessionNote]) -> Void, onError: @escaping @Sendable (String) -> Void) {
        self.player = player
        let shared = Shared(controls)
        self.shared = shared
        let thread = Thread {
            defer { shared.finished.signal() }
            let generator: StreamingGenerator
            let shift: Int
            do {
                let seedValue = try GenerationWorker.seed(seed, model: model)
                var initial = controls
                initial.length = .steps(1 << 30)
                initial.stopAtEnd = false
                initial.variations = 1
                generator = try StreamingGenerator(model: model, seed: seedValue, controls: initial)
                shift = initial.transposeBack ? seedValue.shift : 0
            } catch {
                onError("\(error)")
                return
            }
            let step = model.encoding.step.doubleValue
            var current: (pitch: Int, onset: Int, steps: Int)?
            var written = 0   // steps generated
            let startSteps = Int((start.doubleValue / step).rounded())
            func flush() {
                guard let note = current else { return }
                let session = SessionNote(pitch: note.pitch, onset: QuarterLength(startSteps + note.onset, 1) * model.encoding.step,
                                          duration: QuarterLength(note.steps, 1) * model.encoding.step, origin: .generated)
                player.append([Note(pitch: Pitch(midi: session.pitch), onset: session.onset, duration: session.duration)])
                onNotes([session])
                current = nil
            }
            while !shared.stopped.load(ordering: .acquiring) {
                // Stay about a beat ahead of the playhead.
                let playheadSteps = Int(player.position / step) - startSteps
                if written > playheadSteps + LiveGeneration.stepsAhead {
                    Thread.sleep(forTimeInterval: 0.01)
                    continue
                }
                var next = shared.wanted.withLock { $0 }
                next.length = .steps(1 << 30)
                next.stopAtEnd = false
                next.variations = 1
                if next != generator.controls { generator.controls = next }
                guard let drawn = generator.next().first, let token = drawn else { break }
                switch token {
                case .note(let midi):
                    flush()
                    current = (min(127, max(0, midi - shift)), written, 1)
                case .hold:
                    current?.steps += 1
                case .rest, .end:
                    flush()
                }
                written += 1
                // A note is known once the next token comes; flush long ones so they start in time.
                if let note = current, note.steps >= LiveGeneration.stepsAhead { flush() }
            }
            flush()
        }
        thread.name = "lilt.live"
        thread.start()
    }

    /// New controls: from the next step generated.
    func update(_ controls: GenerationControls) { shared.wanted.withLock { $0 = controls } }

    /// Stops generating (the player keeps what it has) and waits for the thread.
    func stop() {
        shared.stopped.store(true, ordering: .releasing)
        shared.finished.wait()
    }
}
