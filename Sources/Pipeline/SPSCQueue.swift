import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded queue between exactly one producing thread and one consuming
/// thread, without locks: each side owns one index and publishes it with a
/// release store the other side reads with an acquire load. A full queue
/// makes the producer wait, an empty one the consumer: spinning briefly,
/// then yielding, then sleeping in short steps, so a side that waits long
/// (the merger while the trackers work) costs next to nothing.
final class SPSCQueue<Element>: @unchecked Sendable {
    private let capacity: Int
    private let slots: UnsafeMutablePointer<Element?>
    /// The next slot to read; written by the consumer only.
    private let head = Atomic<Int>(0)
    /// The next slot to write; written by the producer only.
    private let tail = Atomic<Int>(0)

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    /// Producer: appends `element`, waiting while the queue is full.
    func push(_ element: Element) {
        let position = tail.load(ordering: .relaxed)
        var backoff = Backoff()
        while position - head.load(ordering: .acquiring) == capacity { backoff.wait() }
        slots[position % capacity] = element
        tail.store(position + 1, ordering: .releasing)
    }

    /// Producer: appends `element` if there is room; false at once if not.
    func tryPush(_ element: Element) -> Bool {
        let position = tail.load(ordering: .relaxed)
        guard position - head.load(ordering: .acquiring) < capacity else { return false }
        slots[position % capacity] = element
        tail.store(position + 1, ordering: .releasing)
        return true
    }

    /// Consumer: the oldest element, or nil at once if there is none.
    func pop() -> Element? {
        let position = head.load(ordering: .relaxed)
        guard tail.load(ordering: .acquiring) != position else { return nil }
        let element = slots[position % capacity].take()
        head.store(position + 1, ordering: .releasing)
        return element
    }

    /// Consumer: the oldest element, waiting for one.
    func popWaiting() -> Element {
        var backoff = Backoff()
        while true {
            if let element = pop() { return element }
            backoff.wait()
        }
    }
}

/// How a thread waits for another: a few spins, then yields, then sleeps of 50 µs.
struct Backoff {
    private var rounds = 0

    mutating func wait() {
        rounds += 1
        if rounds < 64 { return }
        if rounds < 128 {
            sched_yield()
        } else {
            usleep(50)
        }
    }
}
