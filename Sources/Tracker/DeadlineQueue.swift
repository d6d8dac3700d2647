import Wire

/// When the tracker must next look at a connection, earliest first: a
/// binary min-heap of (capture time, table slot). A sweep then touches only
/// the connections that are due, where visiting every open connection once
/// per second of capture cost more than all the packets of a 200-second
/// capture with 100,000 connections open.
///
/// Entries are hints, not promises: the tracker keeps each connection's
/// latest scheduled time and ignores entries that no longer match it (the
/// connection was rescheduled, or removed and its slot reused).
struct DeadlineQueue {
    struct Entry {
        var time: Timestamp
        var slot: Int32

        /// Earlier first; equal times by slot, so the order is the same on every run.
        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : slot < other.slot
        }
    }

    private var heap: ContiguousArray<Entry> = []

    var count: Int { heap.count }

    mutating func insert(_ time: Timestamp, slot: Int32) {
        heap.append(Entry(time: time, slot: slot))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(at now: Timestamp) -> Entry? {
        guard let first = heap.first, first.time <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var earliest = parent
            if left < heap.count, heap[left].precedes(heap[earliest]) { earliest = left }
            if right < heap.count, heap[right].precedes(heap[earliest]) { earliest = right }
            guard earliest != parent else { return first }
            heap.swapAt(parent, earliest)
            parent = earliest
        }
    }

    mutating func removeAll(keepingCapacity: Bool = false) {
        heap.removeAll(keepingCapacity: keepingCapacity)
    }
}
