import Foundation
import LiltAudio
import LiltCompose
import LiltMusic
@testable import LiltStudio
import Testing

@Test("Space plays the melody from the cursor; Space again pauses, and then resumes where it paused")
func playPauseResume() {
    var state = StudioState.given([60, 62, 64])
    _ = state.press(.home, .character("l"), .character("l"), .character("l"), .character("l"))
    let play = state.press(" ")
    #expect(play.playerCommands == [.load(state.session.melody, tempo: 120), .seek(1), .play])
    _ = state.update(.playback(PlaybackSnapshot(isPlaying: true, position: 1.5)))
    #expect(state.press(" ").playerCommands == [.pause])
    _ = state.update(.playback(PlaybackSnapshot(isPlaying: false, position: 1.5, isPaused: true)))
    #expect(state.press(" ").playerCommands == [.play], "resumed: no reload, no seek")
}

@Test("an edit while playing replaces the melody where it plays; an edit while stopped leaves the player alone")
func editWhilePlaying() {
    var state = StudioState.given([60, 62])
    _ = state.press(" ")
    _ = state.update(.playback(PlaybackSnapshot(isPlaying: true, position: 0.5)))
    let effects = state.press("iz")
    #expect(effects.playerCommands == [.replace(state.session.melody, tempo: 120)])
    _ = state.update(.playback(PlaybackSnapshot()))
    #expect(state.press("z").playerCommands == [], "stopped: the next Space loads what there is")
    _ = state.press(.escape)
    #expect(state.press(" ").playerCommands.first == .load(state.session.melody, tempo: 120))
}

@Test("nothing to play says how to start; Esc stops; ! is a panic; o loops the selection, then stops looping")
func transportKeys() {
    var empty = StudioState.given()
    #expect(empty.press(" ").isEmpty)
    #expect(empty.message?.text.hasPrefix("nothing to play yet") == true)

    var state = StudioState.given([60, 62, 64, 65, 67, 69, 71, 72])
    #expect(state.press(.escape).playerCommands == [.stop])
    #expect(state.press("!").playerCommands == [.panic, .pause])
    _ = state.press(.home, .character("v"), .character("W"))
    let loop = state.press("o")
    #expect(loop.playerCommands == [.load(state.session.melody, tempo: 120), .loop(0..<4.25)])
    #expect(state.message?.text == "looping bars 1-2")
    _ = state.update(.playback(PlaybackSnapshot(isPlaying: true, position: 1, loop: 0..<4.25)))
    #expect(state.press("o").playerCommands == [.loop(nil)])
}

@Test("following the playhead, the roll pages along with it; f turns that off")
func followPlayhead() {
    var state = StudioState.given(Array(repeating: 60, count: 64))
    _ = state.press(.home)
    _ = state.update(.playback(PlaybackSnapshot(isPlaying: true, position: 40)))
    #expect(state.scrollStep > 0 && state.scrollStep <= 160)
    _ = state.press("f")
    #expect(!state.follow)
    _ = state.update(.playback(PlaybackSnapshot(isPlaying: true, position: 60)))
    #expect(state.scrollStep == 0, "the view stays with the cursor")
}
