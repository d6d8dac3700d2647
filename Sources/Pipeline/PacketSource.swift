import Capture
import Report
import Wire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where packets come from, files in order or a live interface, and what
/// happens to each on the way: the filter, `-c`, `-w`. Hands each packet
/// that passes to the caller, and reports on stderr what a user of
/// tcpdump would expect to see there.
public struct PacketSource {
    public enum Input {
        case files([String])
        /// A live capture; it stops when `stop` is raised, and by itself
        /// after `duration` seconds if one is given.
        case live(interface: String, options: LiveCapture.Options, duration: Double?)
    }

    public var input: Input
    /// A BPF expression, as for tcpdump.
    public var filter: String?
    /// Stop after this many packets (after the filter), as `-c`.
    public var limit: Int?
    /// Also write the packets that pass to this pcap file, as `-w`.
    public var dumpPath: String?
    /// Ends a live capture early (Ctrl-C); files are read to their end.
    public var stop: CaptureStop
    /// The UDP ports whose datagrams are decoded as tunnels (`-d`).
    public var tunnelPorts = TunnelPorts.standard

    public init(input: Input, filter: String? = nil, limit: Int? = nil, dumpPath: String? = nil,
                stop: CaptureStop = CaptureStop()) {
        self.input = input
        self.filter = filter
        self.limit = limit
        self.dumpPath = dumpPath
        self.stop = stop
    }

    /// Where reading stands, for progress reports.
    public struct Position {
        public var bytesRead: Int64
        public var totalBytes: Int64?
    }

    /// What a run read: packets delivered, and libpcap's counters of a live capture.
    public struct Counts: Sendable {
        public var delivered = 0
        public var kernel: LiveCapture.Statistics?
    }

    /// Runs the capture; `body` sees every packet that passes the filter and
    /// returns false to stop early (the output was closed). `idle` runs in a
    /// live capture each time the kernel has nothing more ready, and returns
    /// how long, in seconds, the capture may then wait for packets: until the
    /// caller's next timer is due. Returns normally at the end
    /// of input, after `-c` packets, or on Ctrl-C; throws what stopped it
    /// otherwise, after `body` has seen every packet read before the failure.
    /// A file that fails alone (damaged, not a capture) does not stop the
    /// files after it: they are read, and at the end every such failure is
    /// said and the last one thrown, so none is left out unsaid.
    @discardableResult
    public func run(_ body: (CapturedPacket, Position) -> Bool, idle: () -> Double) throws(CaptureError) -> Counts {
        if case .files(let paths) = input {
            // Every input is checked before the first is read: a missing third
            // file fails the run before anything is reported.
            for path in paths { try CaptureFile.requireReadable(path) }
            if let dumpPath { try Self.refuseOverwriting(paths, with: dumpPath) }
        }
        var delivery = Delivery(limit: limit, dumpPath: dumpPath)
        var counts = Counts()
        do throws(CaptureError) {
            switch input {
            case .files(let paths):
                var failures: [CaptureError] = []
                for path in paths where !delivery.isDone {
                    do throws(CaptureError) {
                        try readFile(path, into: &delivery, body)
                    } catch where error.stopsOnlyItsFile {
                        failures.append(error)
                    }
                }
                if let last = failures.popLast() {
                    for failure in failures { Diagnostics.say(failure.description) }
                    throw last
                }
            case .live(let interface, let options, let duration):
                counts.kernel = try capture(on: interface, options: options, duration: duration, into: &delivery, body,
                                            idle: idle)
            }
            try delivery.finish(writingEmptyFile: true)
            counts.delivered = delivery.delivered
            return counts
        } catch {
            try? delivery.finish(writingEmptyFile: false)
            throw error
        }
    }

    private func readFile(_ path: String, into delivery: inout Delivery,
                          _ body: (CapturedPacket, Position) -> Bool) throws(CaptureError) {
        let file = try CaptureFile(path: path)
        let size = file.size
        let packetFilter = try filter.map { expression throws(CaptureError) in
            try PacketFilter(expression: expression, linkType: file.declaredLinkType ?? 1)
        }
        if let linkType = file.declaredLinkType {
            try Self.requireSupported(linkType, path: path)
            if delivery.firstLinkType == nil { delivery.firstLinkType = linkType }
        }
        defer {
            let carried = file.carriedTimestampFractions
            if carried > 0 {
                Diagnostics.say("\(path): " + counted(carried, "record") + " had a timestamp fraction of a "
                                + "second or more, carried into the seconds")
            }
        }
        while !delivery.isDone, let packet = try file.nextPacket() {
            if delivery.firstLinkType == nil { delivery.firstLinkType = packet.linkType }
            if let packetFilter, try !packetFilter.matches(packet) { continue }
            try Self.requireSupported(packet.linkType, path: path)
            try delivery.deliver(packet) { body($0, Position(bytesRead: file.bytesRead, totalBytes: size)) }
        }
    }

    private func capture(on interface: String, options: LiveCapture.Options, duration: Double?,
                         into delivery: inout Delivery, _ body: (CapturedPacket, Position) -> Bool,
                         idle: () -> Double) throws(CaptureError) -> LiveCapture.Statistics? {
        let capture = try LiveCapture(interface: interface, options: options)
        for warning in capture.warnings { Diagnostics.say("warning: \(warning)") }
        try Self.requireSupported(capture.linkType, path: interface)
        delivery.firstLinkType = capture.linkType
        if let filter { try capture.setFilter(filter) }
        let handle = UncheckedSendable(capture)
        stop.onRaise { handle.value.breakLoop() }
        if let duration { stop.raise(after: duration) }
        Diagnostics.say("listening on \(interface), link-type \(DataLink.name(of: capture.linkType)), "
                        + "snapshot length \(options.snapLength) bytes")
        let live = { (packet: CapturedPacket) in body(packet, Position(bytesRead: 0, totalBytes: nil)) }
        while !delivery.isDone, !stop.isRaised {
            while !delivery.isDone, let packet = try capture.nextPacket() { try delivery.deliver(packet, live) }
            // What was read is on disk before the wait: as prompt as tcpdump -U, at a flush per drain, not per packet.
            try delivery.flushDumps()
            let wait = idle()
            if !delivery.isDone, !stop.isRaised { capture.waitForPackets(upTo: wait) }
        }
        // The kernel may still hold packets captured before the stop: read them.
        while !delivery.isDone, let packet = try capture.nextPacket() { try delivery.deliver(packet, live) }
        return capture.statistics()
    }

    /// `-w` onto a file that is also read (`-r X -w X`, or another name for
    /// it) would truncate it while it is read: refused before either opens.
    private static func refuseOverwriting(_ inputs: [String], with dumpPath: String) throws(CaptureError) {
        guard let output = fileIdentity(dumpPath) else { return }
        for input in inputs where fileIdentity(input) == output {
            throw .writeFailed(path: dumpPath, reason: "it is also an input file (\(input)); "
                               + "-w would overwrite it while it is read")
        }
    }

    /// Device and inode of an existing file; standard input's for `-`.
    private static func fileIdentity(_ path: String) -> [UInt64]? {
        var info = stat()
        let found = path == "-" ? fstat(STDIN_FILENO, &info) : stat(path, &info)
        return found == 0 ? [UInt64(info.st_dev), UInt64(info.st_ino)] : nil
    }

    private static func requireSupported(_ linkType: UInt32, path: String) throws(CaptureError) {
        guard LinkType(rawValue: linkType).isSupported else {
            throw .unsupportedLinkType(path: path, name: DataLink.name(of: linkType))
        }
    }
}

/// Counting, `-c` and `-w`, shared by files and live capture.
private struct Delivery {
    var limit: Int?
    var dumpPath: String?
    /// The `-w` file, then one file per further link type: a pcap file
    /// holds one, and inputs can mix them (dumpcap on two interfaces).
    var dumpers: [PacketDumper] = []
    /// The link type of the first input, for an empty `-w` file when
    /// nothing passes (tcpdump writes one too).
    var firstLinkType: UInt32?
    var delivered = 0

    init(limit: Int?, dumpPath: String?) {
        self.limit = limit
        self.dumpPath = dumpPath
    }

    /// Set when the consumer asked to stop (its output was closed).
    var stopped = false

    var isDone: Bool { stopped || limit.map { delivered >= $0 } ?? false }

    mutating func deliver(_ packet: CapturedPacket, _ body: (CapturedPacket) -> Bool) throws(CaptureError) {
        delivered += 1
        if let dumpPath {
            let dumper = try dumper(for: packet.linkType, dumpPath)
            try dumper.write(packet)
        }
        if !body(packet) { stopped = true }
    }

    /// The file for packets of `linkType`: the `-w` file for the first link
    /// type, and beside it, named for the link type, for each other one.
    private mutating func dumper(for linkType: UInt32, _ dumpPath: String) throws(CaptureError) -> PacketDumper {
        if let dumper = dumpers.first(where: { $0.linkType == linkType }) { return dumper }
        let path = dumpers.isEmpty ? dumpPath : Self.path(dumpPath, for: linkType)
        let dumper = try PacketDumper(path: path, linkType: linkType)
        if !dumpers.isEmpty {
            Diagnostics.say("packets of link type \(DataLink.name(of: linkType)) go to \(path): "
                            + "a pcap file holds one link type")
        }
        dumpers.append(dumper)
        return dumper
    }

    /// `out.pcap` → `out.LINUX_SLL.pcap`.
    static func path(_ dumpPath: String, for linkType: UInt32) -> String {
        let name = DataLink.shortName(of: linkType)
        let fileStart = dumpPath.lastIndex(of: "/").map { dumpPath.index(after: $0) } ?? dumpPath.startIndex
        guard let dot = dumpPath[fileStart...].lastIndex(of: "."), dot > fileStart else { return dumpPath + "." + name }
        return dumpPath[..<dot] + "." + name + dumpPath[dot...]
    }

    /// Flushes `-w`; after a run that succeeded with nothing to write, writes
    /// the empty capture tcpdump would (none after a failure, as tcpdump).
    mutating func finish(writingEmptyFile: Bool) throws(CaptureError) {
        if writingEmptyFile, dumpers.isEmpty, let dumpPath {
            dumpers.append(try PacketDumper(path: dumpPath, linkType: firstLinkType ?? LinkType.ethernet.rawValue))
        }
        try flushDumps()
    }

    func flushDumps() throws(CaptureError) {
        for dumper in dumpers { try dumper.flush() }
    }
}

/// Lets the stop callback, which runs on another thread, reach the capture
/// to break its loop; `breakLoop` is the only call made from there.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
