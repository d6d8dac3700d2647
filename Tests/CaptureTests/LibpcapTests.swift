import TestSupport
import Foundation
import Testing
@testable import Capture

/// BPF, the pcap writer, link-type names and live-capture errors: the parts
/// that go through libpcap, with libpcap's own words in the errors.
struct LibpcapTests {
    func count(_ path: String, filter expression: String) throws -> Int {
        let file = try CaptureFile(path: path)
        let filter = try PacketFilter(expression: expression, linkType: file.declaredLinkType ?? 1)
        var matched = 0
        while let packet = try file.nextPacket() {
            if try filter.matches(packet) { matched += 1 }
        }
        return matched
    }

    @Test func filterSelectsSYNs() throws {
        // tshark -Y 'tcp.flags.syn == 1' counts 2 in this fixture: the SYN and the SYN-ACK.
        #expect(try count(FixtureFiles.path("ipv4-loopback.pcap"), filter: "tcp[13] & 2 != 0") == 2)
    }

    @Test func filterIsCompiledPerLinkTypeInPcapng() throws {
        // One connection on each interface: port 7001 travelled over the Linux-cooked one.
        #expect(try count(FixtureFiles.path("pcapng-two-link-types.pcapng"), filter: "tcp port 7001") == 11)
        #expect(try count(FixtureFiles.path("pcapng-two-link-types.pcapng"), filter: "tcp port 7000") == 11)
    }

    @Test func badFilterQuotesLibpcap() {
        #expect(throws: CaptureError.badFilter(expression: "tcp and",
                                               reason: "can't parse filter expression: syntax error")) {
            try PacketFilter(expression: "tcp and", linkType: 1)
        }
        #expect(throws: CaptureError.badFilter(expression: "port 99999",
                                               reason: "illegal port number 99999 > 65535")) {
            try PacketFilter(expression: "port 99999", linkType: 1)
        }
    }

    @Test func dumperWritesWhatWasRead() throws {
        let source = FixtureFiles.path("ipv4-loopback.pcap")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).pcap").path
        var originals: [[UInt8]] = []
        do {
            let file = try CaptureFile(path: source)
            let dumper = try PacketDumper(path: output, linkType: 1)
            while let packet = try file.nextPacket() {
                originals.append(Array(packet.bytes))
                try dumper.write(packet)
            }
            try dumper.flush()
        }
        let copy = try CaptureFile(path: output)
        #expect(copy.format == .pcap(nanosecond: true))
        var copies: [[UInt8]] = []
        while let packet = try copy.nextPacket() { copies.append(Array(packet.bytes)) }
        #expect(copies == originals)
    }

    @Test func dumperRefusesAnotherLinkType() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).pcap").path
        let dumper = try PacketDumper(path: output, linkType: 1)
        let bytes: [UInt8] = [0x45]
        bytes.withUnsafeBytes { buffer in
            let packet = CapturedPacket(seconds: 0, nanoseconds: 0, linkType: 113, bytes: buffer, originalLength: 1)
            #expect(throws: CaptureError.writeFailed(
                path: output, reason: "packet of link type LINUX_SLL (Linux cooked v1) cannot go into a file of link type EN10MB (Ethernet)")) {
                try dumper.write(packet)
            }
        }
    }

    @Test func linkTypeNamesComeFromLibpcap() {
        #expect(DataLink.name(of: 127) == "IEEE802_11_RADIO (802.11 plus radiotap header)")
        #expect(DataLink.name(of: 101) == "RAW (Raw IP)")
    }

    @Test func unknownInterface() {
        #expect(throws: CaptureError.noSuchInterface(name: "nosuch0", reason: "No such device exists")) {
            try LiveCapture(interface: "nosuch0")
        }
    }

    @Test func interfaceListIncludesLoopback() throws {
        let loopback = try #require(try NetworkInterface.all().first { $0.name == "lo" })
        #expect(loopback.isLoopback)
        #expect(loopback.statusText.contains("Loopback"))
    }
}
