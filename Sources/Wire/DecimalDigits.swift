extension [UInt8] {
    /// Appends `value` in decimal ASCII, zero-padded to `minimumDigits`
    /// (none at all for zero with a minimum of 0). Text writers build lines
    /// as bytes with this instead of concatenating a `String` per number.
    public mutating func appendDecimal(_ value: UInt64, minimumDigits: Int = 1) {
        // Digits come out last first: write them backwards into a stack
        // buffer, then append them in one copy.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var value = value
            var start = buffer.count
            let minimumStart = buffer.count - Swift.min(minimumDigits, buffer.count)
            while value > 0 || start > minimumStart {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Appends a signed `value` in decimal ASCII.
    public mutating func appendDecimal(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(UInt64(value.magnitude))
    }
}
