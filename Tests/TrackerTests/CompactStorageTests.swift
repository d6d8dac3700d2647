import Testing
@testable import Tracker
import Wire

/// The small containers a connection is packed from.
struct CompactStorageTests {
    @Test func inlineBytesReadBackInOrderPastTheirCapacity() {
        var bytes = InlineBytes<4>()
        for value in UInt8(0)..<10 {
            bytes.append(value * 3)
            #expect(bytes.count == Int(value) + 1)
            #expect((0..<bytes.count).map { bytes[$0] } == (0...value).map { $0 * 3 })
        }
    }

    @Test func compactOptionalsSetAndClearEachValueAlone() {
        var values = CompactOptionals<3, SequenceNumber>(placeholder: SequenceNumber(0))
        #expect([values[0], values[1], values[2]] == [nil, nil, nil])
        values[1] = SequenceNumber(7)
        values[2] = SequenceNumber(0)
        #expect([values[0], values[1], values[2]] == [nil, SequenceNumber(7), SequenceNumber(0)])
        values[1] = nil
        values[0] = SequenceNumber(UInt32.max)
        #expect([values[0], values[1], values[2]] == [SequenceNumber(UInt32.max), nil, SequenceNumber(0)])
    }
}
