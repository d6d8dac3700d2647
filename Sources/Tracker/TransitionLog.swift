import Wire

/// One endpoint's state changes, in order: a collection of
/// `StateTransition`. The first six are stored in the log itself, which
/// covers an endpoint's whole life (CLOSED → SYN_SENT → ESTABLISHED →
/// FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT → CLOSED is six changes), so a
/// connection needs no heap for them and a change costs no allocation or
/// uniqueness check. Only longer lives (simultaneous open and close, or
/// hostile input) spill into an array.
public struct TransitionLog: RandomAccessCollection, Sendable {
    static let inlineCapacity = 6

    /// The rest of a transition beside its time: three bytes, not eight.
    private struct Mark {
        var state: TCPState
        var inferred: Bool
        var assumed: Bool
    }

    private var times = InlineArray<6, Timestamp>(repeating: Timestamp(nanosecondsSinceEpoch: 0))
    private var marks = InlineArray<6, Mark>(repeating: Mark(state: .closed, inferred: false, assumed: false))
    private var inlineCount: UInt8 = 0
    private var spilled: [StateTransition] = []

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(inlineCount) + spilled.count }

    public subscript(position: Int) -> StateTransition {
        guard position < Int(inlineCount) else { return spilled[position - Int(inlineCount)] }
        let mark = marks[position]
        return StateTransition(time: times[position], state: mark.state, inferred: mark.inferred,
                               assumed: mark.assumed)
    }

    mutating func append(_ transition: StateTransition) {
        let position = Int(inlineCount)
        guard position < Self.inlineCapacity, spilled.isEmpty else { return spilled.append(transition) }
        times[position] = transition.time
        marks[position] = Mark(state: transition.state, inferred: transition.inferred, assumed: transition.assumed)
        inlineCount += 1
    }
}

extension TransitionLog: Equatable {
    public static func == (lhs: TransitionLog, rhs: TransitionLog) -> Bool { lhs.elementsEqual(rhs) }
}
