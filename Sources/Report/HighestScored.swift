/// At most `limit` items: those with the highest scores so far, where an
/// item that arrives scoring no more than the weakest kept is turned away,
/// and among the weakest the earliest goes first. A binary min-heap of
/// (score, arrival): each offer costs O(log limit), where finding the
/// weakest by a scan cost O(limit), 150 s for 1M connections at 100,000.
struct HighestScored<Item> {
    private struct Entry {
        var score: Int
        var arrival: Int
        var item: Item

        func isWeaker(than other: Entry) -> Bool {
            (score, arrival) < (other.score, other.arrival)
        }
    }

    let limit: Int
    private var heap: [Entry] = []
    private var arrivals = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// The items kept, in no particular order.
    var items: [Item] { heap.map(\.item) }

    /// Whether an item with `score` would be kept: ask before making an
    /// item that is costly to make.
    func wouldKeep(score: Int) -> Bool {
        guard limit > 0 else { return false }
        return heap.count < limit || heap[0].score < score
    }

    /// Keeps `item` if `wouldKeep(score:)`, turning away the weakest kept when full.
    mutating func offer(_ item: Item, score: Int) {
        guard wouldKeep(score: score) else { return }
        arrivals += 1
        let entry = Entry(score: score, arrival: arrivals, item: item)
        if heap.count < limit {
            heap.append(entry)
            siftUp(from: heap.count - 1)
        } else {
            heap[0] = entry
            siftDown(from: 0)
        }
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].isWeaker(than: heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var weakest = parent
            if left < heap.count, heap[left].isWeaker(than: heap[weakest]) { weakest = left }
            if right < heap.count, heap[right].isWeaker(than: heap[weakest]) { weakest = right }
            guard weakest != parent else { return }
            heap.swapAt(parent, weakest)
            parent = weakest
        }
    }
}
