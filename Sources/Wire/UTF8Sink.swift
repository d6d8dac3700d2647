/// Where values write their text as UTF-8 bytes: a `[UInt8]`, or an output
/// line with a buffer of its own. The writers are generic over it, so the
/// JSON and Zeek lines, built per connection, get them specialised and
/// write digits straight into their buffer.
public protocol UTF8Sink: ~Copyable {
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>)
    mutating func write(_ byte: UInt8)
}

extension UTF8Sink where Self: ~Copyable {
    /// `value` in decimal ASCII, zero-padded to `minimumDigits` (none at all
    /// for zero with a minimum of 0).
    @inlinable
    public mutating func writeDecimal(_ value: UInt64, minimumDigits: Int = 1) {
        // Digits come out last first: written backwards into a stack buffer,
        // then passed on a byte at a time, which for a few bytes is faster
        // than one call that copies them.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var value = value
            var start = buffer.count
            let minimumStart = buffer.count - Swift.min(minimumDigits, buffer.count)
            while value > 0 || start > minimumStart {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            }
            for byte in buffer[start...] { write(byte) }
        }
    }

    /// A signed `value` in decimal ASCII.
    @inlinable
    public mutating func writeDecimal(_ value: Int) {
        if value < 0 { write(UInt8(ascii: "-")) }
        writeDecimal(UInt64(value.magnitude))
    }
}

extension [UInt8]: UTF8Sink {
    @inlinable
    public mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
    @inlinable
    public mutating func write(_ byte: UInt8) { append(byte) }
}
