/// Durations in nanoseconds, counted in a fixed-size log-linear histogram:
/// exact below 256 ns, then 128 buckets per power of two, so a percentile is
/// within 1% of the true value and memory does not grow with the count.
struct DurationHistogram {
    private static let linearLimit: Int64 = 256
    private static let subBuckets = 128
    private var counts: [Int] = []
    private(set) var count = 0
    private(set) var maximum: Int64 = 0
    private(set) var minimum: Int64 = .max

    mutating func record(_ nanoseconds: Int64) {
        if counts.isEmpty { counts = Array(repeating: 0, count: 256 + 56 * Self.subBuckets) }
        let value = max(0, nanoseconds)
        counts[Self.index(value)] += 1
        count += 1
        maximum = max(maximum, value)
        minimum = min(minimum, value)
    }

    /// The smallest recorded value at or above `fraction` of them (nearest rank).
    func percentile(_ fraction: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucket) in counts.enumerated() where bucket > 0 {
            seen += bucket
            if seen >= rank { return min(max(Self.midpoint(index), minimum), maximum) }
        }
        return maximum
    }

    private static func index(_ value: Int64) -> Int {
        guard value >= linearLimit else { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        let mantissa = Int(value >> (exponent - 7)) & (subBuckets - 1)
        return 256 + (exponent - 8) * subBuckets + mantissa
    }

    private static func midpoint(_ index: Int) -> Int64 {
        guard index >= 256 else { return Int64(index) }
        let exponent = (index - 256) / subBuckets + 8
        let mantissa = Int64((index - 256) % subBuckets)
        let width = Int64(1) << (exponent - 7)
        return (128 + mantissa) * width + width / 2
    }
}
