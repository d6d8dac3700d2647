import Wire

/// Zeek's connection table, for `--format zeek`: every TCP packet joins
/// the session of its address/port pair or creates one, and a session's
/// conn.log row (`ConnectionEvent.zeekRow`) is written when Zeek's timers
/// remove it (`ZeekSession`), so row counts and states are Zeek's. Rows of
/// sessions still open at the end come last, in the order they began.
///
/// It runs beside `ConnectionTracker`, whose connections keep RFC 9293's
/// lifecycle: where Zeek's timers end a connection and the next packet
/// starts another, the tracker sees one connection.
public struct ZeekSessionTracker {
    /// Both endpoints in canonical order: one key for both directions.
    private struct Pair: Hashable {
        let low: Endpoint
        let high: Endpoint

        init(_ a: Endpoint, _ b: Endpoint) {
            if a < b { (low, high) = (a, b) } else { (low, high) = (b, a) }
        }
    }

    private var slots: [Pair: Int] = [:]
    private var sessions: [ZeekSession?] = []
    private var freeSlots: [Int] = []
    /// The removal time on file for each slot; queue entries for other times are stale.
    private var filed: [Timestamp] = []
    /// Removal times, earliest first (a binary heap of time and slot).
    private var queue: [(time: Timestamp, slot: Int)] = []
    private let shard: Shard?
    /// Sessions logged so far.
    public private(set) var rows = 0

    public init(shard: Shard? = nil) {
        self.shard = shard
    }

    /// The earliest time a session is due to be removed, for a live capture's wait.
    public var nextRemoval: Timestamp? { queue.first?.time }

    /// One TCP segment and the payload bytes its packet captured (for `service`).
    public mutating func process(_ segment: TCPSegment, payload: UnsafeRawBufferPointer,
                                 into sink: inout some ConnectionEventSink) {
        if let shard, !shard.owns(hash: FlowHash.symmetric(segment.source, segment.destination)) { return }
        let time = segment.timestamp
        removeDue(at: time, into: &sink)
        let pair = Pair(segment.source, segment.destination)
        var slot = slots[pair]
        if let existing = slot, sessions[existing]?.isReused(by: segment) == true {
            remove(existing, pair: pair, into: &sink)
            slot = nil
        }
        let index = slot ?? insert(ZeekSession(first: segment), pair: pair)
        sessions[index]?.process(segment, payload: payload)
        if let removal = sessions[index]?.removal, removal < filed[index] { file(index, at: removal) }
    }

    /// Lets time pass without a packet: removes the sessions due by `time`.
    public mutating func advance(to time: Timestamp, into sink: inout some ConnectionEventSink) {
        removeDue(at: time, into: &sink)
    }

    /// Logs every session still open, in the order they began, as Zeek does when it terminates.
    public mutating func finish(into sink: inout some ConnectionEventSink) {
        let open = sessions.compactMap { $0 }.sorted { ($0.start, $0.originator) < ($1.start, $1.originator) }
        for session in open {
            rows += 1
            sink.receive(.zeekRow(session.row()))
        }
        slots = [:]
        sessions = []
        freeSlots = []
        filed = []
        queue = []
    }

    // MARK: - Private

    private mutating func removeDue(at time: Timestamp, into sink: inout some ConnectionEventSink) {
        while let first = queue.first, first.time <= time {
            popFirst()
            guard filed[first.slot] == first.time, let session = sessions[first.slot] else { continue }
            // Nothing has changed since it was filed, but a later packet may
            // have moved the removal on: file it again for then.
            let removal = session.removal
            guard removal <= first.time else {
                filed[first.slot] = .distantFuture
                file(first.slot, at: removal)
                continue
            }
            remove(first.slot, pair: Pair(session.originator, session.responder), into: &sink)
        }
    }

    private mutating func insert(_ session: ZeekSession, pair: Pair) -> Int {
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
        slots[pair] = slot
        return slot
    }

    private mutating func remove(_ slot: Int, pair: Pair, into sink: inout some ConnectionEventSink) {
        guard let session = sessions[slot] else { return }
        rows += 1
        sink.receive(.zeekRow(session.row()))
        sessions[slot] = nil
        filed[slot] = .distantFuture
        slots[pair] = nil
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
