import Wire

/// The flow hash that splits traffic into shards and names connections,
/// fixed so that shards, runs and machines agree. Version 1:
///
///     words(e)   = the address as 16 bytes (IPv4 mapped, ::ffff:a.b.c.d)
///                  read as two big-endian UInt64s, then the port
///     symmetric  = lo, hi = the two endpoints in (address bytes, port) order
///                  h = 0x68616e647368616b ("handshak")
///                  for w in lo.high, lo.low, hi.high, hi.low,
///                           6 << 32 | lo.port << 16 | hi.port:
///                      h = fmix64(h ^ w)        (MurmurHash3's finaliser)
///     shard K/N  owns the connections with symmetric % N == K - 1
///
/// Symmetric, like the kernel's PACKET_FANOUT_HASH and Suricata's
/// cluster_flow: both directions of a connection fall in the same shard.
/// A change to any of this is a new version: shards of different versions
/// do not merge.
public enum FlowHash {
    public static let version = 1

    @usableFromInline static let seed: UInt64 = 0x6861_6e64_7368_616b

    /// The hash of the address/port pair, the same whichever way the segment went.
    @inlinable
    public static func symmetric(_ a: Endpoint, _ b: Endpoint) -> UInt64 {
        let (aHigh, aLow) = words(a.address), (bHigh, bLow) = words(b.address)
        // Ordered by the words themselves: comparing `Endpoint`s cost more than the mixing.
        let aFirst = aHigh != bHigh ? aHigh < bHigh : aLow != bLow ? aLow < bLow : a.port < b.port
        var hash = seed
        hash = fmix64(hash ^ (aFirst ? aHigh : bHigh))
        hash = fmix64(hash ^ (aFirst ? aLow : bLow))
        hash = fmix64(hash ^ (aFirst ? bHigh : aHigh))
        hash = fmix64(hash ^ (aFirst ? bLow : aLow))
        let ports = aFirst ? UInt64(a.port) << 16 | UInt64(b.port) : UInt64(b.port) << 16 | UInt64(a.port)
        return fmix64(hash ^ (6 << 32 | ports))
    }

    /// A connection's id: its first segment's endpoints as sent, time and
    /// sequence number, mixed with the same finaliser and kept to 53 bits,
    /// so that it is exact as a JSON number in every reader (jq, JavaScript).
    /// The same connection gets the same id in every shard and every run.
    public static func connectionID(first segment: TCPSegment) -> UInt64 {
        let (sourceHigh, sourceLow) = words(segment.source.address)
        let (destinationHigh, destinationLow) = words(segment.destination.address)
        let ports = UInt64(segment.source.port) << 48 | UInt64(segment.destination.port) << 32
        var hash = fmix64(seed ^ UInt64(version) ^ sourceHigh)
        hash = fmix64(hash ^ sourceLow)
        hash = fmix64(hash ^ destinationHigh)
        hash = fmix64(hash ^ destinationLow)
        hash = fmix64(hash ^ (ports | UInt64(segment.sequence.rawValue)))
        hash = fmix64(hash ^ UInt64(bitPattern: segment.timestamp.nanosecondsSinceEpoch))
        let id = hash & (1 << 53 - 1)
        return id == 0 ? 1 : id
    }

    /// An address as the two big-endian words of its 16-byte form.
    @inlinable
    static func words(_ address: IPAddress) -> (UInt64, UInt64) {
        address.isIPv6 ? (address.high, address.low) : (0, 0xFFFF_0000_0000 | address.low)
    }

    @inlinable
    static func fmix64(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}

/// Shard K of N (K from 1): the connections whose `FlowHash.symmetric`
/// leaves K - 1 when divided by N.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// nil unless 1 ≤ index ≤ count.
    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `K/N`, as `--shard` takes it.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    @inlinable
    public func owns(hash: UInt64) -> Bool {
        hash % UInt64(count) == UInt64(index - 1)
    }
}
