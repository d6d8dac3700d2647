import Wire

/// One output line built as UTF-8 bytes in a buffer of its own: numbers,
/// times and addresses are written digit by digit in place. The JSON and
/// Zeek writers build one per connection with some eighty pieces, and
/// appending each to an `[UInt8]` (a uniqueness and capacity check, then a
/// call to copy a few bytes) was a fifth of writing JSON.
struct TextLine: ~Copyable, UTF8Sink {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var text: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }

    func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    // Inlined, as is `append(_: StaticString)`, so a literal's length is
    // known where it is copied: a few moves instead of a call to memcpy.
    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if let source = bytes.baseAddress { (base + count).initialize(from: source, count: bytes.count) }
        count += bytes.count
    }

    mutating func write(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        capacity = max(capacity * 2, count + extra)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
    }

    /// Literal text.
    @inline(__always)
    mutating func append(_ literal: StaticString) {
        write(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A string's UTF-8, copied as one block (its utf8 view went byte by byte).
    mutating func append(contentsOf text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    mutating func append(_ value: Int) {
        writeDecimal(value)
    }

    /// `seconds.fraction`, as `Timestamp.formatted(fractionDigits:)` writes it.
    mutating func append(_ time: Timestamp, fractionDigits: Int) {
        time.write(fractionDigits: fractionDigits, to: &self)
    }

    /// Dotted quad for IPv4, RFC 5952 for IPv6 (as `IPAddress.description`).
    mutating func append(_ address: IPAddress) {
        address.writeText(to: &self)
    }

    /// A JSON string literal, quoted and escaped (RFC 8259 §7).
    mutating func appendJSONString(_ value: String) {
        write(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case ..<0x20:
                append("\\u00")
                write(Self.hexDigits[Int(byte >> 4)])
                write(Self.hexDigits[Int(byte & 0xF)])
            default: write(byte)
            }
        }
        write(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
