/// The studio's name and version, shown in its status line and by `lilt --version`.
public enum StudioInfo {
    public static let name = "Lilt"
    public static let version = "0.1.0"
}
