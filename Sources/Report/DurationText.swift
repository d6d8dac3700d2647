/// Durations as CI users write them: `50ms`, `1.5s`, `200us`, `2m`; a bare
/// number is seconds, as for `--msl`.
public enum DurationText {
    public static func nanoseconds(_ text: String) -> Int64? {
        if let seconds = decimal(text) {
            guard seconds < 1e6 else { return nil }
            return Int64(seconds * 1e9)
        }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = decimal(text.dropLast(suffix.count)), value < 1e6 else { return nil }
            return Int64(value * scale)
        }
        return nil
    }

    /// A plain decimal, `12` or `1.5`: Double's own parser also takes
    /// `0x10`, `1e3`, `nan` and `inf`, which no one means in a duration.
    public static func decimal(_ text: some StringProtocol) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts[0].isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return Double(text)
    }

    /// `12.345ms`, `2s`: the shortest readable form.
    public static func text(_ nanoseconds: Int64) -> String {
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds >= 1_000_000 { return trimmed(Double(nanoseconds) / 1e6) + "ms" }
        return trimmed(Double(nanoseconds) / 1e3) + "us"
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(Double((value * 1000).rounded()) / 1000)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
