import Foundation
import Testing
@testable import LiltAudio

@Test("An explicit SoundFont path wins, and a missing one is reported without falling back")
func explicitPathWins() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-sf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let font = folder.appendingPathComponent("mine.sf2")
    try Data("RIFF".utf8).write(to: font)

    let found = try SoundFontLocator(explicitPath: font.path, environment: [:], projectFolder: nil).locate()
    #expect(found.path == font.path)

    let missing = folder.appendingPathComponent("absent.sf2").path
    #expect(throws: SoundFontError.self) {
        try SoundFontLocator(explicitPath: missing, environment: ["LILT_SOUNDFONT": font.path],
                             projectFolder: nil).locate()
    }
}

@Test("The search goes environment, then project folder, and names every place when nothing is found")
func searchOrder() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lilt-sf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let font = folder.appendingPathComponent("b.sf3")
    try Data("RIFF".utf8).write(to: font)

    let fromEnvironment = try SoundFontLocator(environment: ["LILT_SOUNDFONT": font.path], projectFolder: nil).locate()
    #expect(fromEnvironment.path == font.path)
    let fromFolder = try SoundFontLocator(environment: [:], projectFolder: folder).locate()
    #expect(fromFolder.path == font.path)

    let empty = folder.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    var locator = SoundFontLocator(environment: [:], projectFolder: empty)
    let looked = locator.candidates()
    #expect(looked.first?.origin == .projectFolder)
    #expect(looked.filter { $0.origin == .system }.count <= SoundFontLocator.systemPaths.count)
    locator.explicitPath = empty.appendingPathComponent("none.sf2").path
    do {
        _ = try locator.locate()
        Issue.record("a missing explicit SoundFont was accepted")
    } catch {
        #expect(error.description.contains("none.sf2"))
        #expect(error.description.contains("fluid-soundfont-gm"))
    }
}
