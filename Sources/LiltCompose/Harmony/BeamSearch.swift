/// A beam search over a sequence of choices: at each position every kept path is extended by each of
/// its choices and the `width` best (highest total score) are kept. The model is not part of it: the
/// caller's `extend` scores a choice after a path's state, so the search can be tested on its own.
public enum BeamSearch {
    /// One path: its choices, its total score and the caller's state after them.
    public struct Path<State, Choice> {
        public var choices: [Choice]
        public var score: Double
        public var state: State
    }

    /// The best path of `positions` choices found with `width` paths kept at each position, starting
    /// from `start`. `choices(state, position)` lists the choices after a path; `extend(state, position,
    /// choice)` returns the state after the choice and its score (a log-probability, say). Ties keep
    /// the earlier path and choice. Width 1 is the greedy choice.
    public static func best<State, Choice>(positions: Int, width: Int, start: State,
                                           choices: (State, Int) -> [Choice],
                                           extend: (State, Int, Choice) -> (state: State, score: Double)) -> Path<State, Choice> {
        best(positions: positions, width: width, start: start, choices: choices) { items, position in
            items.map { extend($0.state, position, $0.choice) }
        }
    }

    /// The same search, with every extension at a position asked for at once (`extendAll(items,
    /// position)` returns one (state, score) per item, in order), so a model can run them as one batch.
    public static func best<State, Choice>(positions: Int, width: Int, start: State,
                                           choices: (State, Int) -> [Choice],
                                           extendAll: ([(state: State, choice: Choice)], Int) -> [(state: State, score: Double)])
        -> Path<State, Choice> {
        var beam = [Path<State, Choice>(choices: [], score: 0, state: start)]
        for position in 0..<positions {
            var items: [(state: State, choice: Choice)] = [], parents: [Int] = []
            for (index, path) in beam.enumerated() {
                for choice in choices(path.state, position) {
                    items.append((path.state, choice))
                    parents.append(index)
                }
            }
            let extended = extendAll(items, position)
            var next: [Path<State, Choice>] = []
            for (index, (state, score)) in extended.enumerated() {
                let parent = beam[parents[index]]
                next.append(Path(choices: parent.choices + [items[index].choice], score: parent.score + score, state: state))
            }
            guard !next.isEmpty else { break }
            // A stable sort: among equal scores the earlier path and choice stay first.
            beam = Array(next.enumerated().sorted { a, b in
                a.element.score > b.element.score || (a.element.score == b.element.score && a.offset < b.offset)
            }.prefix(max(1, width)).map(\.element))
        }
        return beam[0]
    }
}
