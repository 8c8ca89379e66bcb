import LiltCompose
import LiltMusic
import LiltTerminal

extension StudioState {
    /// Keeps the cursor in view (or, following, the playhead) and brings in the pitches a generation
    /// just wrote. Called after every event, so the view never waits for a frame to catch up.
    mutating func scrollIntoView() {
        let grid = StudioLayout(size: screen, showsTraining: showsSidePane).grid
        guard grid.width > 0, grid.height > 0 else { return }
        let visibleSteps = max(1, grid.width / max(1, zoom))
        let margin = min(4, visibleSteps / 4)
        if follow, playback.isPlaying, let position = playback.position {
            let step = Int((position * 4).rounded(.down))
            if step < scrollStep || step >= scrollStep + visibleSteps {
                scrollStep = max(0, step - margin)   // page along with the playhead
            }
        } else {
            let step = gridSteps(session.cursor)
            if step < scrollStep + (scrollStep > 0 ? margin : 0) {
                scrollStep = max(0, step - margin)
            } else if step >= scrollStep + visibleSteps - margin {
                scrollStep = max(0, step - visibleSteps + margin + 1)
            }
        }
        let pitch = session.cursorPitch
        if let wanted = pitchesToReveal {
            pitchesToReveal = nil
            let low = min(wanted.lowerBound, pitch), high = max(wanted.upperBound, pitch)
            let hidden = high > topPitch - 1 || low < topPitch - grid.height + 2
            if hidden && high - low + 3 <= grid.height {
                // Centre the new notes (and the cursor) in the roll.
                topPitch = max(grid.height - 1, min(127, high + (grid.height - (high - low + 1)) / 2))
            }
        }
        if pitch > topPitch - 1 {
            topPitch = min(127, pitch + 2)
        } else if pitch < topPitch - grid.height + 2 {
            topPitch = max(grid.height - 1, pitch + grid.height - 3)
        }
    }
}
