/// A capture timestamp: nanoseconds since the Unix epoch. One integer, so
/// comparing and subtracting cost nothing on the per-segment path.
public struct Timestamp: Hashable, Sendable, Comparable {
    public var nanosecondsSinceEpoch: Int64

    @inlinable
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// Saturates at the ends of the 64-bit range (years 1677 and 2262)
    /// rather than wrapping: a damaged or extreme time stays extreme.
    @inlinable
    public init(seconds: Int64, nanoseconds: Int64) {
        let (product, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, carried) = product.addingReportingOverflow(nanoseconds)
        if overflowed || carried {
            nanosecondsSinceEpoch = seconds < 0 || (!overflowed && nanoseconds < 0) ? .min : .max
        } else {
            nanosecondsSinceEpoch = sum
        }
    }

    @inlinable
    public var seconds: Int64 { nanosecondsSinceEpoch / 1_000_000_000 }
    @inlinable
    public var subsecondNanoseconds: Int64 { nanosecondsSinceEpoch % 1_000_000_000 }

    @inlinable
    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch == rhs.nanosecondsSinceEpoch
    }

    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(nanosecondsSinceEpoch) }

    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    /// `lhs` moved forward by `nanoseconds`.
    @inlinable
    public static func + (lhs: Timestamp, nanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: lhs.nanosecondsSinceEpoch &+ nanoseconds)
    }

    /// The nanoseconds from `rhs` to `lhs`.
    @inlinable
    public static func - (lhs: Timestamp, rhs: Timestamp) -> Int64 {
        lhs.nanosecondsSinceEpoch &- rhs.nanosecondsSinceEpoch
    }

    /// `seconds.fraction` with `digits` fractional digits (6 like
    /// `tcpdump -tt`, 9 for nanosecond captures), truncated toward zero, not
    /// rounded; a time before the epoch (or a negative duration) gets a `-`.
    @inlinable
    public func formatted(fractionDigits digits: Int = 6) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        write(fractionDigits: digits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `formatted(fractionDigits:)`'s text: the JSON and Zeek writers
    /// build whole records as bytes, a dozen times per record.
    @inlinable
    public func write(fractionDigits digits: Int, to sink: inout some UTF8Sink & ~Copyable) {
        let digits = min(max(digits, 0), 9)
        if nanosecondsSinceEpoch < 0 { sink.write(UInt8(ascii: "-")) }
        let magnitude = nanosecondsSinceEpoch.magnitude
        sink.writeDecimal(magnitude / 1_000_000_000)
        sink.write(UInt8(ascii: "."))
        var fraction = magnitude % 1_000_000_000
        for _ in digits..<9 { fraction /= 10 }
        sink.writeDecimal(fraction, minimumDigits: digits)
    }
}
