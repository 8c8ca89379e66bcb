internal import CFluidSynth

/// What the FluidSynth library in use says about itself.
public enum FluidSynthInfo {
    /// The runtime library's version, e.g. "2.3.1".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, micro: Int32 = 0
        fluid_version(&major, &minor, &micro)
        return "\(major).\(minor).\(micro)"
    }
}
