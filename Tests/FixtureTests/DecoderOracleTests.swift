import Capture
import TestSupport
import Foundation
import Testing
import Wire

/// Every TCP segment of every fixture, decoded by Capture and Wire, matches
/// tshark's reading of the same file field by field. The oracle files were
/// written by `Fixtures/record` with the tshark command on their first line.
struct DecoderOracleTests {
    /// Every capture in Fixtures/ that has a tshark reading beside it.
    static let captures: [String] = (try? FileManager.default.contentsOfDirectory(atPath: FixtureFiles.directory.path))?
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted() ?? []

    /// One row of tshark's fields, in the order the oracle header names them.
    struct OracleRow: Equatable, CustomStringConvertible {
        var time, source, sourcePort, destination, destinationPort, flags, sequence, acknowledgment: String
        var window, length, mss, windowScale, timestampValue: String

        init(tsv line: Substring) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            time = f[0]
            source = f[1].isEmpty ? f[2] : f[1]
            sourcePort = f[3]
            destination = f[4].isEmpty ? f[5] : f[4]
            destinationPort = f[6]
            flags = f[7]
            sequence = f[8]
            acknowledgment = f[9]
            window = f[10]
            length = f[11]
            mss = f[12]
            windowScale = f[13]
            timestampValue = f[14]
        }

        init(_ segment: TCPSegment) {
            time = segment.timestamp.formatted(fractionDigits: 9)
            source = segment.source.address.description
            sourcePort = String(segment.source.port)
            destination = segment.destination.address.description
            destinationPort = String(segment.destination.port)
            flags = "0x" + String(repeating: "0", count: 4 - String(segment.flags.rawValue, radix: 16).count)
                + String(segment.flags.rawValue, radix: 16)
            sequence = String(segment.sequence.rawValue)
            acknowledgment = String(segment.acknowledgment.rawValue)
            window = String(segment.window)
            length = String(segment.payloadLength)
            mss = segment.options.maximumSegmentSize.map { String($0) } ?? ""
            windowScale = segment.options.windowScale.map { String($0) } ?? ""
            timestampValue = segment.options.timestamps.map { String($0.value) } ?? ""
        }

        var description: String {
            "\(time) \(source).\(sourcePort) > \(destination).\(destinationPort) \(flags) seq \(sequence) "
                + "ack \(acknowledgment) win \(window) len \(length) mss \(mss) ws \(windowScale) ts \(timestampValue)"
        }
    }

    @Test func fixturesArePresent() {
        #expect(Self.captures.count >= 16)
    }

    @Test(arguments: captures)
    func decodedSegmentsMatchTshark(capture: String) throws {
        let oracleName = capture.split(separator: ".").dropLast().joined(separator: ".") + ".tshark.tsv"
        let oracle = try String(contentsOfFile: FixtureFiles.path(oracleName), encoding: .utf8)
            .split(separator: "\n").dropFirst(2).map(OracleRow.init(tsv:))

        let file = try CaptureFile(path: FixtureFiles.path(capture))
        var decoded: [OracleRow] = []
        while let packet = try file.nextPacket() {
            let segment = try SegmentDecoder.decode(
                packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                timestamp: Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds))
            decoded.append(OracleRow(segment))
        }
        #expect(decoded.count == oracle.count)
        #expect(oracle.count >= 2)
        for (ours, theirs) in zip(decoded, oracle) {
            #expect(ours == theirs)
        }
    }
}
