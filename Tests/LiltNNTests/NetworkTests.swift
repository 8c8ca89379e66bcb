import Foundation
import Synchronization
import Testing
@testable import LiltNN

/// A small window over B = 2 streams and T = 4 steps: stream 1 starts a song at step 2 (its state
/// resets there), and one step has no target.
private struct SmallWindow {
    let batch = 2
    let inputs: [Int32] = [0, 3, 1, 2, 2, 0, 4, 1]
    let targets: [Int32] = [1, 2, 2, -1, 4, 1, 0, 3]
    let resets: [UInt8] = [1, 1, 0, 0, 0, 1, 0, 0]
}

private func smallModel(layers: Int, embedding: Int, hidden: Int = 5, seed: UInt64) -> LSTMModel {
    var generator = SeededGenerator(seed: seed)
    return LSTMModel(config: LSTMConfig(vocabularySize: 5, layers: layers, hidden: hidden, embedding: embedding,
                                        dropout: 0), using: &generator)
}

@Test("Every parameter's analytic gradient matches central finite differences of the Double reference",
      arguments: [(1, 0), (1, 4), (2, 0), (2, 4)])
func gradientsMatchFiniteDifferences(layers: Int, embedding: Int) {
    let model = smallModel(layers: layers, embedding: embedding, seed: UInt64(10 * layers + embedding))
    let window = SmallWindow()
    let network = LSTMNetwork(model: model, batch: window.batch, steps: 4)
    network.forward(inputs: window.inputs, targets: window.targets, resets: window.resets, training: true)
    network.backward()
    let analytic = network.gradient
    var reference = ReferenceLSTM(model)
    let epsilon = 1e-6
    for tensor in model.layout.tensors {
        var worst = 0.0
        for index in tensor.offset..<tensor.offset + tensor.count {
            let saved = reference.parameters[index]
            reference.parameters[index] = saved + epsilon
            let plus = reference.window(inputs: window.inputs, targets: window.targets, resets: window.resets,
                                        batch: window.batch).loss
            reference.parameters[index] = saved - epsilon
            let minus = reference.window(inputs: window.inputs, targets: window.targets, resets: window.resets,
                                         batch: window.batch).loss
            reference.parameters[index] = saved
            let numeric = (plus - minus) / (2 * epsilon)
            worst = max(worst, abs(Double(analytic[index]) - numeric) / (2e-5 + 1e-3 * abs(numeric)))
        }
        #expect(worst <= 1, "\(tensor.name): error \(worst) × tolerance")
    }
    // Non-trivial: the gradient is not zero.
    #expect(analytic.contains { abs($0) > 1e-3 })
}

@Test("The fast path's logits and loss equal the Double reference, state carried across windows",
      arguments: [0, 4])
func logitsMatchReference(embedding: Int) {
    let model = smallModel(layers: 2, embedding: embedding, hidden: 11, seed: 3)
    let window = SmallWindow()
    let network = LSTMNetwork(model: model, batch: 2, steps: 4)
    let reference = ReferenceLSTM(model)
    // Two windows in a row: the second continues the state of the first (no reset at its step 0).
    let secondResets: [UInt8] = [0, 0, 1, 0, 0, 0, 0, 0]
    let first = network.forward(inputs: window.inputs, targets: window.targets, resets: window.resets, training: false)
    let firstLogits = network.logitsOfLastPass
    network.forward(inputs: window.inputs.reversed(), targets: window.targets, resets: secondResets, training: false)
    let secondLogits = network.logitsOfLastPass
    let expected = reference.window(inputs: window.inputs + window.inputs.reversed(),
                                    targets: window.targets + window.targets, resets: window.resets + secondResets,
                                    batch: 2)
    let fast = firstLogits + secondLogits
    let worst = zip(fast, expected.logits.flatMap { $0 }).map { abs(Double($0) - $1) }.max()!
    #expect(worst <= 1e-5, "largest logit difference \(worst)")
    let firstExpected = reference.window(inputs: window.inputs, targets: window.targets, resets: window.resets,
                                         batch: 2).loss
    #expect(abs(first.meanLoss - firstExpected) <= 1e-5)
    #expect(first.count == 7)
}

@Test("The BLAS path equals the naive gemm path to 1e-5: logits, loss and gradients", arguments: [0, 6])
func blasPathMatchesNaivePath(embedding: Int) {
    var generator = SeededGenerator(seed: 21)
    let config = LSTMConfig(vocabularySize: 9, layers: 2, hidden: 16, embedding: embedding, dropout: 0.3)
    let model = LSTMModel(config: config, using: &generator)
    let batch = 3, steps = 5
    let inputs = (0..<batch * steps).map { _ in Int32.random(in: 0..<9, using: &generator) }
    let targets = (0..<batch * steps).map { _ in Int32.random(in: 0..<9, using: &generator) }
    let resets = (0..<batch * steps).map { $0 < batch ? UInt8(1) : UInt8($0 % 7 == 0 ? 1 : 0) }
    var results: [(loss: Double, logits: [Float], gradient: [Float])] = []
    for backend in [GemmBackend.blas, .naive] {
        let network = LSTMNetwork(model: model, batch: batch, steps: steps, dropoutSeed: 5, backend: backend)
        network.forward(inputs: inputs, targets: targets, resets: resets, training: false)
        let logits = network.logitsOfLastPass
        network.resetState()
        let totals = network.forward(inputs: inputs, targets: targets, resets: resets, training: true)
        network.backward()
        results.append((totals.meanLoss, logits, network.gradient))
    }
    #expect(abs(results[0].loss - results[1].loss) <= 1e-5)
    #expect(zip(results[0].logits, results[1].logits).map { abs($0 - $1) }.max()! <= 1e-5)
    #expect(zip(results[0].gradient, results[1].gradient).map { abs($0 - $1) }.max()! <= 1e-5)
}

@Test("One, two or three threads compute the same loss and gradient (1e-5)", arguments: [2, 3])
func threadsAgree(threads: Int) {
    var generator = SeededGenerator(seed: 31)
    let model = LSTMModel(config: LSTMConfig(vocabularySize: 7, layers: 2, hidden: 20, embedding: 0, dropout: 0.2),
                          using: &generator)
    let batch = 4, steps = 6
    let inputs = (0..<batch * steps).map { _ in Int32.random(in: 0..<7, using: &generator) }
    let targets = (0..<batch * steps).map { _ in Int32.random(in: -1..<7, using: &generator) }
    let resets = (0..<batch * steps).map { UInt8($0 < batch || $0 % 5 == 0 ? 1 : 0) }
    var results: [(Double, [Float])] = []
    for count in [1, threads] {
        let network = LSTMNetwork(model: model, batch: batch, steps: steps, dropoutSeed: 9, threads: count)
        let totals = network.forward(inputs: inputs, targets: targets, resets: resets, training: true)
        network.backward()
        results.append((totals.meanLoss, network.gradient))
    }
    #expect(abs(results[0].0 - results[1].0) <= 1e-6)
    #expect(zip(results[0].1, results[1].1).map { abs($0 - $1) }.max()! <= 1e-5)
}

@Test("A generation session on two threads gives the logits of one thread, step after step",
      arguments: [0, 4])
func sessionThreadsAgree(embedding: Int) {
    var generator = SeededGenerator(seed: 35)
    let model = LSTMModel(config: LSTMConfig(vocabularySize: 9, layers: 3, hidden: 20, embedding: embedding,
                                             dropout: 0), using: &generator)
    let sessions = [1, 2].map { InferenceSession(model: model, batch: 2, threads: $0) }
    #expect(sessions[1].threads == 2)
    var logits = [[Float]](repeating: [Float](repeating: 0, count: 18), count: 2)
    for _ in 0..<6 {
        let tokens = [Int.random(in: 0..<9, using: &generator), Int.random(in: 0..<9, using: &generator)]
        for (index, session) in sessions.enumerated() { session.step(tokens: tokens, logits: &logits[index]) }
        #expect(zip(logits[0], logits[1]).map { abs($0 - $1) }.max()! <= 1e-5)
    }
    let states = sessions.map(\.state)
    #expect(zip(states[0].joined(), states[1].joined()).map { abs($0 - $1) }.max()! <= 1e-5)
}

@Test("Loss and gradient are the same bits however the streams are split among threads",
      arguments: [(0, 2), (4, 2), (0, 3)])
func streamSplitChangesNoResult(embedding: Int, threads: Int) {
    var generator = SeededGenerator(seed: 33)
    let model = LSTMModel(config: LSTMConfig(vocabularySize: 7, layers: 2, hidden: 20, embedding: embedding,
                                             dropout: 0.2), using: &generator)
    let batch = 16, steps = 5
    let inputs = (0..<batch * steps).map { _ in Int32.random(in: 0..<7, using: &generator) }
    let targets = (0..<batch * steps).map { _ in Int32.random(in: -1..<7, using: &generator) }
    let resets = (0..<batch * steps).map { UInt8($0 < batch || $0 % 7 == 0 ? 1 : 0) }
    var results: [(loss: Double, gradient: [Float], state: [[Float]])] = []
    var firstRanges: [Range<Int>] = []
    // The last split gives part 0 a single group: it finishes early and takes streams over mid-pass.
    let splits = threads == 2 ? [[1.0, 1.0], [1.0, 7.0], [7.0, 1.0], [1.0, 1000.0]]
        : [[1.0, 1.0, 1.0], [1.0, 1000.0, 1.0], [1000.0, 1.0, 1.0]]
    for weights in splits {
        let network = LSTMNetwork(model: model, batch: batch, steps: steps, dropoutSeed: 9, threads: threads)
        // The split moves after every pass; pin it before each one.
        network.split.place(weights: weights)
        firstRanges.append(network.split.range(part: 0))
        let totals = network.forward(inputs: inputs, targets: targets, resets: resets, training: true)
        network.split.place(weights: weights)
        network.backward()
        results.append((totals.meanLoss, network.gradient, network.state))
    }
    #expect(firstRanges == (threads == 2 ? [0..<8, 0..<4, 0..<12, 0..<4] : [0..<4, 0..<4, 0..<8]))
    for other in results.dropFirst() {
        #expect(other.loss == results[0].loss)
        #expect(other.gradient == results[0].gradient)
        #expect(other.state == results[0].state)
    }
}

@Test("The streams split follows the threads' speeds in whole groups, at least one group each")
func streamSplitFollowsSpeeds() {
    let split = StreamSplit(streams: 64, parts: 2)
    #expect(split.range(part: 0) == 0..<32 && split.range(part: 1) == 32..<64)
    // Part 0 took twice as long for its 32 streams: it should get about a third of them.
    for _ in 0..<20 {
        let rows = [split.range(part: 0).count, split.range(part: 1).count]
        split.seconds[0] = Double(rows[0]) * 2e-3
        split.seconds[1] = Double(rows[1]) * 1e-3
        split.work[0] = Double(rows[0]); split.work[1] = Double(rows[1])
        split.rebalance()
    }
    #expect(split.range(part: 0) == 0..<20 && split.range(part: 1) == 20..<64)
    split.place(weights: [1, 1000])
    #expect(split.range(part: 0) == 0..<StreamSplit.group, "every part keeps a group")
    let few = StreamSplit(streams: 3, parts: 2)
    #expect(few.range(part: 0).count + few.range(part: 1).count == 3)
}

@Test("A handover runs every step of every stream once, in order, and the idle part takes streams over")
func handoverRunsEveryStepOnce() {
    let streams = 16, steps = 12
    let team = WorkerTeam(count: 2), handover = StreamHandover(parts: 2)
    let visits = UnsafeMutablePointer<Int>.allocate(capacity: streams * steps)
    let lastStep = UnsafeMutablePointer<Int>.allocate(capacity: streams)
    defer { visits.deallocate(); lastStep.deallocate() }
    visits.initialize(repeating: 0, count: streams * steps)
    lastStep.initialize(repeating: -1, count: streams)
    let partZeroIdle = Atomic<Bool>(false), handedOverByOne = Atomic<Int>(0)
    handover.begin(steps: steps) { $0 == 0 ? 0..<4 : 4..<streams }
    team.run { part in
        // Part 0 has one group and finishes at once; part 1 has three and runs a step only once part 0 is
        // idle, so it hands over at its next step boundary.
        var range = part == 0 ? 0..<4 : 4..<streams, firstStep = 0
        while true {
            for t in firstStep..<steps {
                if t > firstStep {
                    if part == 1 && handedOverByOne.load(ordering: .relaxed) == 0 {
                        while !partZeroIdle.load(ordering: .acquiring) {}
                        usleep(2_000)
                    }
                    let keep = handover.offer(part: part, streams: range, nextStep: t, stepsLeft: steps - t)
                    if part == 1 && keep < range.upperBound && handedOverByOne.load(ordering: .relaxed) == 0 {
                        handedOverByOne.store(range.upperBound - keep, ordering: .relaxed)
                    }
                    range = range.lowerBound..<keep
                }
                for stream in range {
                    visits[stream * steps + t] += 1
                    if lastStep[stream] == t - 1 { lastStep[stream] = t }
                }
            }
            if part == 0 { partZeroIdle.store(true, ordering: .releasing) }
            guard let parcel = handover.next(part: part) else { break }
            (range, firstStep) = (parcel.streams, parcel.nextStep)
        }
    }
    #expect((0..<streams * steps).allSatisfy { visits[$0] == 1 }, "every stream-step once")
    #expect((0..<streams).allSatisfy { lastStep[$0] == steps - 1 }, "each stream's steps in order")
    // Part 1's first handover: it kept the lower of its three groups and handed over the other two. (Who
    // takes a parcel, and what is handed on after, depends on timing.)
    #expect(handedOverByOne.load(ordering: .relaxed) == 8, "part 1 handed streams over")
    #expect(handover.work[0] + handover.work[1] == streams * steps, "the parts' work adds up to the pass")
}

@Test("Dropout keeps about 1 − p of the units, scaled by 1/(1 − p), and its mask repeats from the seed")
func dropoutMasks() {
    let width = 4099   // a whole number of vectors and a tail
    let x = [Float](repeating: 2, count: width)
    var y = [Float](repeating: 0, count: width), mask = y, again = y, againMask = y
    Dropout.forward(x, &y, mask: &mask, row: 0, width: width, probability: 0.25, seed: 4, pass: 1, layer: 0)
    Dropout.forward(x, &again, mask: &againMask, row: 0, width: width, probability: 0.25, seed: 4, pass: 1, layer: 0)
    #expect(y == again && mask == againMask)
    let kept = mask.filter { $0 != 0 }
    #expect(kept.allSatisfy { $0 == Float(1) / 0.75 })
    #expect(abs(Double(kept.count) / Double(width) - 0.75) < 0.03)
    #expect(zip(y, mask).allSatisfy { $0 == 2 * $1 })
    // Another pass draws another mask.
    Dropout.forward(x, &again, mask: &againMask, row: 0, width: width, probability: 0.25, seed: 4, pass: 2, layer: 0)
    #expect(againMask != mask)
}
