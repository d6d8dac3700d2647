import Capture
#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer entry point for whole capture files: the bytes become a file
/// that CaptureFile reads (pcap or pcapng headers, records, blocks, lengths,
/// link types) and every packet goes through a libpcap BPF filter, until the
/// end or the damage. Every failure must be a CaptureError, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = "/tmp/handshake-capture-fuzz-\(getpid()).pcap"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = write(fd, data, size)
    close(fd)
    do {
        let file = try CaptureFile(path: path)
        while let packet = try file.nextPacket() {
            _ = try? filters.matches(packet)
        }
    } catch {
        _ = error.description
    }
    return 0
}

/// One filter for the whole run; it compiles a program per link type it meets.
nonisolated(unsafe) let filters = try! PacketFilter(expression: "tcp and not port 22", linkType: 1)
