import Wire

/// Zeek's connection table, for `--format zeek`: every TCP packet joins
/// the session of its address/port pair or creates one, and a session's
/// conn.log row is appended to the caller's `rows` when Zeek's timers
/// remove it (`ZeekSession`), so row counts and states are Zeek's. Rows of
/// sessions still open at the end come last, in the order they began.
/// Not generic over a sink: called across modules, it would run unspecialised.
///
/// It runs beside `ConnectionTracker`, whose connections keep RFC 9293's
/// lifecycle: where Zeek's timers end a connection and the next packet
/// starts another, the tracker sees one connection.
public struct ZeekSessionTracker {
    /// Finds a session's slot by its address/port pair, either direction.
    private var index = FlowIndex()
    /// Sessions by slot; a slot in `freeSlots` holds a removed one until reused.
    /// Not optionals: reached through an optional, a session was copied whole at every packet.
    private var sessions: [ZeekSession] = []
    private var freeSlots: [Int] = []
    /// The removal time on file for each slot; queue entries for other times are stale.
    private var filed: [Timestamp] = []
    /// Removal times, earliest first (a binary heap of time and slot).
    private var queue: [(time: Timestamp, slot: Int)] = []
    private let shard: Shard?
    /// Segments taken, sessions begun, and the most open at once, for `-v`.
    public private(set) var segments = 0
    public private(set) var sessionsBegun = 0
    public private(set) var peakOpen = 0

    public init(shard: Shard? = nil) {
        self.shard = shard
    }

    /// The earliest time a session is due to be removed, for a live capture's wait.
    public var nextRemoval: Timestamp? { queue.first?.time }

    /// One TCP segment and the payload bytes its packet captured (for `service`).
    public mutating func process(_ segment: TCPSegment, payload: UnsafeRawBufferPointer,
                                 into rows: inout [ZeekRow]) {
        segments += 1
        if let shard, !shard.owns(hash: FlowHash.symmetric(segment.source, segment.destination)) { return }
        let time = segment.timestamp
        removeDue(at: time, into: &rows)
        let hash = index.hash(segment.source, segment.destination)
        var slot = index.slot(hash: hash) { slot in
            reading(Int(slot)) { $0.joins(segment.source, segment.destination) }
        }.map(Int.init)
        if let existing = slot, reading(existing, { $0.isReused(by: segment) }) {
            remove(existing, into: &rows)
            slot = nil
        }
        let found = slot ?? insert(ZeekSession(first: segment), hash: hash)
        sessions[found].process(segment, payload: payload)
        let removal = reading(found, \.removal)
        if removal < filed[found] { file(found, at: removal) }
    }

    /// Lets time pass without a packet: removes the sessions due by `time`.
    public mutating func advance(to time: Timestamp, into rows: inout [ZeekRow]) {
        removeDue(at: time, into: &rows)
    }

    /// Logs every session still open, in the order they began, as Zeek does when it terminates.
    public mutating func finish(into rows: inout [ZeekRow]) {
        let free = Set(freeSlots)
        let open = sessions.indices.filter { !free.contains($0) }.map { sessions[$0] }
            .sorted { ($0.start, $0.originator) < ($1.start, $1.originator) }
        for session in open {
            rows.append(session.row())
        }
        index = FlowIndex()
        sessions = []
        freeSlots = []
        filed = []
        queue = []
    }

    // MARK: - Private

    private mutating func removeDue(at time: Timestamp, into rows: inout [ZeekRow]) {
        while let first = queue.first, first.time <= time {
            popFirst()
            guard filed[first.slot] == first.time else { continue }
            let removal = reading(first.slot, \.removal)
            // Nothing has changed since it was filed, but a later packet may
            // have moved the removal on: file it again for then.
            guard removal <= first.time else {
                filed[first.slot] = .distantFuture
                file(first.slot, at: removal)
                continue
            }
            remove(first.slot, into: &rows)
        }
    }

    /// What `body` reads of a session, in place: through the array's
    /// subscript each read copied the whole session.
    private func reading<Value>(_ slot: Int, _ body: (ZeekSession) -> Value) -> Value {
        sessions.withUnsafeBufferPointer { body($0[slot]) }
    }

    /// Sessions in the table now.
    public var openSessions: Int { index.count }

    private mutating func insert(_ session: ZeekSession, hash: UInt32) -> Int {
        sessionsBegun += 1
        defer { peakOpen = max(peakOpen, index.count) }
        let slot: Int
        if let reused = freeSlots.popLast() {
            slot = reused
            sessions[slot] = session
            filed[slot] = .distantFuture
        } else {
            slot = sessions.count
            sessions.append(session)
            filed.append(.distantFuture)
        }
        index.insert(Int32(slot), hash: hash)
        return slot
    }

    private mutating func remove(_ slot: Int, into rows: inout [ZeekRow]) {
        let row = reading(slot) { $0.row() }
        rows.append(row)
        filed[slot] = .distantFuture
        index.remove(Int32(slot), hash: index.hash(row.originator, row.responder))
        freeSlots.append(slot)
    }

    private mutating func file(_ slot: Int, at time: Timestamp) {
        filed[slot] = time
        queue.append((time, slot))
        var child = queue.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(queue[child], queue[parent]) else { break }
            queue.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() {
        let last = queue.removeLast()
        guard !queue.isEmpty else { return }
        queue[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < queue.count, Self.precedes(queue[left], queue[smallest]) { smallest = left }
            if right < queue.count, Self.precedes(queue[right], queue[smallest]) { smallest = right }
            guard smallest != parent else { return }
            queue.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private static func precedes(_ a: (time: Timestamp, slot: Int), _ b: (time: Timestamp, slot: Int)) -> Bool {
        (a.time, a.slot) < (b.time, b.slot)
    }
}
