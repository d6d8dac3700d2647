/// The connections open at once: a dictionary from flow key to a slot,
/// slots reused through a free list, and a least-recently-used list threaded
/// through the slots by index, so lookups, touches and evictions are O(1)
/// and nothing is allocated per segment once the slots exist.
struct ConnectionTable {
    private struct Slot {
        var key: FlowKey
        var connection: Connection
        var newer: Int32 = -1
        var older: Int32 = -1
    }

    private var index: [FlowKey: Int32] = [:]
    private var slots: [Slot?] = []
    private var freeSlots: [Int32] = []
    /// Most and least recently used slots, or -1.
    private var newest: Int32 = -1
    private var oldest: Int32 = -1

    var count: Int { index.count }

    func slot(for key: FlowKey) -> Int32? { index[key] }

    subscript(slot: Int32) -> Connection {
        get { slots[Int(slot)]!.connection }
        _modify { yield &slots[Int(slot)]!.connection }
    }

    /// The least recently used connection's slot, the first to evict.
    var leastRecentlyUsed: Int32? { oldest >= 0 ? oldest : nil }

    mutating func insert(_ connection: Connection, for key: FlowKey) -> Int32 {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)] = Slot(key: key, connection: connection)
        } else {
            slot = Int32(slots.count)
            slots.append(Slot(key: key, connection: connection))
        }
        index[key] = slot
        linkAsNewest(slot)
        return slot
    }

    /// Marks a connection as just used.
    mutating func touch(_ slot: Int32) {
        guard slot != newest else { return }
        unlink(slot)
        linkAsNewest(slot)
    }

    @discardableResult
    mutating func remove(_ slot: Int32) -> Connection {
        let removed = slots[Int(slot)]!
        unlink(slot)
        index[removed.key] = nil
        slots[Int(slot)] = nil
        freeSlots.append(slot)
        return removed.connection
    }

    /// Every occupied slot, in no particular order.
    var occupiedSlots: [Int32] {
        slots.indices.compactMap { slots[$0] == nil ? nil : Int32($0) }
    }

    private mutating func linkAsNewest(_ slot: Int32) {
        slots[Int(slot)]!.older = newest
        slots[Int(slot)]!.newer = -1
        if newest >= 0 { slots[Int(newest)]!.newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let (newer, older) = (slots[Int(slot)]!.newer, slots[Int(slot)]!.older)
        if newer >= 0 { slots[Int(newer)]!.older = older } else { newest = older }
        if older >= 0 { slots[Int(older)]!.newer = newer } else { oldest = newer }
    }
}
