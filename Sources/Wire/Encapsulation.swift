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
    /// connection seen through two tunnels (a relay that changed) names both.
    public func joined(with other: Encapsulation) -> Encapsulation {
        guard self != .none else { return other }
        var layers = self.layers
        for layer in other.layers where !layers.contains(layer) { layers.append(layer) }
        return .of(layers)
    }

    /// The number of a path of layers, given out the first time it is seen.
    public static func of(_ layers: [EncapsulationLayer]) -> Encapsulation {
        guard !layers.isEmpty else { return .none }
        return table.withLock { table in
            if let number = table.numbers[layers] { return Encapsulation(number: number) }
            table.paths.append(layers)
            let number = UInt32(table.paths.count)
            table.numbers[layers] = number
            return Encapsulation(number: number)
        }
    }

    private struct Table {
        var numbers: [[EncapsulationLayer]: UInt32] = [:]
        var paths: [[EncapsulationLayer]] = []
    }

    private static let table = Mutex(Table())
}
