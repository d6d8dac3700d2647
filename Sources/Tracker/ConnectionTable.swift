import CMemoryHints
import Wire

/// The connections open at once: a `FlowIndex` from address/port pair to a
/// slot, slots reused through a free list, and a least-recently-used list threaded
/// through the slots by index, so lookups, touches and evictions are O(1).
///
/// Connections are read and changed in place (`_read`/`_modify`): a
/// connection is several hundred bytes, and copying it out per segment was
/// most of the time spent. They live in fixed-size chunks that never move
/// (`ConnectionChunk`): one growing array copied every connection into a
/// buffer twice the size, and held both at once, so peak memory was twice
/// what was open.
struct ConnectionTable {
    private var index = FlowIndex()
    private var chunks: [ConnectionChunk] = []
    private var slotCount = 0
    private var occupied: ContiguousArray<Bool> = []
    /// Neighbours in the recency list, by slot; -1 at either end. One array
    /// of pairs, so a touch checks one buffer for uniqueness, not two.
    private var links: ContiguousArray<(newer: Int32, older: Int32)> = []
    private var freeSlots: [Int32] = []
    private var newest: Int32 = -1
    private var oldest: Int32 = -1

    var count: Int { index.count }

    /// The index's hash of an address/port pair, the same in both directions.
    func hash(_ source: Endpoint, _ destination: Endpoint) -> UInt32 { index.hash(source, destination) }

    /// The slot of the connection between `source` and `destination`, in
    /// either direction; `hash` is theirs (`hash(_:_:)`).
    func slot(from source: Endpoint, to destination: Endpoint, hash: UInt32) -> Int32? {
        index.slot(hash: hash) { slot in address(slot).pointee.addresses.connects(source, destination) }
    }

    /// Asks for the index entry of the pair with `hash` to be brought into cache.
    func prefetchIndexEntry(hash: UInt32) { index.prefetchEntry(hash: hash) }

    /// Asks for the connection most likely filed under `hash` to be brought
    /// into cache, all of it: a segment reads and writes most of its lines.
    /// Best after `prefetchIndexEntry`, once the entry has had time to arrive.
    func prefetchConnection(hash: UInt32) {
        guard let slot = index.likelySlot(hash: hash) else { return }
        let start = UnsafeRawPointer(address(slot))
        for line in stride(from: 0, to: MemoryLayout<Connection>.size, by: 64) { handshake_prefetch(start + line) }
    }

    subscript(slot: Int32) -> Connection {
        _read { yield address(slot).pointee }
        _modify {
            makeUnique(slot)
            yield &address(slot).pointee
        }
    }

    private func address(_ slot: Int32) -> UnsafeMutablePointer<Connection> {
        let (chunk, offset) = Int(slot).quotientAndRemainder(dividingBy: ConnectionChunk.capacity)
        return chunks[chunk].base + offset
    }

    /// Copies the slot's chunk if another copy of the table shares it: the
    /// table is a value, like the arrays it replaced.
    private mutating func makeUnique(_ slot: Int32) {
        let chunk = Int(slot) / ConnectionChunk.capacity
        if !isKnownUniquelyReferenced(&chunks[chunk]) { chunks[chunk] = ConnectionChunk(copying: chunks[chunk]) }
    }

    /// Runs `body` on a connection in place: one exclusive access for all
    /// the work a segment does, and no copy of the connection.
    mutating func withConnection<Result>(_ slot: Int32, _ body: (inout Connection) -> Result) -> Result {
        makeUnique(slot)
        return body(&address(slot).pointee)
    }

    /// The least recently used connection's slot, the first to evict.
    var leastRecentlyUsed: Int32? { oldest >= 0 ? oldest : nil }

    /// Files `connection` in a free slot. Taken, not copied: a copy of a
    /// connection goes field by field through its value witness.
    mutating func insert(_ connection: consuming Connection) -> Int32 {
        let hash = hash(connection.clientEndpoint, connection.serverEndpoint)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            self[slot] = connection
            occupied[Int(slot)] = true
        } else {
            slot = Int32(slotCount)
            slotCount += 1
            if Int(slot) % ConnectionChunk.capacity == 0 { chunks.append(ConnectionChunk()) }
            makeUnique(slot)
            chunks[chunks.count - 1].append(connection)
            occupied.append(true)
            links.append((-1, -1))
        }
        index.insert(slot, hash: hash)
        linkAsNewest(slot)
        return slot
    }

    /// Marks a connection as just used.
    mutating func touch(_ slot: Int32) {
        guard slot != newest else { return }
        unlink(slot)
        linkAsNewest(slot)
    }

    /// Frees a slot. Its connection's storage is reused by the next insert.
    mutating func remove(_ slot: Int32) {
        unlink(slot)
        index.remove(slot, hash: hash(self[slot].clientEndpoint, self[slot].serverEndpoint))
        occupied[Int(slot)] = false
        freeSlots.append(slot)
    }

    /// Every occupied slot, in no particular order, read as it is iterated.
    var occupiedSlots: some Sequence<Int32> {
        occupied.indices.lazy.filter { occupied[$0] }.map { Int32($0) }
    }

    private mutating func linkAsNewest(_ slot: Int32) {
        links[Int(slot)] = (newer: -1, older: newest)
        if newest >= 0 { links[Int(newest)].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let (next, previous) = links[Int(slot)]
        if next >= 0 { links[Int(next)].older = previous } else { newest = previous }
        if previous >= 0 { links[Int(previous)].newer = next } else { oldest = next }
    }
}
