import Testing
import Tracker

/// `TCPState.next(on:)` against RFC 9293's table, written out here on its
/// own: every state × event pair, so a row added, dropped or changed in the
/// implementation fails exactly the pairs it touches.
struct StateTableTests {
    /// The pairs that move a state (§3.3.2's figure 5, with the RST and
    /// timer rows of §3.10.7); every pair not listed must not move it.
    static let moves: [String: TCPState] = [
        "CLOSED sendSYN": .synSent,
        "LISTEN sendSYN": .synSent,
        "LISTEN sendSYNACK": .synReceived,
        "SYN_SENT receiveSYNACK": .established,
        "SYN_SENT receiveSYN": .synReceived,
        "SYN_RECEIVED receiveACKOfSYN": .established,
        "SYN_RECEIVED receiveSYNACK": .established,
        "SYN_RECEIVED sendFIN": .finWait1,
        "SYN_RECEIVED receiveFIN": .closeWait,
        "ESTABLISHED sendFIN": .finWait1,
        "ESTABLISHED receiveFIN": .closeWait,
        "FIN_WAIT_1 receiveACKOfFIN": .finWait2,
        "FIN_WAIT_1 receiveFIN": .closing,
        "FIN_WAIT_2 receiveFIN": .timeWait,
        "CLOSE_WAIT sendFIN": .lastAck,
        "CLOSING receiveACKOfFIN": .timeWait,
        "LAST_ACK receiveACKOfFIN": .closed,
        "TIME_WAIT timeWaitExpired": .closed,
        "TIME_WAIT portReused": .closed,
    ].merging(
        // An acceptable RST, sent or received, closes every state but CLOSED.
        TCPState.allCases.filter { $0 != .closed }.flatMap { state in
            ["sendRST", "receiveRST"].map { ("\(state.rawValue) \($0)", TCPState.closed) }
        },
        uniquingKeysWith: { first, _ in first })

    @Test(arguments: TCPState.allCases, EndpointEvent.allCases)
    func everyPair(state: TCPState, event: EndpointEvent) {
        let pair = "\(state.rawValue) \(event)"
        #expect(state.next(on: event) == Self.moves[pair], "\(pair)")
    }

    /// The table above names real events and states, so no row of it is dead.
    @Test func everyListedPairExists() {
        let pairs = Set(TCPState.allCases.flatMap { state in EndpointEvent.allCases.map { "\(state.rawValue) \($0)" } })
        #expect(Set(Self.moves.keys).isSubset(of: pairs))
        #expect(Self.moves.count == 19 + 2 * 10)
    }
}
