import Testing
import TestSupport
@testable import Tracker
import Wire

/// The tracker's timer queue: entries come out earliest first (ties by
/// slot), and only once they are due.
struct DeadlineQueueTests {
    @Test func popsDueEntriesEarliestFirst() {
        var generator = SeededGenerator(seed: 11)
        var queue = DeadlineQueue()
        var expected: [(Int64, Int32)] = []
        for slot in 0..<1_000 {
            let time = Int64.random(in: 0..<200, using: &generator)
            queue.insert(Timestamp(nanosecondsSinceEpoch: time), slot: Int32(slot))
            expected.append((time, Int32(slot)))
        }
        expected.sort { $0 < $1 }
        var popped: [(Int64, Int32)] = []
        for now in stride(from: Int64(0), through: 200, by: 50) {
            while let entry = queue.popDue(at: Timestamp(nanosecondsSinceEpoch: now)) {
                #expect(entry.time.nanosecondsSinceEpoch <= now)
                popped.append((entry.time.nanosecondsSinceEpoch, entry.slot))
            }
        }
        #expect(popped.map(\.0) == expected.map(\.0))
        #expect(popped.map(\.1) == expected.map(\.1))
        #expect(queue.count == 0)
    }

    @Test func nothingIsDueBeforeItsTime() {
        var queue = DeadlineQueue()
        queue.insert(Timestamp(nanosecondsSinceEpoch: 10), slot: 3)
        #expect(queue.popDue(at: Timestamp(nanosecondsSinceEpoch: 9)) == nil)
        #expect(queue.popDue(at: Timestamp(nanosecondsSinceEpoch: 10))?.slot == 3)
        #expect(queue.popDue(at: Timestamp(nanosecondsSinceEpoch: .max)) == nil)
    }
}
