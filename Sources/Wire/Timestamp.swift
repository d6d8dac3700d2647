/// A capture timestamp: nanoseconds since the Unix epoch. One integer, so
/// comparing and subtracting cost nothing on the per-segment path.
public struct Timestamp: Hashable, Sendable, Comparable {
    public var nanosecondsSinceEpoch: Int64

    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    public init(seconds: Int64, nanoseconds: Int64) {
        nanosecondsSinceEpoch = seconds &* 1_000_000_000 &+ nanoseconds
    }

    public var seconds: Int64 { nanosecondsSinceEpoch / 1_000_000_000 }
    public var subsecondNanoseconds: Int64 { nanosecondsSinceEpoch % 1_000_000_000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    /// `lhs` moved forward by `nanoseconds`.
    public static func + (lhs: Timestamp, nanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: lhs.nanosecondsSinceEpoch &+ nanoseconds)
    }

    /// The nanoseconds from `rhs` to `lhs`.
    public static func - (lhs: Timestamp, rhs: Timestamp) -> Int64 {
        lhs.nanosecondsSinceEpoch &- rhs.nanosecondsSinceEpoch
    }

    /// `seconds.fraction` with `digits` fractional digits (6 like
    /// `tcpdump -tt`, 9 for nanosecond captures), truncated, not rounded.
    /// Digits are written straight into the string: the JSON and Zeek
    /// writers call this several times per connection.
    public func formatted(fractionDigits digits: Int = 6) -> String {
        let digits = min(max(digits, 0), 9)
        var fraction = subsecondNanoseconds
        for _ in digits..<9 { fraction /= 10 }
        let fractionText = String(unsafeUninitializedCapacity: digits) { buffer in
            for index in stride(from: digits - 1, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            return digits
        }
        return String(seconds) + "." + fractionText
    }
}
