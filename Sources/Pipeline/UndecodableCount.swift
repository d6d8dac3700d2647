import Capture
import Report
import Wire

/// Decodes packets, counting those that looked like TCP/IP but whose
/// headers were cut short or lied. Other protocols are not counted: a
/// capture is full of them.
struct UndecodableCount {
    private var counts: [String: Int] = [:]
    /// Packets of other protocols and later fragments: not reported, only counted.
    private(set) var notTCP = 0
    /// Packets counted in `counts`.
    private(set) var malformed = 0
    /// The UDP ports read as tunnels.
    let tunnelPorts: TunnelPorts

    init(tunnelPorts: TunnelPorts) {
        self.tunnelPorts = tunnelPorts
    }

    /// Decodes `packet` into `segment`; false if it holds no TCP segment.
    mutating func decode(_ packet: CapturedPacket, into segment: inout TCPSegment) -> Bool {
        do throws(DecodeFailure) {
            try SegmentDecoder.decode(packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                                      timestamp: Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds),
                                      wireLength: packet.originalLength, tunnelPorts: tunnelPorts, into: &segment)
            return true
        } catch {
            switch error {
            case .truncated, .malformed, .unsupportedLinkType:
                counts[error.description, default: 0] += 1
                malformed += 1
            case .notIP, .notTCP, .laterFragment: notTCP += 1
            }
            return false
        }
    }

    func report() {
        for (reason, count) in counts.sorted(by: { $0.key < $1.key }) {
            Diagnostics.say(counted(count, "packet") + " not decoded: \(reason)")
        }
    }
}
