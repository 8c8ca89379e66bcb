import Testing
@testable import LiltCompose

/// Two positions, choices "a" and "b": "a" is better first (−1 against −2) but leads only to −10, while
/// "b" leads to −1. The greedy path scores −11, the best −3.
private func trap(width: Int) -> BeamSearch.Path<String, String> {
    BeamSearch.best(positions: 2, width: width, start: "",
                    choices: { _, _ in ["a", "b"] },
                    extend: { state, position, choice in
                        let path = state + choice
                        let scores: [String: Double] = ["a": -1, "b": -2, "aa": -10, "ab": -10, "ba": -5, "bb": -1]
                        return (path, scores[path]!)
                    })
}

@Test("The beam search finds the best path where the greedy choice fails")
func beamSearchBeatsGreedy() {
    let greedy = trap(width: 1)
    #expect(greedy.choices == ["a", "a"] && greedy.score == -11)
    let beam = trap(width: 2)
    #expect(beam.choices == ["b", "b"] && beam.score == -3 && beam.state == "bb")
}
