import Foundation

/// Finds the General MIDI SoundFont to play with.
///
/// The order: an explicit path (`--soundfont`), `$LILT_SOUNDFONT`, any `*.sf2`/`*.sf3` in the
/// project's `SoundFonts/` folder, then Debian's `fluid-soundfont-gm` files.
public struct SoundFontLocator: Sendable {
    /// One place that was looked at, and what was found there.
    public struct Candidate: Sendable, Equatable, CustomStringConvertible {
        public enum Origin: String, Sendable {
            case option = "--soundfont"
            case environment = "$LILT_SOUNDFONT"
            case projectFolder = "SoundFonts/"
            case system = "system"
        }
        public var origin: Origin
        public var path: String
        /// Why this place gave no SoundFont; `nil` when it did.
        public var problem: String?

        public var description: String {
            "\(path) (\(origin.rawValue))" + (problem.map { ": \($0)" } ?? "")
        }
    }

    /// Debian's locations, in order of preference.
    public static let systemPaths = [
        "/usr/share/sounds/sf2/FluidR3_GM.sf2",
        "/usr/share/sounds/sf2/default-GM.sf2",
    ]
    /// The Debian package that provides them.
    public static let debianPackage = "fluid-soundfont-gm"

    public var explicitPath: String?
    public var environment: [String: String]
    public var projectFolder: URL?

    /// - Parameters:
    ///   - explicitPath: the `--soundfont` option, if given.
    ///   - environment: the process environment (read for `LILT_SOUNDFONT`).
    ///   - projectFolder: the `SoundFonts/` folder to scan, if any.
    public init(explicitPath: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                projectFolder: URL? = SoundFontLocator.defaultProjectFolder()) {
        self.explicitPath = explicitPath
        self.environment = environment
        self.projectFolder = projectFolder
    }

    /// Every place looked at, in order, each with its problem if it gave no SoundFont.
    /// An explicit path or `$LILT_SOUNDFONT` that is unusable stops the search there: the user asked for it.
    public func candidates() -> [Candidate] {
        var result: [Candidate] = []
        if let explicitPath {
            result.append(check(explicitPath, origin: .option))
            return result
        }
        if let path = environment["LILT_SOUNDFONT"], !path.isEmpty {
            result.append(check(path, origin: .environment))
            return result
        }
        if let projectFolder {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: projectFolder.path)) ?? []
            let fonts = files.filter { $0.lowercased().hasSuffix(".sf2") || $0.lowercased().hasSuffix(".sf3") }
                .sorted()
            if fonts.isEmpty {
                result.append(Candidate(origin: .projectFolder, path: projectFolder.path + "/*.sf2|*.sf3",
                                        problem: "no SoundFont files"))
            }
            for font in fonts {
                result.append(check(projectFolder.appendingPathComponent(font).path, origin: .projectFolder))
                if result.last?.problem == nil { return result }
            }
        }
        for path in Self.systemPaths {
            result.append(check(path, origin: .system))
            if result.last?.problem == nil { return result }
        }
        return result
    }

    /// The SoundFont to use, or an error naming every place looked at.
    public func locate() throws(SoundFontError) -> URL {
        let looked = candidates()
        if let found = looked.last, found.problem == nil {
            return URL(fileURLWithPath: found.path)
        }
        throw .notFound(looked: looked, debianPackage: Self.debianPackage)
    }

    private func check(_ path: String, origin: Candidate.Origin) -> Candidate {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return Candidate(origin: origin, path: path, problem: "no such file")
        }
        if isDirectory.boolValue {
            return Candidate(origin: origin, path: path, problem: "is a folder")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            return Candidate(origin: origin, path: path, problem: "not readable")
        }
        return Candidate(origin: origin, path: path, problem: nil)
    }

    /// `SoundFonts/` beside the running executable's package checkout, or in the current directory.
    public static func defaultProjectFolder() -> URL? {
        for base in ProjectLayout.searchRoots() {
            let folder = base.appendingPathComponent("SoundFonts")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return folder
            }
        }
        return nil
    }
}

/// Why no SoundFont could be used.
public enum SoundFontError: Error, CustomStringConvertible, Equatable {
    case notFound(looked: [SoundFontLocator.Candidate], debianPackage: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let looked, let package):
            let places = looked.map { "  - \($0)" }.joined(separator: "\n")
            return """
                no General MIDI SoundFont found. Looked at:
                \(places)
                Fix: install Debian's '\(package)' (sudo apt-get install --no-install-recommends \(package)), \
                or pass --soundfont PATH, or set LILT_SOUNDFONT.
                """
        case .unreadable(let path, let reason):
            return "\(path): cannot be loaded as a SoundFont: \(reason)"
        }
    }
}

/// Where a Lilt checkout's top-level folders (`SoundFonts/`, `Corpora/`) are found at run time.
public enum ProjectLayout {
    /// `$LILT_HOME` if set, the current directory, then the folders above the executable
    /// (a build in `.build/release/lilt` sits three levels below the checkout).
    public static func searchRoots() -> [URL] {
        var roots: [URL] = []
        if let home = ProcessInfo.processInfo.environment["LILT_HOME"], !home.isEmpty {
            roots.append(URL(fileURLWithPath: home))
        }
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<4 {
            roots.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        return roots
    }
}
