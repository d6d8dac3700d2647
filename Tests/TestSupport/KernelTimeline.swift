import Foundation

/// The kernel's own timeline of each socket in a capture (`NAME.kernel.json`,
/// written by Fixtures/record or Fixtures/live-agreement from the tracepoint
/// `sock:inet_sock_set_state`), and its comparison with what handshake reported.
public struct KernelTimeline: Decodable, Sendable {
    public struct State: Decodable, Sendable {
        public var state: String
        /// On the capture's clock; nil where the kernel logs no time for it (`why` says why).
        public var t: Double?
        public var why: String?
        /// False for a change nothing on the wire can show (an orphan's FIN_WAIT_2 timer).
        public var on_wire: Bool?
    }

    public struct Socket: Decodable, Sendable {
        public var local: String
        public var peer: String
        public var states: [State]
    }

    public var sockets: [Socket]

    public static func load(_ url: URL) throws -> KernelTimeline {
        try JSONDecoder().decode(KernelTimeline.self, from: Data(contentsOf: url))
    }
}

/// One endpoint as handshake reported it: its address, its peer's, and its transitions.
public struct ReportedEndpoint: Sendable {
    public var local: String
    public var peer: String
    /// When its connection was first seen: orders the connections of a reused pair.
    public var firstSeen: Double
    public var transitions: [(state: String, time: Double)]

    public init(local: String, peer: String, firstSeen: Double, transitions: [(state: String, time: Double)]) {
        self.local = local
        self.peer = peer
        self.firstSeen = firstSeen
        self.transitions = transitions
    }
}

/// Every kernel socket matched with the endpoint handshake reported for it,
/// state by state, time by time; the figures the README quotes.
public struct TimelineComparison: Sendable {
    /// How far a transition's time may be from the kernel's.
    public static let tolerance = 0.001

    public private(set) var endpoints = 0
    public private(set) var transitions = 0
    /// Seconds between handshake's time and the kernel's, for each timed transition.
    public private(set) var errors: [Double] = []
    /// Kernel changes nothing on the wire can show, left out of the sequences.
    public private(set) var offWire = 0
    public private(set) var differences: [String] = []

    public init() {}

    /// Compares each kernel socket with the reported endpoint of the same
    /// address pair; a reused pair's sockets and connections are matched in order.
    public mutating func compare(_ timeline: KernelTimeline, with reported: [ReportedEndpoint], context: String) {
        var remaining = reported.sorted { $0.firstSeen < $1.firstSeen }
        for socket in timeline.sockets {
            guard let index = remaining.firstIndex(where: { $0.local == socket.local && $0.peer == socket.peer }) else {
                differences.append("\(context): handshake reported no endpoint \(socket.local) → \(socket.peer)")
                continue
            }
            compare(socket, remaining.remove(at: index), context: "\(context) \(socket.local) → \(socket.peer)")
        }
    }

    private mutating func compare(_ socket: KernelTimeline.Socket, _ endpoint: ReportedEndpoint, context: String) {
        let kernel = socket.states.filter { $0.on_wire != false }
        offWire += socket.states.count - kernel.count
        endpoints += 1
        let kernelStates = kernel.map(\.state)
        let reportedStates = endpoint.transitions.map(\.state)
        guard kernelStates == reportedStates else {
            differences.append("\(context): kernel \(kernelStates.joined(separator: " ")), "
                               + "handshake \(reportedStates.joined(separator: " "))")
            return
        }
        transitions += kernel.count
        for (state, transition) in zip(kernel, endpoint.transitions) {
            guard let t = state.t else { continue }
            let error = abs(transition.time - t)
            errors.append(error)
            if error > Self.tolerance {
                differences.append(String(format: "%@: %@ at %.6f, the kernel's at %.6f (%.3f ms apart)",
                                          context, state.state, transition.time, t, error * 1000))
            }
        }
    }

    /// "N endpoints, M transitions (T timed): error median … p99 … max … µs".
    public var summary: String {
        let sorted = errors.sorted()
        func percentile(_ p: Double) -> Int {
            sorted.isEmpty ? 0 : Int((sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))] * 1e6).rounded())
        }
        return "\(endpoints) endpoints, \(transitions) transitions compared (\(errors.count) timed, "
            + "\(offWire) off the wire left out): time error median \(percentile(0.5)) µs, "
            + "p99 \(percentile(0.99)) µs, max \(Int(((sorted.last ?? 0) * 1e6).rounded())) µs"
    }
}
