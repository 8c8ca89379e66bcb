import ArgumentParser
import Foundation
import LiltStudio
import LiltTerminal

/// `lilt bench studio`: how long the studio takes to draw a frame and to answer a key.
struct BenchStudio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Measure the studio's frame times (a full screen drawn for a busy session, and key to screen).")

    @Option(help: "Screen width in cells.")
    var width = 200

    @Option(help: "Screen height in cells.")
    var height = 60

    @Option(help: "Frames to time.")
    var frames = 500

    @Option(help: "Bars of the session drawn.")
    var bars = 64

    @Option(help: "Keys timed while the default model trains (0: skip the loop figures).")
    var keys = 200

    @Option(help: "Folder holding essen-abc/ or samples/ to train on while keys are timed (default: ./Corpora, else beside the program).")
    var corpora: String?

    func run() throws {
        print("machine     \(BenchMachine.summary)")
        let figures = StudioBenchmark.run(size: TerminalSize(width: width, height: height), frames: frames, bars: bars)
        func line(_ name: String, _ values: [Double], target: String) {
            print(String(format: "%@ median %.3f ms, p95 %.3f ms, max %.3f ms over %d (%@)",
                         name.padding(toLength: 12, withPad: " ", startingAt: 0),
                         StudioBenchmark.Figures.percentile(values, 0.5), StudioBenchmark.Figures.percentile(values, 0.95),
                         values.last ?? 0, values.count, target))
        }
        print("screen      \(figures.size.width)×\(figures.size.height) cells, \(figures.notes) notes, playing, a selection")
        line("frame", figures.frame, target: "target ≤ 5 ms")
        line("+ training", figures.frameWithTraining, target: "with the loss graph pane; target ≤ 5 ms")
        line("key→screen", figures.keyToScreen, target: "memory terminal; target ≤ 50 ms")
        guard keys > 0 else { return }
        let loop = StudioBenchmark.runLoop(size: TerminalSize(width: width, height: height), keys: keys,
                                           corpora: corpora.map { URL(fileURLWithPath: $0) } ?? TrainCommand.corporaFolder())
        print(String(format: "idle        %.2f %% of one core over %.1f s, %d frames drawn (nothing playing or training; target near 0)",
                     loop.idleCPU * 100, loop.idleSeconds, loop.idleFrames))
        if let problem = loop.trainingProblem {
            print("training    not measured: \(problem)")
        } else {
            line("key→screen", loop.keyToScreenTraining,
                 target: String(format: "typed while training %@ at %.0f steps/s, wake-up included; target ≤ 50 ms",
                                loop.trainingDescription, loop.trainingStepsPerSecond))
        }
    }

}
