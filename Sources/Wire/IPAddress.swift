/// An IPv4 or IPv6 address as two integers: no heap, cheap to hash and
/// compare. IPv4 lives in the low 32 bits with `isIPv6` false.
public struct IPAddress: Hashable, Sendable, Comparable {
    public let high: UInt64
    public let low: UInt64
    public let isIPv6: Bool

    @inlinable
    public init(ipv4: UInt32) {
        high = 0
        low = UInt64(ipv4)
        isIPv6 = false
    }

    @inlinable
    public init(ipv6High high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        isIPv6 = true
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text; nil if it is neither.
    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let (high, low) = Self.parseIPv6(Substring(text)) else { return nil }
            self.init(ipv6High: high, low: low)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var value: UInt32 = 0
            for part in parts {
                guard part.count <= 3, let byte = UInt8(part) else { return nil }
                value = value << 8 | UInt32(byte)
            }
            self.init(ipv4: value)
        }
    }

    @inlinable
    public var version: UInt8 { isIPv6 ? 6 : 4 }

    // Written out, not synthesised, so that other modules inline them: the
    // tracker compares and hashes addresses on every segment.
    @inlinable
    public static func == (lhs: IPAddress, rhs: IPAddress) -> Bool {
        lhs.low == rhs.low && lhs.high == rhs.high && lhs.isIPv6 == rhs.isIPv6
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(high)
        hasher.combine(low)
        hasher.combine(isIPv6)
    }

    @inlinable
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.high, lhs.low) < (rhs.isIPv6 ? 1 : 0, rhs.high, rhs.low)
    }

    private static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        var text = text
        // An IPv4 address may end the text (RFC 4291 §2.2, form 3, as in
        // ::ffff:10.0.0.1): it stands for the last two words.
        if text.contains("."), let colon = text.lastIndex(of: ":") {
            guard let v4 = IPAddress(text[text.index(after: colon)...]), !v4.isIPv6 else { return nil }
            text = text[...colon] + String(v4.low >> 16, radix: 16) + ":" + String(v4.low & 0xFFFF, radix: 16)
        }
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
            .map { Substring($0) }
        func words(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for piece in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard piece.count <= 4, let word = UInt16(piece, radix: 16) else { return nil }
                result.append(word)
            }
            return result
        }
        guard let head = words(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = words(halves[1]), head.count + tail.count < 8 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            all = head
        }
        guard all.count == 8 else { return nil }
        let high = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }
}

extension IPAddress: CustomStringConvertible {
    /// Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, the longest run
    /// of two or more zero groups, leftmost on a tie, written `::`).
    @inlinable
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(39)
        writeText(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `description`'s text in place: the JSON and Zeek writers put
    /// two addresses in every record.
    @inlinable
    public func writeText(to sink: inout some UTF8Sink & ~Copyable) {
        guard isIPv6 else { return Self.writeDotted(UInt32(truncatingIfNeeded: low), to: &sink) }
        // An IPv4-mapped address ends in dotted decimal (RFC 5952 §5).
        if high == 0, low >> 32 == 0xFFFF {
            for byte in "::ffff:".utf8 { sink.write(byte) }
            return Self.writeDotted(UInt32(truncatingIfNeeded: low), to: &sink)
        }
        let group = { (index: Int) -> UInt16 in
            UInt16(truncatingIfNeeded: (index < 4 ? self.high : self.low) >> (UInt64(3 - index % 4) * 16))
        }
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8, group(index) == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = 8 }
        var index = 0
        while index < 8 {
            if index == bestStart {
                sink.write(UInt8(ascii: ":"))
                sink.write(UInt8(ascii: ":"))
                index += bestLength
                continue
            }
            if index > 0, index != bestStart + bestLength { sink.write(UInt8(ascii: ":")) }
            Self.writeHex(group(index), to: &sink)
            index += 1
        }
    }

    /// Lower-case hex without leading zeros.
    @inlinable
    static func writeDotted(_ address: UInt32, to sink: inout some UTF8Sink & ~Copyable) {
        for shift in stride(from: 24, through: 0, by: -8) {
            sink.writeDecimal(UInt64(address >> UInt32(shift) & 0xFF))
            if shift > 0 { sink.write(UInt8(ascii: ".")) }
        }
    }

    @inlinable
    static func writeHex(_ value: UInt16, to sink: inout some UTF8Sink & ~Copyable) {
        var started = false
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: value >> UInt16(shift) & 0xF)
            guard started || digit != 0 || shift == 0 else { continue }
            started = true
            sink.write(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }
}

/// One side of a TCP conversation: an address and a port.
public struct Endpoint: Hashable, Sendable, Comparable {
    public var address: IPAddress
    public var port: UInt16

    @inlinable
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    @inlinable
    public static func == (lhs: Endpoint, rhs: Endpoint) -> Bool {
        lhs.port == rhs.port && lhs.address == rhs.address
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(port)
    }

    @inlinable
    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }
}

extension Endpoint: CustomStringConvertible {
    /// tcpdump's `address.port` form, for both families: what users grep for.
    @inlinable
    public var description: String { "\(address).\(port)" }
}
