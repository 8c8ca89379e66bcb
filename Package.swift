// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lilt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lilt", targets: ["lilt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, wrapped by the one Swift target that owns each.
        .systemLibrary(
            name: "CNcursesw", pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CFluidSynth", pkgConfig: "fluidsynth",
            providers: [.apt(["libfluidsynth-dev"])]),

        .target(name: "LiltMusic"),
        .target(name: "LiltNN", dependencies: ["COpenBLAS"]),
        .target(name: "LiltAudio", dependencies: ["CFluidSynth", "LiltMusic"]),
        .target(name: "LiltTerminal", dependencies: ["CNcursesw"]),
        .target(name: "LiltCompose", dependencies: ["LiltMusic", "LiltNN", "LiltAudio"]),
        .target(name: "LiltStudio", dependencies: ["LiltCompose", "LiltTerminal"]),
        .executableTarget(
            name: "lilt",
            dependencies: [
                "LiltMusic", "LiltNN", "LiltAudio", "LiltTerminal", "LiltCompose", "LiltStudio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "LiltMusicTests", dependencies: ["LiltMusic"]),
        .testTarget(name: "LiltNNTests", dependencies: ["LiltNN"]),
        .testTarget(name: "LiltAudioTests", dependencies: ["LiltAudio", "LiltMusic"]),
        .testTarget(name: "LiltTerminalTests", dependencies: ["LiltTerminal"]),
        .testTarget(name: "LiltComposeTests", dependencies: ["LiltCompose", "LiltMusic", "LiltNN"]),
        .testTarget(name: "LiltCommandTests", dependencies: ["lilt"]),
        .testTarget(name: "LiltStudioTests", dependencies: ["LiltStudio", "LiltTerminal", "LiltCompose", "LiltMusic"]),
    ],
    swiftLanguageModes: [.v6]
)
