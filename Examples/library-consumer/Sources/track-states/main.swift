import Capture
import Tracker
import Wire

// Reads a capture file and prints each connection's states, both endpoints,
// using handshake's libraries: Capture reads, Wire decodes, Tracker tracks.
guard CommandLine.arguments.count == 2 else { fatalError("usage: track-states CAPTURE") }
let file = try CaptureFile(path: CommandLine.arguments[1])
var tracker = ConnectionTracker()
var events = CollectingSink()
while let packet = try file.nextPacket() {
    let time = Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds)
    guard let segment = try? SegmentDecoder.decode(packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                                                   timestamp: time) else { continue }
    tracker.process(segment, into: &events)
}
tracker.finish(into: &events)
for record in events.records {
    let client = record.clientTransitions.map(\.state.rawValue).joined(separator: " ")
    let server = record.serverTransitions.map(\.state.rawValue).joined(separator: " ")
    print("\(record.client) → \(record.server): client \(client); server \(server)")
}
