/// Writes token sequences with a model: primes a session with a seed sequence, then samples one token
/// at a time with `SamplingControls`, each draw taking its uniform number from the generator passed in.
public enum TokenGenerator {
    /// Up to `length` tokens following `prime` (fed from a zero state; pass `[endOfSong] + seed tokens`
    /// to start a song the way the model was trained), stopping after `stop` when it is drawn (the stop
    /// token is included). Stream `stream` of `session` is used and left in the state after the last token.
    public static func continuation(of prime: [Int], session: InferenceSession, stream: Int = 0, length: Int,
                                    stop: Int? = nil, controls: SamplingControls,
                                    generator: inout SeededGenerator) -> [Int] {
        precondition(!prime.isEmpty, "generation needs at least one token to start from")
        precondition((0..<session.batch).contains(stream), "no stream \(stream) in this session")
        let v = session.config.vocabularySize
        session.reset(stream: stream)
        var logits = [Float](repeating: 0, count: session.batch * v)
        // Other streams are fed token 0 and restored afterwards.
        let saved = session.state
        var tokens = [Int](repeating: 0, count: session.batch)
        for token in prime {
            tokens[stream] = token
            session.step(tokens: tokens, logits: &logits)
        }
        var output: [Int] = []
        while output.count < length {
            let distribution = Sampler.distribution(logits: logits[(stream * v)..<((stream + 1) * v)], controls: controls)
            let token = Sampler.sample(distribution, uniform: generator.nextUnitDouble())
            output.append(token)
            if token == stop || output.count == length { break }
            tokens[stream] = token
            session.step(tokens: tokens, logits: &logits)
        }
        if session.batch > 1 {
            var state = saved
            let mine = session.state
            let h = session.config.hidden
            for index in state.indices {
                state[index].replaceSubrange((stream * h)..<((stream + 1) * h), with: mine[index][(stream * h)..<((stream + 1) * h)])
            }
            session.state = state
        }
        return output
    }
}
