import Testing
import TestSupport
@testable import Tracker
import Wire

/// The open-addressing index under the connection table: removal moves
/// entries back into the gap, which is where linear probing goes wrong.
struct FlowIndexTests {
    /// Random inserts and removals with hashes crowded onto a few home
    /// positions (some at the end of the array, so runs wrap around),
    /// checked after every step against a dictionary.
    @Test func findsEverySlotAfterRandomInsertsAndRemovals() {
        var generator = SeededGenerator(seed: 7)
        var index = FlowIndex()
        var model: [Int32: UInt32] = [:]
        let hashes: [UInt32] = [0, 1, 1, 2, 13, 14, 15, 15, 31, 63, 0x1_0000_000F]
            .map { UInt32(truncatingIfNeeded: $0) }
        for step in 0..<4_000 {
            if model.count < 40, model.isEmpty || Bool.random(using: &generator) {
                let slot = Int32(step)
                let hash = hashes.randomElement(using: &generator)!
                index.insert(slot, hash: hash)
                model[slot] = hash
            } else {
                let (slot, hash) = model.randomElement(using: &generator)!
                index.remove(slot, hash: hash)
                model[slot] = nil
            }
            #expect(index.count == model.count)
            for (slot, hash) in model {
                #expect(index.slot(hash: hash) { $0 == slot } == slot, "step \(step): slot \(slot) lost")
            }
        }
        for (slot, hash) in model { index.remove(slot, hash: hash) }
        #expect(index.count == 0)
        #expect(index.slot(hash: 15) { _ in true } == nil)
    }

    @Test func hashIsTheSameInBothDirections() {
        let index = FlowIndex()
        let client = Endpoint(address: IPAddress("10.0.0.1")!, port: 51514)
        let server = Endpoint(address: IPAddress("10.0.0.2")!, port: 80)
        #expect(index.hash(client, server) == index.hash(server, client))
        #expect(index.hash(client, server) != index.hash(client, Endpoint(address: server.address, port: 81)))
    }
}
