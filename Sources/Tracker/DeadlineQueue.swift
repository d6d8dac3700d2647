import Wire

/// When the tracker must next look at each connection, earliest first: a
/// binary min-heap of (capture time, table slot) with at most one entry per
/// slot. A sweep then touches only the connections that are due, where
/// visiting every open connection once per second of capture cost more than
/// all the packets of a 200-second capture with 100,000 connections open.
///
/// Each slot's place in the heap is kept beside it, so a connection whose
/// deadline moves is moved, not filed again: a queue that left the old
/// entries behind held two or three per connection (opening, closing,
/// TIME_WAIT), and with 100,000 open that was 40 bytes each.
struct DeadlineQueue {
    struct Entry {
        var time: Timestamp
        var slot: Int32
        /// The connection's id.
        var id: UInt64

        /// Earlier first; equal times by connection id, so the order is the
        /// same on every run, and the same when the connections are split
        /// between trackers (`ParallelAnalysis` merges their timers' events
        /// by time and id).
        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : id < other.id
        }
    }

    // The heap's entries as three arrays, not one of `Entry`: an entry then
    // takes 20 bytes, not 24 (8 of time, 4 of slot, 8 of id, 4 of padding).
    private var times: ContiguousArray<Timestamp> = []
    private var slots: ContiguousArray<Int32> = []
    private var ids: ContiguousArray<UInt64> = []
    /// Where each slot's entry is in the heap, by slot; -1 for none.
    private var positions: ContiguousArray<Int32> = []

    var count: Int { times.count }

    /// Files `slot`, the connection `id`'s, to come due at `time`, in place of the time it had.
    mutating func schedule(_ slot: Int32, at time: Timestamp, id: UInt64) {
        while positions.count <= Int(slot) { positions.append(-1) }
        let position = Int(positions[Int(slot)])
        if position >= 0 {
            times[position] = time
            restore(at: position)
        } else {
            times.append(time)
            slots.append(slot)
            ids.append(id)
            positions[Int(slot)] = Int32(times.count - 1)
            siftUp(times.count - 1)
        }
    }

    /// Takes `slot` out of the queue; nothing happens if it was not filed.
    mutating func remove(_ slot: Int32) {
        guard Int(slot) < positions.count, positions[Int(slot)] >= 0 else { return }
        let position = Int(positions[Int(slot)])
        positions[Int(slot)] = -1
        let lastTime = times.removeLast(), lastSlot = slots.removeLast(), lastID = ids.removeLast()
        guard position < times.count else { return }
        times[position] = lastTime
        slots[position] = lastSlot
        ids[position] = lastID
        positions[Int(lastSlot)] = Int32(position)
        restore(at: position)
    }

    /// The earliest time filed, if any.
    var earliest: Timestamp? { times.first }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(at now: Timestamp) -> Entry? {
        guard let time = times.first, time <= now else { return nil }
        let first = Entry(time: time, slot: slots[0], id: ids[0])
        remove(first.slot)
        return first
    }

    mutating func removeAll() {
        times = []
        slots = []
        ids = []
        positions = []
    }

    /// Moves the entry at `position`, whose time changed, to where it belongs.
    private mutating func restore(at position: Int) {
        if position > 0, precedes(position, (position - 1) / 2) {
            siftUp(position)
        } else {
            siftDown(position)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(child, parent) else { break }
            swapEntries(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var earliest = parent
            if left < times.count, precedes(left, earliest) { earliest = left }
            if right < times.count, precedes(right, earliest) { earliest = right }
            guard earliest != parent else { return }
            swapEntries(parent, earliest)
            parent = earliest
        }
    }

    /// Whether the entry at heap position `first` comes out before the one at `second`.
    private func precedes(_ first: Int, _ second: Int) -> Bool {
        times[first] != times[second] ? times[first] < times[second] : ids[first] < ids[second]
    }

    private mutating func swapEntries(_ first: Int, _ second: Int) {
        times.swapAt(first, second)
        slots.swapAt(first, second)
        ids.swapAt(first, second)
        positions[Int(slots[first])] = Int32(first)
        positions[Int(slots[second])] = Int32(second)
    }
}
