internal import CFluidSynth

/// Sets one FluidSynth setting; a failure (no such setting, a value it refuses) names the setting.
func fluidSet(_ settings: OpaquePointer, _ name: String, _ value: Int32) throws(AudioError) {
    try fluidCall("fluid_settings_setint", fluid_settings_setint(settings, name, value), detail: "\(name) = \(value)")
}

func fluidSet(_ settings: OpaquePointer, _ name: String, _ value: Double) throws(AudioError) {
    try fluidCall("fluid_settings_setnum", fluid_settings_setnum(settings, name, value), detail: "\(name) = \(value)")
}

func fluidSet(_ settings: OpaquePointer, _ name: String, _ value: String) throws(AudioError) {
    try fluidCall("fluid_settings_setstr", fluid_settings_setstr(settings, name, value), detail: "\(name) = \(value)")
}

/// Reads a number setting of FluidSynth's.
func fluidNumber(_ settings: OpaquePointer, _ name: String) throws(AudioError) -> Double {
    var value = 0.0
    try fluidCall("fluid_settings_getnum", fluid_settings_getnum(settings, name, &value), detail: name)
    return value
}
