import Foundation
import LiltKernels
import LiltKernelsAVX2
import LiltKernelsAVX512
import LiltKernelsInterface

/// The instruction sets the LSTM cell kernels are built for (the same source compiled three times).
/// The cell's elementwise math (σ, tanh, the state update and its backward) runs the same operations in
/// the same order in every build. Where a step is a · b + c (`multiplyAdd`: in the exponential's range
/// reduction and polynomial, in tanh x = 2σ(2x) − 1, in c = f ⊙ c₋ + i ⊙ g, and in the backward's ∂c,
/// 1 − tanh² c and 1 − g²) the AVX2 and AVX-512 builds (`LILT_FMA`) do one fused multiply-add, rounded
/// once, and the baseline build a multiply and an add, rounded twice. The AVX2 and AVX-512 builds also do the recurrent matrix products, as chains
/// of fused multiply-adds in a fixed order, so those two builds give bit-identical training and generation;
/// the baseline build leaves the products to OpenBLAS, and its results differ from theirs in the last bits.
public enum KernelInstructionSet: String, CaseIterable, Sendable {
    case baseline = "x86-64"
    case avx2 = "AVX2"
    case avx512 = "AVX-512"

    /// The /proc/cpuinfo flags the compiler may use in this build (its -target-cpu's features that
    /// arithmetic code can touch).
    var requiredFlags: Set<String> {
        switch self {
        case .baseline: []
        case .avx2: ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "popcnt", "abm", "sse4_1", "sse4_2", "ssse3"]
        case .avx512: KernelInstructionSet.avx2.requiredFlags.union(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])
        }
    }

    /// The builds this CPU can run, from the CPU flags Linux reports (only the baseline elsewhere, or
    /// when the flags cannot be read).
    public static let supported: [KernelInstructionSet] = {
        #if arch(x86_64)
        let flags = cpuFlags()
        return allCases.filter { $0.requiredFlags.isSubset(of: flags) }
        #else
        return [.baseline]
        #endif
    }()

    /// The build in use: the widest supported one, or the one named by `LILT_KERNELS` (x86-64, AVX2,
    /// AVX-512; case and punctuation ignored) when the CPU supports it.
    public static let selected: KernelInstructionSet = {
        let wanted = ProcessInfo.processInfo.environment["LILT_KERNELS"].map(normalized)
        if let wanted, let named = supported.first(where: { normalized($0.rawValue) == wanted }) { return named }
        return supported.last ?? .baseline
    }()

    private static func normalized(_ name: String) -> String {
        name.lowercased().filter { $0.isLetter || $0.isNumber }
    }

    /// The `flags` line of /proc/cpuinfo (the first processor's; Linux lists AVX-512 only when the kernel
    /// saves its registers).
    private static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}

/// The cell kernels of one build.
struct CellKernels: Sendable {
    let instructionSet: KernelInstructionSet
    let forward: @Sendable (CellForwardStep) -> Void
    let backward: @Sendable (CellBackwardStep) -> Void
    /// The packed matrix product of the recurrence; nil in the baseline build, which has no fused
    /// multiply-add (OpenBLAS multiplies there instead).
    let product: (@Sendable (PackedProductStep) -> Void)?

    init(_ instructionSet: KernelInstructionSet) {
        self.instructionSet = instructionSet
        switch instructionSet {
        case .baseline:
            forward = LiltKernels.lstmForwardRows; backward = LiltKernels.lstmBackwardRows
            product = nil
        case .avx2:
            forward = LiltKernelsAVX2.lstmForwardRows; backward = LiltKernelsAVX2.lstmBackwardRows
            product = LiltKernelsAVX2.packedProduct
        case .avx512:
            forward = LiltKernelsAVX512.lstmForwardRows; backward = LiltKernelsAVX512.lstmBackwardRows
            product = LiltKernelsAVX512.packedProduct
        }
    }
}
