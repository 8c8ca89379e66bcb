/// Turns the bytes of a text file into a string without failing: folk-song files come in UTF-8, Latin-1
/// and the old DOS code page 437 (the Essen collection writes ä as 0x84).
public enum TextDecoding {
    /// UTF-8 when the bytes are valid UTF-8; otherwise code page 437 when C1 control bytes (0x80–0x9F,
    /// which Latin-1 text never uses) are present, else Latin-1. Control bytes other than tab, LF and CR
    /// become spaces.
    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var ascii = true
        for byte in bytes where byte >= 0x80 || (byte < 0x20 && byte != 9 && byte != 10 && byte != 13) {
            ascii = false
            break
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        if let text = String(validating: bytes.map { $0 < 0x20 && $0 != 9 && $0 != 10 && $0 != 13 ? 0x20 : $0 },
                             as: UTF8.self) {
            return text
        }
        let dos = bytes.contains { $0 >= 0x80 && $0 < 0xA0 }
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte < 0x20 && byte != 9 && byte != 10 && byte != 13 {
                scalars.append(" ")
            } else if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
            } else if dos {
                scalars.append(cp437High[Int(byte) - 0x80])
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// Code page 437, bytes 0x80–0xFF.
    private static let cp437High: [Unicode.Scalar] = Array((
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
        + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}").unicodeScalars)
}
