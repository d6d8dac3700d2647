import Testing
import TestSupport
@testable import Tracker
import Wire

/// The tracker's timer queue: entries come out earliest first (ties by
/// connection id), only once they are due, and a slot is filed at most once.
struct DeadlineQueueTests {
    static func time(_ nanoseconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: nanoseconds) }

    /// The id of the connection in `slot`: in the reverse order of slots, so
    /// a tie shows which of the two breaks it.
    static func id(of slot: Int32) -> UInt64 { UInt64(10_000 - Int(slot)) }

    /// Everything due at `now`, as (time, slot) pairs in the order popped.
    static func popAll(_ queue: inout DeadlineQueue, at now: Int64) -> [(Int64, Int32)] {
        var popped: [(Int64, Int32)] = []
        while let entry = queue.popDue(at: time(now)) { popped.append((entry.time.nanosecondsSinceEpoch, entry.slot)) }
        return popped
    }

    @Test func popsDueEntriesEarliestFirst() {
        var generator = SeededGenerator(seed: 11)
        var queue = DeadlineQueue()
        var expected: [(Int64, Int32)] = []
        for slot in 0..<1_000 {
            let time = Int64.random(in: 0..<200, using: &generator)
            queue.schedule(Int32(slot), at: Self.time(time), id: Self.id(of: Int32(slot)))
            expected.append((time, Int32(slot)))
        }
        expected.sort { ($0.0, Self.id(of: $0.1)) < ($1.0, Self.id(of: $1.1)) }
        var popped: [(Int64, Int32)] = []
        for now in stride(from: Int64(0), through: 200, by: 50) {
            let due = Self.popAll(&queue, at: now)
            #expect(due.allSatisfy { $0.0 <= now })
            popped += due
        }
        #expect(popped.map(\.0) == expected.map(\.0))
        #expect(popped.map(\.1) == expected.map(\.1))
        #expect(queue.count == 0)
    }

    @Test func nothingIsDueBeforeItsTime() {
        var queue = DeadlineQueue()
        queue.schedule(3, at: Self.time(10), id: Self.id(of: 3))
        #expect(queue.popDue(at: Self.time(9)) == nil)
        #expect(queue.popDue(at: Self.time(10))?.slot == 3)
        #expect(queue.popDue(at: Self.time(.max)) == nil)
    }

    /// A connection whose deadline moves keeps one entry, at its new time,
    /// whether the time moved earlier or later.
    @Test func reschedulingMovesTheSlotsOneEntry() {
        var queue = DeadlineQueue()
        for slot in Int32(0)..<4 { queue.schedule(slot, at: Self.time(100 + Int64(slot)), id: Self.id(of: slot)) }
        queue.schedule(2, at: Self.time(5), id: Self.id(of: 2))
        queue.schedule(0, at: Self.time(500), id: Self.id(of: 0))
        #expect(queue.count == 4)
        #expect(Self.popAll(&queue, at: 1_000).map(\.1) == [2, 1, 3, 0])
        #expect(Self.popAll(&queue, at: 1_000).map(\.0) == [])
    }

    @Test func aRemovedSlotNeverComesDue() {
        var queue = DeadlineQueue()
        for slot in Int32(0)..<6 { queue.schedule(slot, at: Self.time(Int64(slot)), id: Self.id(of: slot)) }
        queue.remove(1)
        queue.remove(4)
        queue.remove(4)
        queue.remove(99)
        #expect(queue.count == 4)
        #expect(Self.popAll(&queue, at: 10).map(\.1) == [0, 2, 3, 5])
    }

    /// Random schedules, reschedules, removals and pops against a plain
    /// dictionary of slot → time: the heap must agree at every pop.
    @Test func agreesWithASimpleModel() {
        var generator = SeededGenerator(seed: 7)
        var queue = DeadlineQueue()
        var model: [Int32: Int64] = [:]
        var now: Int64 = 0
        for _ in 0..<20_000 {
            let slot = Int32.random(in: 0..<300, using: &generator)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                let time = now + Int64.random(in: 0..<1_000, using: &generator)
                queue.schedule(slot, at: Self.time(time), id: Self.id(of: slot))
                model[slot] = time
            case 6..<8:
                queue.remove(slot)
                model[slot] = nil
            default:
                now += Int64.random(in: 0..<100, using: &generator)
                let expected = model.filter { $0.value <= now }.map { ($0.value, $0.key) }
                    .sorted { ($0.0, Self.id(of: $0.1)) < ($1.0, Self.id(of: $1.1)) }
                let popped = Self.popAll(&queue, at: now)
                #expect(popped.map(\.0) == expected.map(\.0))
                #expect(popped.map(\.1) == expected.map(\.1))
                for (_, slot) in expected { model[slot] = nil }
            }
            #expect(queue.count == model.count)
        }
    }
}
