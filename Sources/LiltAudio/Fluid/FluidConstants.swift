internal import CFluidSynth

/// FluidSynth's C constants under Swift names (the macros themselves are not importable).
let lilt_fluid_ok_value: Int32 = lilt_fluid_ok
let lilt_fluid_failed_value: Int32 = lilt_fluid_failed

/// FluidSynth's log levels, in its order.
enum FluidLogLevel: Int32, CaseIterable {
    case panic = 0, error, warning, info, debug

    var label: String {
        switch self {
        case .panic: "panic"
        case .error: "error"
        case .warning: "warning"
        case .info: "info"
        case .debug: "debug"
        }
    }
}
