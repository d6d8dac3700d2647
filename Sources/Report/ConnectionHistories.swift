import Tracker
import Wire

/// The segments of each open connection and the transitions each caused,
/// held until the connection finishes, for the per-connection diagrams.
/// Each history keeps at most `maximumSteps` segments, and all of them
/// together at most `budget`: a connection that meets either limit keeps
/// no more (its diagram says how many it left out), and what a finished
/// connection held is free for others. Memory stays bounded whatever the
/// number of connections open at once.
struct ConnectionHistories {
    struct Step {
        var sender: Role
        var segment: TCPSegment
        /// tshark's analysis of it: retransmission, duplicate ACK, ….
        var marks: SegmentMarks = []
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
    /// Segments kept across all open connections: about 200 bytes each
    /// with their transitions, so some 50 MiB. 10,000 open connections took
    /// 539 MB before there was one.
    static let defaultBudget = 262_144
    private let budget: Int
    private var kept = 0
    private var open: [UInt64: History] = [:]

    init(budget: Int = Self.defaultBudget) {
        self.budget = budget
    }

    /// Files the event; returns a connection's record and history when it finishes.
    mutating func record(_ event: ConnectionEvent) -> (ConnectionRecord, History)? {
        switch event {
        case .segment(let segment):
            var history = open[segment.connectionID, default: History()]
            if history.omitted == 0, history.steps.count < Self.maximumSteps, kept < budget {
                history.steps.append(Step(sender: segment.sender, segment: segment.segment, marks: segment.marks))
                kept += 1
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
            let history = open.removeValue(forKey: record.id) ?? History()
            kept -= history.steps.count
            return (record, history)
        case .anomaly:
            break
        }
        return nil
    }
}
