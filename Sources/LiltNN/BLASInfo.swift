internal import COpenBLAS

/// What the OpenBLAS library in use says about itself.
public enum BLASInfo {
    /// The kernel family OpenBLAS chose for this CPU, e.g. "Haswell" or "SkylakeX".
    public static var coreName: String { String(cString: openblas_get_corename()) }
    /// The build configuration, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var configuration: String {
        String(cString: openblas_get_config()).trimmingCharacters(in: " ")
    }
    /// Threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
    }
    /// Sets the threads OpenBLAS uses for one call.
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice.removeFirst() }
        while slice.last == character { slice.removeLast() }
        return String(slice)
    }
}
