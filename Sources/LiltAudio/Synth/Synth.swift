import Foundation
import LiltMusic
import Synchronization
internal import CFluidSynth

/// How a synth is set up. Everything has a sensible default for a monophonic melody.
public struct SynthSettings: Sendable, Equatable {
    /// Frames per second of the audio it produces.
    public var sampleRate: Double = 44_100
    /// Master gain. FluidSynth's own default (0.2) is quiet; 0.5 keeps a single line loud and unclipped.
    public var gain: Double = 0.5
    /// The General MIDI instrument on channel 0.
    public var program: GMProgram = .acousticGrandPiano
    /// FluidSynth's reverb and chorus effects.
    public var reverb = true
    public var chorus = false
    /// The most voices sounding at once.
    public var polyphony = 64

    public init(sampleRate: Double = 44_100, gain: Double = 0.5, program: GMProgram = .acousticGrandPiano,
                reverb: Bool = true, chorus: Bool = false, polyphony: Int = 64) {
        self.sampleRate = sampleRate
        self.gain = gain
        self.program = program
        self.reverb = reverb
        self.chorus = chorus
        self.polyphony = polyphony
    }
}

/// A FluidSynth synthesizer with one General MIDI SoundFont loaded, playing on MIDI channel 0.
///
/// It owns its C objects and frees them in `deinit`. FluidSynth's synth API locks internally
/// (`synth.threadsafe-api` is on by default), so notes may be sent from any thread while an audio
/// driver renders on its own.
public final class Synth: @unchecked Sendable {
    // @unchecked: `settings` and `synth` are set once in init and only passed to FluidSynth calls that
    // lock the synth themselves; `program` sits behind a Mutex.
    let settings: OpaquePointer
    let synth: OpaquePointer
    let soundFontID: Int32
    /// The SoundFont file it loaded.
    public let soundFont: URL
    /// The sample rate it renders at, in frames per second.
    public let sampleRate: Double
    private let currentProgram: Mutex<GMProgram>

    /// Creates a synth and loads `soundFont`.
    ///
    /// - Throws: `AudioError.soundFont(.unreadable…)` naming the file and why (missing, a folder, not
    ///   readable, not a RIFF SoundFont, rejected by FluidSynth); `.call` when FluidSynth fails otherwise.
    public init(soundFont: URL, settings wanted: SynthSettings = SynthSettings()) throws(AudioError) {
        AudioLog.installHandlers()
        try Synth.checkSoundFontFile(soundFont)
        let settings = try fluidMake("new_fluid_settings", new_fluid_settings())
        do throws(AudioError) {
            try fluidSet(settings, "synth.sample-rate", wanted.sampleRate)
            try fluidSet(settings, "synth.reverb.active", Int32(wanted.reverb ? 1 : 0))
            try fluidSet(settings, "synth.chorus.active", Int32(wanted.chorus ? 1 : 0))
            try fluidSet(settings, "synth.polyphony", Int32(clamping: wanted.polyphony))
            try fluidSet(settings, "synth.gain", wanted.gain)
        } catch {
            delete_fluid_settings(settings)
            throw error
        }
        guard let synth = new_fluid_synth(settings) else {
            delete_fluid_settings(settings)
            throw .call(name: "new_fluid_synth", detail: "see the audio log")
        }
        let id = fluid_synth_sfload(synth, soundFont.path, 1)
        guard id != lilt_fluid_failed_value else {
            delete_fluid_synth(synth)
            delete_fluid_settings(settings)
            throw .soundFont(.unreadable(path: soundFont.path,
                                         reason: "FluidSynth could not parse it as a SoundFont"
                                            + (AudioLog.file.map { " (details in \($0.path))" } ?? "")))
        }
        // The rate it renders at, as FluidSynth took it.
        let rate: Double
        do throws(AudioError) {
            rate = try fluidNumber(settings, "synth.sample-rate")
        } catch {
            delete_fluid_synth(synth)
            delete_fluid_settings(settings)
            throw error
        }
        self.settings = settings
        self.synth = synth
        self.soundFontID = id
        self.soundFont = soundFont
        self.sampleRate = rate
        self.currentProgram = Mutex(wanted.program)
        try select(wanted.program)
    }

    deinit {
        delete_fluid_synth(synth)
        delete_fluid_settings(settings)
    }

    /// The instrument on channel 0.
    public var program: GMProgram { currentProgram.withLock { $0 } }

    /// Chooses the General MIDI instrument on `channel` (0…15; `program` tells channel 0's), bank 0 of the
    /// loaded SoundFont.
    public func select(_ program: GMProgram, channel: Int = 0) throws(AudioError) {
        try fluidCall("fluid_synth_program_select",
                      fluid_synth_program_select(synth, Int32(clamping: channel), soundFontID, 0, Int32(program.number)),
                      detail: "program \(program) on channel \(channel + 1) is not in \(soundFont.lastPathComponent)")
        if channel == 0 { currentProgram.withLock { $0 = program } }
    }

    /// Master gain (FluidSynth's `synth.gain`, 0…10).
    public var gain: Double {
        get { Double(fluid_synth_get_gain(synth)) }
        set { fluid_synth_set_gain(synth, Float(newValue)) }
    }

    /// Starts MIDI note `key` (0…127) at `velocity` (1…127) on `channel` (0…15), from the next rendered
    /// block. A note FluidSynth cannot start (a key outside 0…127, no instrument) is written to the audio log.
    public func noteOn(_ key: Int, velocity: Int, channel: Int = 0) {
        fluidCallLogged("fluid_synth_noteon",
                        fluid_synth_noteon(synth, Int32(clamping: channel), Int32(clamping: key),
                                           Int32(clamping: min(max(velocity, 1), 127))),
                        detail: "key \(key)")
    }

    /// Releases MIDI note `key` on `channel` (it fades with the instrument's release). A key outside
    /// 0…127 is written to the audio log.
    public func noteOff(_ key: Int, channel: Int = 0) {
        guard (0...127).contains(key) else {
            AudioLog.note(AudioError.call(name: "fluid_synth_noteoff", detail: "key \(key) is outside 0…127").description)
            return
        }
        // For a key in range FluidSynth reports failure only when no voice was sounding it (already
        // released, or cut by all-sounds-off): that is no error.
        _ = fluid_synth_noteoff(synth, Int32(clamping: channel), Int32(key))
    }

    /// Silences every voice at once, without release: the panic button. It cannot throw (it runs from a
    /// signal handler's queue); a failure is written to the audio log.
    public func allSoundsOff() {
        fluidCallLogged("fluid_synth_all_sounds_off", fluid_synth_all_sounds_off(synth, -1))
    }

    /// Renders `frames` frames as interleaved stereo floats into `buffer` starting at frame `frame`.
    func render(frames: Int, into buffer: UnsafeMutablePointer<Float>, atFrame frame: Int) throws(AudioError) {
        let base = UnsafeMutableRawPointer(buffer + 2 * frame)
        try fluidCall("fluid_synth_write_float",
                      fluid_synth_write_float(synth, Int32(frames), base, 0, 2, base, 1, 2))
    }

    /// Checks that `url` names a readable RIFF SoundFont ('sfbk') before FluidSynth sees it, so the error
    /// can say what is wrong and where.
    static func checkSoundFontFile(_ url: URL) throws(AudioError) {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .soundFont(.unreadable(path: path, reason: "no such file"))
        }
        if isDirectory.boolValue { throw .soundFont(.unreadable(path: path, reason: "is a folder")) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .soundFont(.unreadable(path: path, reason: "not readable (permission denied?)"))
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 12)) ?? Data()
        guard header.count == 12 else {
            throw .soundFont(.unreadable(path: path,
                                         reason: "too short (\(header.count) bytes) to be a SoundFont"))
        }
        let riff = String(decoding: header.prefix(4), as: UTF8.self)
        let form = String(decoding: header.suffix(4), as: UTF8.self)
        guard riff == "RIFF", form == "sfbk" else {
            let shown = header.map { (0x20..<0x7f).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
            throw .soundFont(.unreadable(
                path: path,
                reason: "not a SoundFont: bytes 0–11 are '\(shown)', expected 'RIFF' at byte 0 and 'sfbk' at byte 8"))
        }
    }
}
