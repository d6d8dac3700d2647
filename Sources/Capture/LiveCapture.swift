import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A live capture on one interface (`any` included), opened with
/// `pcap_create` and `pcap_activate` so every option is set before the
/// socket starts.
///
/// Reads never block: `nextPacket()` returns what the kernel has ready,
/// and `waitForPackets(upTo:)` waits, at most as long as the caller's next
/// timer, for more. So a quiet link still gets its timers run on time.
/// Stopping: `breakLoop()` wakes a wait and makes `nextPacket()` return nil
/// once; reading on until nil then drains what the kernel's ring still
/// holds, so packets captured in the last moments are not lost.
public final class LiveCapture {
    /// How the capture is opened; the defaults suit watching handshakes.
    public struct Options: Sendable {
        /// Bytes kept of each packet. Immediate mode sizes every ring slot
        /// for this, so a small snaplen holds many more packets in the buffer.
        public var snapLength: Int32 = 262_144
        public var promiscuous = true
        /// Deliver each packet as it arrives (TPACKET_V2, a slot per packet),
        /// rather than a ring block at a time (TPACKET_V3), which keeps up
        /// with more packets but holds them for up to `timeoutMilliseconds`.
        public var immediate = true
        /// The kernel buffer in bytes; libpcap's default is 2 MiB.
        public var bufferSize: Int32? = nil
        /// How long the kernel may hold a partly filled block when not in
        /// immediate mode, in milliseconds.
        public var timeoutMilliseconds: Int32 = 100
        /// A PACKET_FANOUT group to join (Linux): the processes in one group
        /// each get a share of the interface's flows, split by a symmetric hash.
        public var fanoutGroup: UInt16? = nil

        public init() {}
    }

    /// libpcap's counters (`pcap_stats`).
    public struct Statistics: Equatable, Sendable {
        public var received: UInt32
        public var droppedByKernel: UInt32
        public var droppedByInterface: UInt32
    }

    public let interface: String
    public let linkType: UInt32
    /// What `pcap_activate` warned about (promiscuous mode unsupported, …).
    public let warnings: [String]
    private let handle: OpaquePointer

    public init(interface: String, options: Options = Options()) throws(CaptureError) {
        self.interface = interface
        var errbuf = PcapErrorBuffer()
        guard let handle = pcap_create(interface, &errbuf.bytes) else {
            throw .liveCaptureFailed(interface: interface, reason: errbuf.text)
        }
        pcap_set_snaplen(handle, options.snapLength)
        pcap_set_promisc(handle, options.promiscuous ? 1 : 0)
        pcap_set_timeout(handle, options.timeoutMilliseconds)
        pcap_set_immediate_mode(handle, options.immediate ? 1 : 0)
        if let size = options.bufferSize { pcap_set_buffer_size(handle, size) }
        // Nanosecond stamps where the kernel has them; microseconds otherwise.
        _ = pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(handle)
        var warnings: [String] = []
        if status < 0 {
            let message = String(cString: pcap_geterr(handle))
            let reason = message.isEmpty ? String(cString: pcap_statustostr(status)) : message
            pcap_close(handle)
            switch status {
            case PCAP_ERROR_NO_SUCH_DEVICE: throw .noSuchInterface(name: interface, reason: reason)
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
                throw .permissionDenied(interface: interface, reason: reason)
            default: throw .liveCaptureFailed(interface: interface, reason: reason)
            }
        } else if status > 0 {
            let message = String(cString: pcap_geterr(handle))
            warnings.append(message.isEmpty ? String(cString: pcap_statustostr(status)) : message)
        }
        if let group = options.fanoutGroup {
            guard Self.joinFanout(handle, group: group) == 0 else {
                let reason = String(cString: strerror(errno))
                pcap_close(handle)
                throw .liveCaptureFailed(interface: interface, reason: "cannot join fanout group \(group): \(reason)")
            }
        }
        var wakeFDs: [Int32] = [-1, -1]
        guard pcap_setnonblock(handle, 1, &errbuf.bytes) == 0, pipe(&wakeFDs) == 0 else {
            pcap_close(handle)
            throw .liveCaptureFailed(interface: interface, reason: "cannot set up non-blocking reads: \(errbuf.text)")
        }
        _ = fcntl(wakeFDs[1], F_SETFL, O_NONBLOCK)
        wakeReadFD = wakeFDs[0]
        wakeWriteFD = wakeFDs[1]
        selectableFD = pcap_get_selectable_fd(handle)
        self.handle = handle
        self.warnings = warnings
        linkType = UInt32(bitPattern: pcap_datalink(handle))
        nanosecond = pcap_get_tstamp_precision(handle) == Int32(PCAP_TSTAMP_PRECISION_NANO)
    }

    private let nanosecond: Bool
    /// What `waitForPackets` polls: the packet socket, and a pipe that `breakLoop` writes to.
    private let selectableFD: Int32
    private let wakeReadFD: Int32
    private let wakeWriteFD: Int32

    deinit {
        pcap_close(handle)
        close(wakeReadFD)
        close(wakeWriteFD)
    }

    private static func joinFanout(_ handle: OpaquePointer, group: UInt16) -> Int32 {
        #if os(Linux)
        handshake_join_fanout(handle, group)
        #else
        errno = ENOTSUP
        return -1
        #endif
    }

    /// Applies a BPF filter in the kernel.
    public func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw .badFilter(expression: expression, reason: String(cString: pcap_geterr(handle)))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw .badFilter(expression: expression, reason: String(cString: pcap_geterr(handle)))
        }
    }

    /// The next packet the kernel has ready; nil when it has none, and once
    /// after `breakLoop()`. Bytes are valid until the next call.
    public func nextPacket() throws(CaptureError) -> CapturedPacket? {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch pcap_next_ex(handle, &header, &data) {
        case 1:
            guard let header, let data else { return nil }
            let fraction = Int64(header.pointee.ts.tv_usec)
            return CapturedPacket(
                seconds: Int64(header.pointee.ts.tv_sec),
                nanoseconds: nanosecond ? fraction : fraction * 1000,
                linkType: linkType,
                bytes: UnsafeRawBufferPointer(start: data, count: Int(header.pointee.caplen)),
                originalLength: Int(header.pointee.len))
        case 0, PCAP_ERROR_BREAK:
            return nil
        default:
            throw .interfaceFailed(interface: interface, reason: String(cString: pcap_geterr(handle)))
        }
    }

    /// Waits until the kernel may have packets, `breakLoop()` is called, or
    /// `seconds` pass, whichever is first.
    public func waitForPackets(upTo seconds: Double) {
        var fds = [pollfd(fd: selectableFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0)]
        let milliseconds = Int32(max(0, min(seconds, 3600)) * 1000 + 0.999)
        _ = poll(&fds, nfds_t(fds.count), milliseconds)
    }

    /// Makes `nextPacket()` return nil once and ends a wait; callable from any thread.
    public func breakLoop() {
        pcap_breakloop(handle)
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)
    }

    public func statistics() -> Statistics? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return Statistics(received: stats.ps_recv, droppedByKernel: stats.ps_drop, droppedByInterface: stats.ps_ifdrop)
    }
}
