/// How a segment was carried: a 4-byte handle to its encapsulation layers,
/// outermost first, that `TCPSegment` holds in place of the layers
/// themselves (a segment is copied several times on its way and must stay
/// plain data). Zero is a segment carried in nothing but its link layer.
///
/// A handle is short-lived: it resolves (`layers`) while fewer than
/// `resolvableSpan` other paths have been given handles since, which is
/// longer than any segment waits between its decoder and its tracker. What
/// outlives a segment holds an `EncapsulationPath`, so the table stays
/// bounded however many tunnels a long capture goes through.
public struct Encapsulation: Hashable, Sendable {
    public let number: UInt32

    public static let none = Encapsulation(number: 0)

    /// How many handles resolve at once: the table's size. A power of two,
    /// so the ring's slots stay in step when the numbers wrap.
    public static let resolvableSpan = 1 << 16

    init(number: UInt32) { self.number = number }

    /// Whether the segment came through any layer.
    @inlinable public var isEncapsulated: Bool { number != 0 }

    /// The layers, outermost first; empty for `none`.
    public var layers: [EncapsulationLayer] {
        number == 0 ? [] : Self.table.withLock { $0.layers(of: number) }
    }

    /// The handle of a path of layers: the one it already has while that
    /// still resolves, else a new one.
    public static func of(_ layers: [EncapsulationLayer]) -> Encapsulation {
        guard !layers.isEmpty else { return .none }
        return Encapsulation(number: table.withLock { $0.number(of: layers) })
    }

    /// A ring of the latest `resolvableSpan` paths, and each one's handle.
    private struct Table {
        var numbers: [[EncapsulationLayer]: UInt32] = [:]
        /// Handle n's path is at slot (n - 1) % resolvableSpan.
        var paths: [[EncapsulationLayer]] = []
        var latest: UInt32 = 0

        mutating func number(of layers: [EncapsulationLayer]) -> UInt32 {
            if let number = numbers[layers] { return number }
            latest = latest == .max ? 1 : latest + 1
            let slot = Self.slot(of: latest)
            if slot < paths.count {
                numbers[paths[slot]] = nil
                paths[slot] = layers
            } else {
                paths.append(layers)
            }
            numbers[layers] = latest
            return latest
        }

        func layers(of number: UInt32) -> [EncapsulationLayer] {
            paths[Self.slot(of: number)]
        }

        static func slot(of number: UInt32) -> Int { Int((number &- 1) % UInt32(resolvableSpan)) }
    }

    private static let table = Locked(Table())
}
