/// A 32-bit TCP sequence number with RFC 9293's modular arithmetic: `a < b`
/// when the signed distance from `a` to `b` is positive, so comparisons stay
/// right across the 2^32 wrap.
public struct SequenceNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static func + (lhs: SequenceNumber, rhs: UInt32) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &+ rhs)
    }

    /// The signed distance from `rhs` to `lhs`.
    public static func - (lhs: SequenceNumber, rhs: SequenceNumber) -> Int32 {
        Int32(bitPattern: lhs.rawValue &- rhs.rawValue)
    }

    public static func < (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool {
        lhs - rhs < 0
    }

    public var description: String { String(rawValue) }
}
