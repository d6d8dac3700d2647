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
    /// Sessions by when they are next due to be looked at, earliest first.
    private var deadlines = DeadlineQueue()
    /// The time on file in `deadlines` for each slot (`distantFuture` when
    /// none). A packet that brings a removal earlier files it at once; one
    /// that puts it off (most do) leaves it, and the filed time, when it
    /// comes, files the later one: a heap move per packet cost more.
    private var filed: [Timestamp] = []
    private let shard: Shard?
    /// Segments taken, sessions begun, and the most open at once, for `-v`.
    public private(set) var segments = 0
    public private(set) var sessionsBegun = 0
    public private(set) var peakOpen = 0

    public init(shard: Shard? = nil) {
        self.shard = shard
    }

    /// The earliest time a session is due to be removed, for a live capture's wait.
    public var nextRemoval: Timestamp? { deadlines.earliest }

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
        deadlines.removeAll()
    }

    // MARK: - Private

    private mutating func removeDue(at time: Timestamp, into rows: inout [ZeekRow]) {
        while let due = deadlines.popDue(at: time) {
            let slot = Int(due.slot)
            let removal = reading(slot, \.removal)
            // A later packet may have put the removal off: file it for then.
            guard removal <= due.time else {
                file(slot, at: removal)
                continue
            }
            remove(slot, into: &rows)
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
        deadlines.remove(Int32(slot))
        index.remove(Int32(slot), hash: index.hash(row.originator, row.responder))
        freeSlots.append(slot)
    }

    /// Slots are ids too: equal times come due in slot order, the same on every run.
    private mutating func file(_ slot: Int, at time: Timestamp) {
        filed[slot] = time
        deadlines.schedule(Int32(slot), at: time, id: UInt64(slot))
    }
}
