import Wire

/// The address pairs of the latest connections evicted from a full table,
/// at most `capacity`, the oldest forgotten first: so that a flow coming
/// back is known for one that was evicted, not taken for a new connection.
/// Nothing is held until a first eviction.
struct EvictedFlows {
    /// A connection's two endpoints in a fixed order, whichever sent.
    struct Key: Hashable {
        let low: Endpoint
        let high: Endpoint

        init(_ first: Endpoint, _ second: Endpoint) {
            (low, high) = first < second ? (first, second) : (second, first)
        }
    }

    let capacity: Int
    private var keys: Set<Key> = []
    /// Insertion order, as a ring once full: the next to forget is at `oldest`.
    private var order: [Key] = []
    private var oldest = 0

    init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    mutating func insert(_ key: Key) {
        guard keys.insert(key).inserted else { return }
        if order.count < capacity {
            order.append(key)
        } else {
            keys.remove(order[oldest])
            order[oldest] = key
            oldest = (oldest + 1) % capacity
        }
    }

    /// Whether `key` was evicted (and is remembered); it is forgotten here.
    mutating func remove(_ key: Key) -> Bool {
        guard !keys.isEmpty else { return false }
        return keys.remove(key) != nil
    }
}
