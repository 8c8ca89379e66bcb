import Foundation

/// What the process knows about its terminal before curses starts: the type and the character set.
public struct TerminalEnvironment: Sendable {
    /// `$TERM`, if set.
    public var term: String?
    /// The effective locale name for character handling (`LC_ALL`, else `LC_CTYPE`, else `LANG`).
    public var localeName: String
    /// Whether standard input and output are both terminals.
    public var isInteractive: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        term = environment["TERM"].flatMap { $0.isEmpty ? nil : $0 }
        localeName = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }
            .first { !$0.isEmpty } ?? "C"
        isInteractive = isatty(0) == 1 && isatty(1) == 1
    }

    /// Whether the locale encodes text as UTF-8, so box, block and braille glyphs can be drawn.
    public var isUTF8: Bool {
        let upper = localeName.uppercased()
        return upper.contains("UTF-8") || upper.contains("UTF8")
    }
}
