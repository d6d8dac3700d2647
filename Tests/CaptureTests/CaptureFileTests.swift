import TestSupport
import Foundation
import Testing
@testable import Capture

/// Reading pcap and pcapng files, checked against the recorded fixtures;
/// the packet counts and link types are those tshark and capinfos report.
struct CaptureFileTests {
    func readAll(_ path: String) throws -> [(seconds: Int64, nanoseconds: Int64, linkType: UInt32, length: Int)] {
        let file = try CaptureFile(path: path)
        var packets: [(Int64, Int64, UInt32, Int)] = []
        while let packet = try file.nextPacket() {
            packets.append((packet.seconds, packet.nanoseconds, packet.linkType, packet.bytes.count))
        }
        return packets
    }

    @Test func microsecondPcap() throws {
        let file = try CaptureFile(path: FixtureFiles.path("ipv4-loopback.pcap"))
        #expect(file.format == .pcap(nanosecond: false))
        #expect(file.declaredLinkType == 1)
        let packets = try readAll(FixtureFiles.path("ipv4-loopback.pcap"))
        #expect(packets.count == 11)
        #expect(packets.allSatisfy { $0.nanoseconds % 1000 == 0 })
    }

    @Test func nanosecondPcap() throws {
        let file = try CaptureFile(path: FixtureFiles.path("ipv6-loopback.pcap"))
        #expect(file.format == .pcap(nanosecond: true))
        let first = try #require(try readAll(FixtureFiles.path("ipv6-loopback.pcap")).first)
        // tshark (ipv6-loopback.tshark.tsv): 1796135854.177295628
        #expect(first.seconds == 1_796_135_854)
        #expect(first.nanoseconds == 177_295_628)
    }

    @Test func pcapngWithTwoLinkTypes() throws {
        let path = FixtureFiles.path("pcapng-two-link-types.pcapng")
        #expect(try CaptureFile(path: path).format == .pcapng)
        let packets = try readAll(path)
        // capinfos: interface 0 Ethernet (11 packets), interface 1 Linux cooked v1 (11 packets).
        #expect(packets.count == 22)
        #expect(packets.filter { $0.linkType == 1 }.count == 11)
        #expect(packets.filter { $0.linkType == 113 }.count == 11)
    }

    @Test func bigEndianPcapReadsLikeLittleEndian() throws {
        let original = try FixtureFiles.bytes("ipv4-loopback.pcap")
        let swapped = try FixtureFiles.temporary(Self.byteSwappedPcap(original))
        let expected = try readAll(FixtureFiles.path("ipv4-loopback.pcap"))
        let actual = try readAll(swapped)
        #expect(actual.map(\.seconds) == expected.map(\.seconds))
        #expect(actual.map(\.nanoseconds) == expected.map(\.nanoseconds))
        #expect(actual.map(\.length) == expected.map(\.length))
    }

    /// The same capture as a big-endian writer would have written it: every
    /// header field swapped, packet bytes untouched.
    static func byteSwappedPcap(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        func swap(_ offset: Int, _ width: Int) { bytes[offset..<offset + width].reverse() }
        swap(0, 4); swap(4, 2); swap(6, 2)
        for offset in stride(from: 8, to: 24, by: 4) { swap(offset, 4) }
        var record = 24
        while record + 16 <= bytes.count {
            let captured = Int(bytes[record + 8]) | Int(bytes[record + 9]) << 8 | Int(bytes[record + 10]) << 16
            for field in stride(from: record, to: record + 16, by: 4) { swap(field, 4) }
            record += 16 + captured
        }
        return Data(bytes)
    }

    @Test func missingFile() {
        #expect(throws: CaptureError.cannotOpen(path: "/nonexistent/x.pcap", reason: "No such file or directory")) {
            try CaptureFile(path: "/nonexistent/x.pcap")
        }
    }

    @Test func directory() {
        #expect(throws: CaptureError.cannotOpen(path: "/tmp", reason: "it is a directory")) {
            try CaptureFile(path: "/tmp")
        }
    }

    @Test func emptyFile() throws {
        let path = try FixtureFiles.temporary(Data())
        #expect(throws: CaptureError.notACapture(path: path, reason: "the file is empty")) {
            try CaptureFile(path: path)
        }
    }

    @Test func textFile() throws {
        let path = try FixtureFiles.temporary(Data("hello world\n".utf8))
        #expect(throws: CaptureError.notACapture(path: path, reason: "unknown magic 0x68656c6c")) {
            try CaptureFile(path: path)
        }
    }

    @Test func gzipFileGetsAHint() throws {
        let path = try FixtureFiles.temporary(Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0]))
        #expect(throws: CaptureError.notACapture(
            path: path, reason: "it is gzip-compressed (magic 0x1f8b0800); decompress it first")) {
            try CaptureFile(path: path)
        }
    }

    @Test func truncatedLastRecordYieldsEverythingBeforeIt() throws {
        let original = try FixtureFiles.bytes("ipv4-loopback.pcap")
        let path = try FixtureFiles.temporary(original.prefix(original.count - 10))
        let file = try CaptureFile(path: path)
        var read = 0
        // The last record starts at 963 - (16 + 66) = 881.
        #expect(throws: CaptureError.truncated(path: path, offset: 881, packetsRead: 10)) {
            while try file.nextPacket() != nil { read += 1 }
        }
        #expect(read == 10)
    }

    @Test func truncatedFileHeader() throws {
        let path = try FixtureFiles.temporary(try FixtureFiles.bytes("ipv4-loopback.pcap").prefix(10))
        #expect(throws: CaptureError.notACapture(path: path, reason: "the pcap file header is cut short")) {
            try CaptureFile(path: path)
        }
    }

    /// Before: a fraction of a second or more in one record ended the read as
    /// corrupt. tcpdump and tshark read on; the excess is carried into the
    /// seconds, counted, and every record after it is read.
    @Test(arguments: [("ipv4-loopback.pcap", UInt32(1_500_000), Int64(500_000_000)),
                      ("ipv6-loopback.pcap", UInt32(3_000_000_007), Int64(7))])
    func aFractionOfASecondOrMoreIsCarried(fixture: String, fraction: UInt32, nanoseconds: Int64) throws {
        var bytes = [UInt8](try FixtureFiles.bytes(fixture))
        let seconds = Int64(UInt32(bytes[24]) | UInt32(bytes[25]) << 8 | UInt32(bytes[26]) << 16 | UInt32(bytes[27]) << 24)
        withUnsafeBytes(of: fraction.littleEndian) { bytes[28..<32] = ArraySlice($0) }
        let path = try FixtureFiles.temporary(Data(bytes))
        let packets = try readAll(path)
        #expect(packets.count == (try readAll(FixtureFiles.path(fixture))).count)
        #expect(packets[0].seconds == seconds + Int64(fraction) * (nanoseconds == 7 ? 1 : 1000) / 1_000_000_000)
        #expect(packets[0].nanoseconds == nanoseconds)
        let file = try CaptureFile(path: path)
        while try file.nextPacket() != nil {}
        #expect(file.carriedTimestampFractions == 1)
    }

    @Test func absurdCapturedLengthIsCorruption() throws {
        var bytes = [UInt8](try FixtureFiles.bytes("ipv4-loopback.pcap"))
        bytes[24 + 8..<24 + 12] = [0, 0, 0, 0x10] // first record claims 256 MiB
        let path = try FixtureFiles.temporary(Data(bytes))
        let file = try CaptureFile(path: path)
        #expect(throws: CaptureError.corrupt(path: path, offset: 24,
                                             reason: "record claims 268435456 captured bytes, more than 262144",
                                             packetsRead: 0)) {
            _ = try file.nextPacket()
        }
    }

    @Test func pcapngBlockWithBadLengthIsCorruption() throws {
        var bytes = [UInt8](try FixtureFiles.bytes("pcapng-two-link-types.pcapng"))
        let sectionLength = Int(bytes[4]) | Int(bytes[5]) << 8
        bytes[sectionLength + 4] = 13 // the first interface block's length, not a multiple of 4
        let path = try FixtureFiles.temporary(Data(bytes))
        let file = try CaptureFile(path: path)
        #expect(throws: CaptureError.corrupt(path: path, offset: Int64(sectionLength),
                                             reason: "block length 13 is not a multiple of 4 between 12 and 16 MiB",
                                             packetsRead: 0)) {
            _ = try file.nextPacket()
        }
    }

    @Test func pcapngTruncatedInsideABlock() throws {
        let original = try FixtureFiles.bytes("pcapng-two-link-types.pcapng")
        let path = try FixtureFiles.temporary(original.prefix(original.count - 3))
        let file = try CaptureFile(path: path)
        var read = 0
        #expect(throws: CaptureError.self) {
            while try file.nextPacket() != nil { read += 1 }
        }
        #expect(read >= 21)
    }

    /// Before: a packet longer than the file's declared snapshot length was
    /// written whole, and readers (this one, libpcap, tshark) refused the file.
    @Test func theWriterCutsPacketsToItsSnapshotLength() throws {
        let path = try FixtureFiles.temporary(Data())
        let payload = [UInt8](repeating: 0xAB, count: 300_000)
        try payload.withUnsafeBytes { bytes in
            let dumper = try PacketDumper(path: path, linkType: 1)
            try dumper.write(CapturedPacket(seconds: 1_700_000_000, nanoseconds: 5, linkType: 1, bytes: bytes,
                                            originalLength: 300_000))
            try dumper.flush()
        }
        let file = try CaptureFile(path: path)
        let packet = try #require(try file.nextPacket())
        #expect(packet.bytes.count == 262_144)
        #expect(packet.originalLength == 300_000)
        #expect(try file.nextPacket() == nil)
    }
}
