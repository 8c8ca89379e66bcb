public enum KernWriter { public static func write(_ m: [Melody]) -> String { "" } }
public enum ABCWriter { public static func write(_ m: [Melody]) -> String { "" } }
public enum MusicXMLWriter { public static func write(_ m: [Melody]) -> String { "" } }
