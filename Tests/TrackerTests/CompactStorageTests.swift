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

    enum Place: Int { case first, second, third }

    @Test func compactOptionalsSetAndClearEachValueAlone() {
        var values = CompactOptionals<3, Place, SequenceNumber>(placeholder: SequenceNumber(0))
        #expect([values[.first], values[.second], values[.third]] == [nil, nil, nil])
        values[.second] = SequenceNumber(7)
        values[.third] = SequenceNumber(0)
        #expect([values[.first], values[.second], values[.third]] == [nil, SequenceNumber(7), SequenceNumber(0)])
        values[.second] = nil
        values[.first] = SequenceNumber(UInt32.max)
        #expect([values[.first], values[.second], values[.third]] == [SequenceNumber(UInt32.max), nil, SequenceNumber(0)])
    }
}
