extension Duration {
    /// The duration in milliseconds, as the studio reports times (a generation, a frame).
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
