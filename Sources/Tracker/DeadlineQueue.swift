import Wire

/// When the tracker must next look at each connection, earliest first: a
/// binary min-heap of (capture time, table slot, connection id) with at
/// most one entry per slot. A sweep then touches only the connections that are due, where
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

    // One array of entries: a swap moved three arrays, each checked for
    // uniqueness, and with the close linger's extra refiling the heap was a
    // tenth of a long capture's instructions. Moves go into a hole rather
    // than swapping, and the arrays are written through their buffers.
    private var entries: ContiguousArray<Entry> = []
    /// Where each slot's entry is in the heap, by slot; -1 for none.
    private var positions: ContiguousArray<Int32> = []

    var count: Int { entries.count }

    /// Files `slot`, the connection `id`'s, to come due at `time`, in place of the time it had.
    mutating func schedule(_ slot: Int32, at time: Timestamp, id: UInt64) {
        while positions.count <= Int(slot) { positions.append(-1) }
        let position = Int(positions[Int(slot)])
        if position >= 0 {
            entries[position].time = time
            restore(entries[position], at: position)
        } else {
            entries.append(Entry(time: time, slot: slot, id: id))
            siftUp(entries[entries.count - 1], from: entries.count - 1)
        }
    }

    /// Takes `slot` out of the queue; nothing happens if it was not filed.
    mutating func remove(_ slot: Int32) {
        guard Int(slot) < positions.count, positions[Int(slot)] >= 0 else { return }
        let position = Int(positions[Int(slot)])
        positions[Int(slot)] = -1
        let last = entries.removeLast()
        guard position < entries.count else { return }
        restore(last, at: position)
    }

    /// The earliest time filed, if any.
    var earliest: Timestamp? { entries.first?.time }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(at now: Timestamp) -> Entry? {
        guard let first = entries.first, first.time <= now else { return nil }
        remove(first.slot)
        return first
    }

    mutating func removeAll() {
        entries = []
        positions = []
    }

    /// Puts `entry` where it belongs, starting from the hole at `position`.
    private mutating func restore(_ entry: Entry, at position: Int) {
        if position > 0, entry.precedes(entries[(position - 1) / 2]) {
            siftUp(entry, from: position)
        } else {
            siftDown(entry, from: position)
        }
    }

    private mutating func siftUp(_ entry: Entry, from start: Int) {
        entries.withUnsafeMutableBufferPointer { heap in
            positions.withUnsafeMutableBufferPointer { positions in
                var hole = start
                while hole > 0 {
                    let parent = (hole - 1) / 2
                    guard entry.precedes(heap[parent]) else { break }
                    heap[hole] = heap[parent]
                    positions[Int(heap[hole].slot)] = Int32(hole)
                    hole = parent
                }
                heap[hole] = entry
                positions[Int(entry.slot)] = Int32(hole)
            }
        }
    }

    private mutating func siftDown(_ entry: Entry, from start: Int) {
        entries.withUnsafeMutableBufferPointer { heap in
            positions.withUnsafeMutableBufferPointer { positions in
                var hole = start
                while true {
                    let left = 2 * hole + 1, right = left + 1
                    guard left < heap.count else { break }
                    let child = right < heap.count && heap[right].precedes(heap[left]) ? right : left
                    guard heap[child].precedes(entry) else { break }
                    heap[hole] = heap[child]
                    positions[Int(heap[hole].slot)] = Int32(hole)
                    hole = child
                }
                heap[hole] = entry
                positions[Int(entry.slot)] = Int32(hole)
            }
        }
    }
}
