import Foundation

/// Writes a minimal SoundFont 2 file: one preset (bank 0, program 0) holding one instrument that plays one
/// looped mono sample across the whole keyboard. Small enough to build in a test, real enough for FluidSynth.
///
/// Layout (SoundFont 2.01): RIFF 'sfbk' { LIST 'INFO' { ifil isng INAM } LIST 'sdta' { smpl }
/// LIST 'pdta' { phdr pbag pmod pgen inst ibag imod igen shdr } }, every list ending in a terminal record.
enum TinySoundFont {
    /// - Parameters:
    ///   - sample: 16-bit mono samples.
    ///   - sampleRate: the rate the sample was recorded at.
    ///   - rootKey: the MIDI key at which the sample plays at its own pitch.
    ///   - loop: the looped stretch, in sample indices.
    static func data(sample: [Int16], sampleRate: Int, rootKey: Int, loop: Range<Int>) -> Data {
        func chunk(_ id: String, _ body: Data) -> Data {
            var data = Data(id.utf8)
            data.append(le32(body.count))
            data.append(body)
            if body.count % 2 == 1 { data.append(0) }
            return data
        }
        func list(_ type: String, _ chunks: [Data]) -> Data {
            chunk("LIST", chunks.reduce(into: Data(type.utf8)) { $0.append($1) })
        }
        func name(_ text: String) -> Data {
            var bytes = Array(text.utf8.prefix(19))
            bytes += [UInt8](repeating: 0, count: 20 - bytes.count)
            return Data(bytes)
        }

        let info = list("INFO", [
            chunk("ifil", le16(2) + le16(1)),
            chunk("isng", Data("EMU8000\0".utf8)),
            chunk("INAM", Data("Lilt test font\0\0".utf8)),
        ])
        // The spec asks for 46 zero samples after each sample.
        let samples = sample + [Int16](repeating: 0, count: 46)
        let sampleData = samples.map(\.littleEndian).withUnsafeBytes { Data($0) }
        let sdta = list("sdta", [chunk("smpl", sampleData)])

        let phdr = join(name("Test"), le16(0), le16(0), le16(0), le32(0), le32(0), le32(0),
                        name("EOP"), le16(0), le16(0), le16(1), le32(0), le32(0), le32(0))
        let pbag = join(le16(0), le16(0), le16(1), le16(0))
        let terminalModulator = Data(count: 10)
        let pgen = join(le16(41), le16(0),                     // instrument 0
                        le16(0), le16(0))
        let inst = join(name("Test"), le16(0), name("EOI"), le16(1))
        let ibag = join(le16(0), le16(0), le16(3), le16(0))
        let igen = join(le16(58), le16(rootKey),               // overridingRootKey
                        le16(54), le16(1),                     // sampleModes: loop continuously
                        le16(53), le16(0),                     // sampleID 0 (always last)
                        le16(0), le16(0))
        let shdr = join(name("Test"), le32(0), le32(sample.count), le32(loop.lowerBound), le32(loop.upperBound),
                        le32(sampleRate), Data([UInt8(rootKey), 0]), le16(0), le16(1),
                        name("EOS"), le32(0), le32(0), le32(0), le32(0), le32(0), Data([0, 0]), le16(0), le16(0))
        let pdta = list("pdta", [
            chunk("phdr", phdr), chunk("pbag", pbag), chunk("pmod", terminalModulator), chunk("pgen", pgen),
            chunk("inst", inst), chunk("ibag", ibag), chunk("imod", terminalModulator), chunk("igen", igen),
            chunk("shdr", shdr),
        ])
        return chunk("RIFF", join(Data("sfbk".utf8), info, sdta, pdta))
    }

    /// A font whose one sample is silence.
    static func silent() -> Data {
        data(sample: [Int16](repeating: 0, count: 4400), sampleRate: 44_000, rootKey: 69, loop: 100..<4300)
    }

    /// A font whose one sample is a 440 Hz sine at key 69 (100 samples a period at 44 kHz, looped whole).
    static func sine() -> Data {
        let sample = (0..<4400).map { Int16((12_000 * sin(2 * Double.pi * Double($0) / 100)).rounded()) }
        return data(sample: sample, sampleRate: 44_000, rootKey: 69, loop: 100..<4300)
    }

    private static func join(_ parts: Data...) -> Data { parts.reduce(into: Data()) { $0.append($1) } }
    private static func le16(_ value: Int) -> Data { withUnsafeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian) { Data($0) } }
    private static func le32(_ value: Int) -> Data { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { Data($0) } }
}
