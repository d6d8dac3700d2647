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

        /// Keeps the segment if there is room (`fits`: the budget has some
        /// left); returns whether it was kept.
        mutating func add(_ segment: SegmentEvent, fits: Bool) -> Bool {
            guard omitted == 0, steps.count < ConnectionHistories.maximumSteps, fits else {
                omitted += 1
                return false
            }
            steps.append(Step(sender: segment.sender, segment: segment.segment, marks: segment.marks))
            return true
        }

        mutating func file(_ transition: TransitionEvent) {
            if transition.cause == nil {
                closing.append(transition)
            } else if steps.isEmpty {
                initial.append(transition)
            } else if omitted == 0, let step = steps.lastIndex(where: {
                $0.segment.timestamp == transition.transition.time
            }) {
                // A receiver's change is stamped with the segment that caused
                // it, which may be several steps before the one that proved it:
                // it is drawn beside its cause, as the study note's pictures do.
                steps[step].transitions.append(transition)
            } else {
                closing.append(transition)
            }
        }
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
    /// Histories are changed in place in the dictionary: taking one out,
    /// appending and putting it back copied its arrays at every segment
    /// (the ladder of 100,000 open connections took 11 s).
    mutating func record(_ event: ConnectionEvent) -> (ConnectionRecord, History)? {
        switch event {
        case .segment(let segment):
            let fits = kept < budget
            let added = open[segment.connectionID, default: History()].add(segment, fits: fits)
            if added { kept += 1 }
        case .transition(let transition):
            // One after the record belongs to a diagram already drawn.
            if !transition.followsRecord { open[transition.connectionID, default: History()].file(transition) }
        case .finished(let record):
            let history = open.removeValue(forKey: record.id) ?? History()
            kept -= history.steps.count
            return (record, history)
        case .anomaly, .zeekRow:
            break
        }
        return nil
    }
}
