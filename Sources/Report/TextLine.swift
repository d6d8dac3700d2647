import Wire

/// One output line built as UTF-8 bytes: numbers, times and addresses are
/// written digit by digit in place, where `String` concatenation made a
/// temporary string for each piece. The JSON and Zeek writers build one
/// per connection.
struct TextLine {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Literal text, copied as one block of bytes.
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A string's UTF-8, copied as one block (its utf8 view went byte by byte).
    mutating func append(contentsOf text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Int) {
        bytes.appendDecimal(value)
    }

    /// `seconds.fraction`, as `Timestamp.formatted(fractionDigits:)` writes it.
    mutating func append(_ time: Timestamp, fractionDigits: Int) {
        time.appendFormatted(fractionDigits: fractionDigits, to: &bytes)
    }

    /// Dotted quad for IPv4, RFC 5952 for IPv6 (as `IPAddress.description`).
    mutating func append(_ address: IPAddress) {
        address.appendText(to: &bytes)
    }

    /// A JSON string literal, quoted and escaped (RFC 8259 §7).
    mutating func appendJSONString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case ..<0x20:
                append("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
