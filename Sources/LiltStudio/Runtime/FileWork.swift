import Foundation
import LiltAudio
import LiltCompose
import LiltMusic

/// The studio's file work: each returns the event that reports how it went.
enum FileWork {
    static func save(_ session: ComposingSession, to url: URL, revision: Int, thenQuit: Bool) -> StudioEvent {
        do {
            try SessionFile.save(session, to: url)
            return .saved(session, to: url, revision: revision, thenQuit: thenQuit)
        } catch {
            return .saveFailed(error.description)
        }
    }

    /// Reads a session file, or a melody file as a new session (`SessionFile.open`).
    static func open(_ url: URL) -> StudioEvent {
        do {
            let opened = try SessionFile.open(url)
            return .opened(opened.session, file: opened.file, name: url.lastPathComponent)
        } catch {
            return .openFailed("\(error)")
        }
    }

    /// Writes MIDI, MusicXML, ABC or kern.
    static func write(_ melody: Melody, to url: URL, program: GMProgram, chordProgram: GMProgram) -> StudioEvent {
        do {
            try MusicFile.write([melody], to: url, program: program, chordProgram: chordProgram)
            return .exported(StudioMessage("exported \(url.lastPathComponent) (\(melody.notes.filter { !$0.isRest }.count) notes)"))
        } catch {
            return .exported(StudioMessage("\(error)", isError: true))
        }
    }

    /// Renders WAV with the SoundFont.
    static func render(_ melody: Melody, to url: URL, program: GMProgram, chordProgram: GMProgram, tempo: Double,
                       soundFont: URL) -> StudioEvent {
        do throws(AudioError) {
            let renderer = try OfflineRenderer(soundFont: soundFont, settings: SynthSettings(program: program))
            try WAVWriter.write(try renderer.render(melody, tempo: tempo, chordProgram: chordProgram).leveled(.standard).audio, to: url)
            return .exported(StudioMessage("exported \(url.lastPathComponent)"))
        } catch {
            return .exported(StudioMessage(error.description, isError: true))
        }
    }
}
