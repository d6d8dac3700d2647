import Tracker
import Wire

/// The segments of each open connection and the transitions each caused,
/// held until the connection finishes, for the per-connection diagrams.
/// Each history keeps at most `maximumSteps` segments, so memory stays
/// bounded by the connections open at once.
struct ConnectionHistories {
    struct Step {
        var sender: Role
        var segment: TCPSegment
        var transitions: [TransitionEvent] = []
    }

    struct History {
        /// Transitions before the first segment (a mid-stream connection's assumed ESTABLISHED).
        var initial: [TransitionEvent] = []
        var steps: [Step] = []
        /// Segments past the limit, counted, not kept.
        var omitted = 0
        /// Transitions no segment caused: TIME_WAIT running out, port reuse, the end of the capture.
        var closing: [TransitionEvent] = []
    }

    static let maximumSteps = 200
    private var open: [UInt64: History] = [:]

    /// Files the event; returns a connection's record and history when it finishes.
    mutating func record(_ event: ConnectionEvent) -> (ConnectionRecord, History)? {
        switch event {
        case .segment(let segment):
            var history = open[segment.connectionID, default: History()]
            if history.steps.count < Self.maximumSteps {
                history.steps.append(Step(sender: segment.sender, segment: segment.segment))
            } else {
                history.omitted += 1
            }
            open[segment.connectionID] = history
        case .transition(let transition):
            var history = open[transition.connectionID, default: History()]
            if transition.cause == nil {
                history.closing.append(transition)
            } else if history.steps.isEmpty {
                history.initial.append(transition)
            } else if history.omitted == 0, let step = history.steps.lastIndex(where: {
                $0.segment.timestamp == transition.transition.time
            }) {
                // A receiver's change is stamped with the segment that caused
                // it, which may be several steps before the one that proved it:
                // it is drawn beside its cause, as the study note's pictures do.
                history.steps[step].transitions.append(transition)
            } else {
                history.closing.append(transition)
            }
            open[transition.connectionID] = history
        case .finished(let record):
            return (record, open.removeValue(forKey: record.id) ?? History())
        case .anomaly:
            break
        }
        return nil
    }
}
