import Foundation
import LiltCompose
import LiltMusic
@testable import LiltNN
@testable import LiltStudio
import Testing

private let modelURL = URL(fileURLWithPath: "/models/samples/best.safetensors")

/// A state where training is offered (the default model on the default corpus).
private func trainable() -> StudioState {
    var state = StudioState.given()
    state.trainingDefault = TrainingChoice()
    return state
}

private func batch(_ epoch: Int, _ index: Int, loss: Double) -> TrainingJobEvent {
    .trainer(.batch(BatchProgress(epoch: epoch, batch: index, batchesPerEpoch: 10, loss: loss, gradientNorm: 1,
                                  learningRate: 0.002, stepsPerSecond: 900, elapsedSeconds: Double(index))))
}

/// An epoch's summary as the trainer reports it (read from its JSON form).
private func epoch(_ number: Int, train: Double, validation: Double, isBest: Bool) throws -> EpochSummary {
    func metrics(_ loss: Double) -> String {
        #"{"loss":\#(loss),"accuracy":0.5,"onsetLoss":1,"onsetAccuracy":0.5,"steps":100}"#
    }
    let json = #"{"epoch":\#(number),"train":\#(metrics(train)),"validation":\#(metrics(validation)),"learningRate":0.002,"stepsPerSecond":900,"seconds":3,"isBest":\#(isBest)}"#
    return try JSONDecoder().decode(EpochSummary.self, from: Data(json.utf8))
}

@Test("t prepares the default training and shows the pane; once started the pane follows its batches")
func trainingStarts() {
    var state = trainable()
    #expect(state.press("t") == [.startTraining(TrainingChoice())])
    #expect(state.showTraining && state.training?.title == "preparing the corpus...")
    #expect(state.press("t").isEmpty, "the corpus is still being prepared")
    _ = state.update(.trainingStarted(TrainingStart(title: "2×128 LSTM on samples (8 songs)", vocabularySize: 30,
                                                    totalEpochs: 20, minutes: nil, modelURL: modelURL)))
    #expect(state.training?.phase == .starting)
    _ = state.update(.training([batch(1, 1, loss: 3.2), batch(1, 2, loss: 3.0)], held: false))
    #expect(state.training?.phase == .running)
    #expect(state.training?.batches.count == 2)
    #expect(state.training?.epoch == 1)
}

@Test("t pauses at the next batch: pausing, then paused once the thread is held; t resumes; :train stop stops")
func trainingPause() {
    var state = trainable()
    _ = state.press("t")
    _ = state.update(.trainingStarted(TrainingStart(title: "t", vocabularySize: 30, totalEpochs: 20, minutes: nil,
                                                    modelURL: modelURL)))
    _ = state.update(.training([batch(1, 1, loss: 3.2)], held: false))
    #expect(state.press("t") == [.pauseTraining])
    #expect(state.training?.phase == .pausing)
    _ = state.update(.training([batch(1, 2, loss: 3.1)], held: false))
    #expect(state.training?.phase == .pausing, "the batch under way finishes")
    _ = state.update(.training([], held: true))
    #expect(state.training?.phase == .paused)
    #expect(state.message?.text == "training paused (t resumes)")
    #expect(state.press("t") == [.resumeTraining])
    #expect(state.training?.phase == .running)
    #expect(state.command("train stop") == [.stopTraining])
    _ = state.update(.training([.finished(.cancelled)], held: false))
    #expect(state.training?.phase == .stopped)
    #expect(state.command("train stop").isEmpty)
    #expect(state.message?.text == "no training is running")
}

@Test("each new best epoch swaps the model in (quietly); a sample melody can be previewed with S")
func trainingBestAndSample() throws {
    var state = trainable()
    _ = state.press("t")
    _ = state.update(.trainingStarted(TrainingStart(title: "t", vocabularySize: 30, totalEpochs: 20, minutes: nil,
                                                    modelURL: modelURL)))
    let summary = try epoch(1, train: 2.5, validation: 2.7, isBest: true)
    #expect(state.update(.training([.trainer(.epoch(summary))], held: false)) == [.loadModel(modelURL, quiet: true)])
    #expect(state.training?.epochs.first?.validation == 2.7)
    _ = state.press("S")
    #expect(state.message?.text.hasPrefix("no sample yet") == true)
}

@Test(":train NAME 2x256 chooses corpus and size and starts; refused while training runs; unavailable says so")
func trainingChoice() {
    var state = trainable()
    let effects = state.command("train folk 1x32")
    #expect(effects == [.startTraining(TrainingChoice(corpus: "folk", model: ModelOptions(layers: 1, hidden: 32)))])
    _ = state.command("train other")
    #expect(state.message?.text.hasPrefix("training is running") == true)
    var nowhere = StudioState.given()
    #expect(nowhere.press("t").isEmpty)
    #expect(nowhere.message?.text == "training is not available here")
    #expect(state.update(.trainingFailed("corpus 'folk' is not stored")).isEmpty)
    #expect(state.training?.phase == .failed)
    #expect(state.update(.corporaListed(["folk", "samples"], defaultName: "samples")).isEmpty)
    #expect(state.message?.text.hasPrefix("corpora: folk, samples (default)") == true)
}

@Test(":train reads a corpus name and a size in either order; bad sizes and names are refused with the reason")
func trainCommandParsing() throws {
    #expect(try LineCommand.parse("train") == .train(.toggle))
    #expect(try LineCommand.parse("train resume") == .train(.toggle))
    #expect(try LineCommand.parse("train stop") == .train(.stop))
    #expect(try LineCommand.parse("train essen-abc 2x256") == .train(.start(corpus: "essen-abc", layers: 2, hidden: 256)))
    #expect(try LineCommand.parse("train 3X64 mine") == .train(.start(corpus: "mine", layers: 3, hidden: 64)))
    #expect(try LineCommand.parse("train 1x32") == .train(.start(corpus: nil, layers: 1, hidden: 32)))
    #expect(try LineCommand.parse("corpora") == .corpora)
    for bad in ["train 9x256", "train 2x4", "train a b", "train 2x32 1x16", "train ../x"] {
        #expect(throws: LineCommandError.self, "\(bad)") { try LineCommand.parse(bad) }
    }
    #expect { try LineCommand.parse("train 9x256") } throws: {
        ($0 as? LineCommandError)?.description == ":train size 9x256: 1-4 layers of 8-1024 units"
    }
}
