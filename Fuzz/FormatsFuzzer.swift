import Assertions
import Capture
import Foundation
import Pipeline
import Report
import Tracker
import Wire

/// libFuzzer entry point for everything after tracking: the bytes become a
/// capture file, its segments are tracked (and followed in Zeek's table,
/// with their payloads), and every format of the registry renders the events; `check` judges them with every rule and writes its
/// JUnit report; `--write-expect`'s file is read back and must match the
/// records it came from. Nothing may trap, and the round trip must hold.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = "/tmp/handshake-formats-fuzz-\(getpid()).pcap"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    var configuration = TrackerConfiguration()
    configuration.reportedEvents = .all
    var tracker = ConnectionTracker(configuration: configuration)
    var sessions = ZeekSessionTracker()
    var rows: [ZeekRow] = []
    var events = CollectingSink()
    if let file = try? CaptureFile(path: path) {
        var segment = TCPSegment.zero
        // A bounded number of packets keeps each run short.
        for _ in 0..<2_000 {
            guard let packet = try? file.nextPacket() else { break }
            let time = Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds)
            do throws(DecodeFailure) {
                try SegmentDecoder.decode(packet.bytes, linkType: LinkType(rawValue: packet.linkType), timestamp: time,
                                          into: &segment)
            } catch {
                continue
            }
            tracker.process(segment, into: &events)
            let start = min(segment.payloadOffset, packet.bytes.count)
            let end = min(packet.bytes.count, start + segment.payloadLength)
            sessions.process(segment, payload: UnsafeRawBufferPointer(rebasing: packet.bytes[start..<end]), into: &rows)
        }
    }
    tracker.finish(into: &events)
    sessions.finish(into: &rows)
    events.events += rows.map { .zeekRow($0) }

    for format in OutputFormat.allCases {
        for options in [RenderingOptions(), RenderingOptions(colors: true, language: .ko, zeekTimers: false)] {
            _ = format.render(events.events, options: options)
        }
    }

    let expectFile = LineBuffer()
    var checker = RuleChecker(rules: Failure.allCases.map(CheckRule.failOn) + [.maximumHandshakeRTT(1_000_000),
                                                                               .expectConnections(1), .expectClose([.fin])],
                              server: nil, expectFile: ExpectFileWriter(to: expectFile))
    var lines = LineBuffer()
    checker.begin(to: &lines)
    for event in events.events { checker.render(event, to: &lines) }
    checker.end(to: &lines)
    let records = events.events.compactMap { event -> ConnectionRecord? in
        if case .finished(let record) = event { record } else { nil }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let encoded = try? encoder.encode(ExpectedConnections(connections: records.map(ExpectedConnections.Connection.init))),
          String(decoding: encoded, as: UTF8.self) + "\n" == expectFile.text else {
        fatalError("a streamed expect file differs from JSONEncoder's text")
    }
    guard let reread = try? JSONDecoder().decode(ExpectedConnections.self, from: Data(expectFile.text.utf8)) else {
        fatalError("an expect file written from records does not read back")
    }
    let comparisons = reread.compare(with: records)
    guard comparisons.allSatisfy(\.holds) else { fatalError("an expect file does not match its own records") }
    let report = CheckReport(verdicts: checker.results, comparisons: comparisons, connections: checker.connections)
    _ = JUnitReport.xml(suite: "handshake check", cases: report.cases, seconds: 0)
    return 0
}
