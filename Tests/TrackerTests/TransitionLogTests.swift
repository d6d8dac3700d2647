import Testing
@testable import Tracker
import Wire

/// The transition log keeps six changes inline and spills the rest; both
/// parts must read back as one ordered collection.
struct TransitionLogTests {
    static let states: [TCPState] = [.synSent, .synReceived, .established, .finWait1, .closing, .timeWait,
                                     .closed, .synSent, .closed]

    @Test func readsBackEveryTransitionInOrderAcrossTheSpill() {
        var log = TransitionLog()
        var expected: [StateTransition] = []
        for (index, state) in Self.states.enumerated() {
            let transition = StateTransition(time: Timestamp(nanosecondsSinceEpoch: Int64(index) * 1_000),
                                             state: state, inferred: index % 3 == 1, assumed: index == 0)
            log.append(transition)
            expected.append(transition)
            #expect(Array(log) == expected, "after \(index + 1)")
        }
        #expect(log.count == 9)
        #expect(log.last?.state == .closed)
        #expect(log[6] == StateTransition(time: Timestamp(nanosecondsSinceEpoch: 6_000), state: .closed))
    }

    @Test func equalityComparesContents() {
        var first = TransitionLog(), second = TransitionLog()
        #expect(first == second)
        first.append(StateTransition(time: Timestamp(nanosecondsSinceEpoch: 1), state: .synSent))
        #expect(first != second)
        second.append(StateTransition(time: Timestamp(nanosecondsSinceEpoch: 1), state: .synSent, inferred: true))
        #expect(first != second)
    }
}
