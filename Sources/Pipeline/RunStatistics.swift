import Capture
import Report

/// What a run counted, for the end of a run on stderr: libpcap's counts
/// of a live capture, as tcpdump prints them, and handshake's own. As
/// text (tcpdump's lines, live capture only) or, for scripts, as one JSON
/// object (`--stats json`), files included.
public struct RunStatistics: Equatable, Sendable {
    /// How the counts are written.
    public enum Format: String, CaseIterable, Sendable {
        case text, json
    }

    /// Packets that passed the filter and `-c`: tcpdump's "packets captured".
    public var packetsCaptured = 0
    /// libpcap's counters (received by filter, dropped by kernel and by
    /// interface); nil when reading files.
    public var kernel: LiveCapture.Statistics?
    /// Packets that held a TCP segment that was decoded.
    public var tcpSegments = 0
    /// Packets of other protocols, and IP fragments after the first.
    public var notTCP = 0
    /// Packets that looked like TCP/IP but whose headers were cut short or lied.
    public var malformed = 0
    /// Connections tracked; nil for `--format segments`, which tracks none.
    public var connections: Int?

    public init() {}

    /// handshake's counts of a run; the capture's are added at its end (`counted(by:)`).
    init(tcpSegments: Int, undecodable: UndecodableCount, connections: Int?) {
        self.tcpSegments = tcpSegments
        notTCP = undecodable.notTCP
        malformed = undecodable.malformed
        self.connections = connections
    }

    /// These counts with what the packet source counted.
    func counted(by source: PacketSource.Counts) -> RunStatistics {
        var statistics = self
        statistics.packetsCaptured = source.delivered
        statistics.kernel = source.kernel
        return statistics
    }

    /// Writes the counts on stderr in `format`.
    func report(as format: Format) {
        switch format {
        case .text:
            guard let kernel else { return }
            Diagnostics.say("\(packetsCaptured) packets captured")
            Diagnostics.say("\(kernel.received) packets received by filter")
            Diagnostics.say("\(kernel.droppedByKernel) packets dropped by kernel")
            if kernel.droppedByInterface > 0 { Diagnostics.say("\(kernel.droppedByInterface) packets dropped by interface") }
        case .json:
            Diagnostics.sayVerbatim(jsonLine)
        }
    }

    /// One JSON object; libpcap's fields are null when reading files.
    public var jsonLine: String {
        func number(_ value: (some BinaryInteger)?) -> String { value.map { "\($0)" } ?? "null" }
        return "{\"packets_captured\":\(packetsCaptured)"
            + ",\"received_by_filter\":\(number(kernel?.received))"
            + ",\"dropped_by_kernel\":\(number(kernel?.droppedByKernel))"
            + ",\"dropped_by_interface\":\(number(kernel?.droppedByInterface))"
            + ",\"tcp_segments\":\(tcpSegments),\"not_tcp\":\(notTCP),\"malformed\":\(malformed)"
            + ",\"connections\":\(number(connections))}"
    }
}
