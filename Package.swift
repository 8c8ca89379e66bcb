// swift-tools-version:6.0
import PackageDescription

/// Compiler flags for a build of the LSTM kernels for a newer x86-64 instruction set. LiltNN picks the
/// build the CPU can run when the program starts (`CellKernels`), so the binary still runs on any x86-64.
/// Both have fused multiply-add (`LILT_FMA`: the vector math uses it). `vectorRegisters32`: the
/// instruction set has 32 vector registers (AVX-512), so the packed product keeps a larger tile in
/// registers.
func kernelSettings(cpu: String, vectorRegisters32: Bool = false) -> [SwiftSetting] {
    #if arch(x86_64)
    [.unsafeFlags(["-target-cpu", cpu]), .define("LILT_FMA")] + (vectorRegisters32 ? [.define("LILT_VECTOR_REGISTERS_32")] : [])
    #else
    []
    #endif
}

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
        // MIDI ports are listed and connected through the MIDI systems themselves (FluidSynth only reads
        // them); both libraries come with libfluidsynth-dev.
        .systemLibrary(
            name: "CJack", pkgConfig: "jack",
            providers: [.apt(["libjack-jackd2-dev"])]),
        .systemLibrary(
            name: "CALSA", pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]),

        .target(name: "LiltMusic"),
        // The LSTM cell kernels, built three times from the same sources (the other two folders link to
        // the first): for baseline x86-64, for AVX2 + FMA (Haswell on), for AVX-512 (Skylake-SP on).
        .target(name: "LiltKernelsInterface"),
        .target(name: "LiltKernels", dependencies: ["LiltKernelsInterface"]),
        .target(name: "LiltKernelsAVX2", dependencies: ["LiltKernelsInterface"], swiftSettings: kernelSettings(cpu: "haswell")),
        .target(name: "LiltKernelsAVX512", dependencies: ["LiltKernelsInterface"],
                swiftSettings: kernelSettings(cpu: "skylake-avx512", vectorRegisters32: true)),
        .target(name: "LiltNN", dependencies: ["COpenBLAS", "LiltKernelsInterface", "LiltKernels", "LiltKernelsAVX2", "LiltKernelsAVX512"]),
        .target(name: "LiltAudio", dependencies: ["CFluidSynth", "CJack", "CALSA", "LiltMusic"]),
        .target(name: "LiltTerminal", dependencies: ["CNcursesw"]),
        .target(name: "LiltCompose", dependencies: ["LiltMusic", "LiltNN"]),
        .target(name: "LiltStudio", dependencies: ["LiltMusic", "LiltNN", "LiltAudio", "LiltTerminal", "LiltCompose"]),
        .executableTarget(
            name: "lilt",
            dependencies: [
                "LiltMusic", "LiltNN", "LiltAudio", "LiltTerminal", "LiltCompose", "LiltStudio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "LiltMusicTests", dependencies: ["LiltMusic"]),
        .testTarget(name: "LiltNNTests", dependencies: ["LiltNN", "LiltKernelsInterface"]),
        .testTarget(name: "LiltAudioTests", dependencies: ["LiltAudio", "LiltMusic"]),
        .testTarget(name: "LiltTerminalTests", dependencies: ["LiltTerminal"]),
        .testTarget(name: "LiltComposeTests", dependencies: ["LiltCompose", "LiltMusic", "LiltNN"]),
        .testTarget(name: "LiltCommandTests", dependencies: ["lilt", "LiltNN", "LiltAudio", "CJack"]),
        .testTarget(name: "LiltStudioTests",
                    dependencies: ["LiltStudio", "LiltTerminal", "LiltCompose", "LiltMusic", "LiltNN", "LiltAudio"]),
    ],
    swiftLanguageModes: [.v6]
)
