import Synchronization

/// How a segment was carried: its encapsulation layers, outermost first,
/// as a small number that `TCPSegment` holds in place of the layers
/// themselves (a segment is copied several times on its way and must stay
/// plain data). Zero is a segment carried in nothing but its link layer.
///
/// Numbers are given out by one table per process, in order of first
/// appearance; they mean nothing outside it (records carry the layers).
public struct Encapsulation: Hashable, Sendable {
    public let number: UInt32

    public static let none = Encapsulation(number: 0)

    init(number: UInt32) { self.number = number }

    /// Whether the segment came through any layer.
    @inlinable public var isEncapsulated: Bool { number != 0 }

    /// The layers, outermost first; empty for `none`.
    public var layers: [EncapsulationLayer] {
        number == 0 ? [] : Self.table.withLock { $0.paths[Int(number) - 1] }
    }

    /// Both paths' layers as one, this one's first, each layer once: a
    /// connection seen through two tunnels (a relay that changed, GTP-U's
    /// TEID each way) names both. Remembered: such a connection asks again
    /// at every packet whose path is not its whole one.
    public func joined(with other: Encapsulation) -> Encapsulation {
        guard self != .none else { return other }
        let pair = UInt64(number) << 32 | UInt64(other.number)
        return Self.table.withLock { table in
            if let joined = table.joins[pair] { return Encapsulation(number: joined) }
            var layers = table.paths[Int(number) - 1]
            for layer in table.paths[Int(other.number) - 1] where !layers.contains(layer) { layers.append(layer) }
            let joined = table.number(of: layers)
            table.joins[pair] = joined
            return Encapsulation(number: joined)
        }
    }

    /// The number of a path of layers, given out the first time it is seen.
    public static func of(_ layers: [EncapsulationLayer]) -> Encapsulation {
        guard !layers.isEmpty else { return .none }
        return Encapsulation(number: table.withLock { $0.number(of: layers) })
    }

    private struct Table {
        var numbers: [[EncapsulationLayer]: UInt32] = [:]
        var paths: [[EncapsulationLayer]] = []
        /// `joined(with:)`'s answers, by the two numbers.
        var joins: [UInt64: UInt32] = [:]

        mutating func number(of layers: [EncapsulationLayer]) -> UInt32 {
            if let number = numbers[layers] { return number }
            paths.append(layers)
            let number = UInt32(paths.count)
            numbers[layers] = number
            return number
        }
    }

    private static let table = Mutex(Table())
}
