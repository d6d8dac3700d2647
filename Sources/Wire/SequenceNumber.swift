/// A 32-bit TCP sequence number with RFC 9293's modular arithmetic: `a`
/// comes before `b` when the signed distance from `a` to `b` is positive, so
/// comparisons stay right across the 2^32 wrap.
///
/// Not `Comparable`: modular order is not total (each number is "before"
/// half the space), so no `sort`, `min` or `max` may use it. The comparisons
/// are named instead, as smoltcp stops at `PartialOrd`.
public struct SequenceNumber: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    @inlinable
    public static func + (lhs: SequenceNumber, rhs: UInt32) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &+ rhs)
    }

    /// The signed distance from `rhs` to `lhs`.
    @inlinable
    public static func - (lhs: SequenceNumber, rhs: SequenceNumber) -> Int32 {
        Int32(bitPattern: lhs.rawValue &- rhs.rawValue)
    }

    /// Whether this number comes before `other` in sequence space.
    @inline(__always)
    @inlinable
    public func isBefore(_ other: SequenceNumber) -> Bool { self - other < 0 }

    /// Whether this number is `other` or comes before it.
    @inline(__always)
    @inlinable
    public func isAtOrBefore(_ other: SequenceNumber) -> Bool { self - other <= 0 }

    @inlinable
    public static func == (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool { lhs.rawValue == rhs.rawValue }

    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public var description: String { String(rawValue) }
}
