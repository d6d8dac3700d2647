import ArgumentParser
import Capture
import Pipeline
import Report
import Tracker
import Wire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where packets come from and how connections are tracked: the options
/// `handshake` and `handshake check` share, named as in tcpdump.
struct CaptureOptions: ParsableArguments {
    @Option(name: .customShort("r", allowingJoined: true), help: ArgumentHelp(
        "Read packets from a pcap or pcapng file ('-' for standard input). Repeat to read several files in order.",
        valueName: "file"))
    var read: [String] = []

    @Option(name: .customShort("i", allowingJoined: true), help: ArgumentHelp("Capture live on an interface ('any' for all).",
                                                         valueName: "interface"))
    var interface: String?

    @Option(name: .customShort("c", allowingJoined: true), parsing: .unconditional, help: ArgumentHelp("Stop after this many packets (after the filter).",
                                                         valueName: "count"))
    var count: Int?

    @Option(name: .customShort("w", allowingJoined: true), help: ArgumentHelp("Also write the packets read to a pcap file.",
                                                         valueName: "file"))
    var write: String?

    /// Headers only by default: in immediate mode libpcap sizes every ring
    /// slot for the snaplen (up to 64 KiB on interfaces with offloads), and
    /// with full-size slots a 200-connection burst lost 290 of 1405 packets
    /// in the default 2 MiB buffer; with 256 bytes it lost none.
    @Option(name: [.customShort("s", allowingJoined: true), .long], parsing: .unconditional, help: ArgumentHelp(
        "Live capture: bytes kept of each packet, 1 to 262144 (0, as in tcpdump, for 262144). Headers need at most "
            + "256; give 0 to keep whole packets for -w.",
        valueName: "bytes"))
    var snaplen: Int32 = 256

    @Flag(help: "Live capture: do not put the interface into promiscuous mode.")
    var noPromisc = false

    @Option(name: [.customShort("B", allowingJoined: true), .customLong("buffer-size")],
            parsing: .unconditional, help: ArgumentHelp("Live capture: the kernel buffer, in KiB (like tcpdump -B), 1 to 2097151.",
                               valueName: "KiB"))
    var bufferSize: Int32?

    @Option(parsing: .unconditional, help: ArgumentHelp("Maximum segment lifetime in seconds, positive and at most 86400; TIME_WAIT lasts "
                               + "twice this.",
                               valueName: "seconds"))
    var msl: Double = 30

    @Option(help: ArgumentHelp(
        "Idle time before a quiet connection is reported and dropped: one number of seconds for every state, "
            + "or per phase, e.g. handshake=30,established=600,closing=120.",
        valueName: "timeouts"))
    var idleTimeout: IdleTimeouts?

    @Option(parsing: .unconditional, help: ArgumentHelp("Connections tracked at once, 1 to 100000000; the least recently used is evicted "
                               + "beyond it.",
                               valueName: "count"))
    var maxConnections = 500_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Live capture: stop after this long (e.g. 10s, 500ms, or 10 for seconds); otherwise "
                               + "at Ctrl-C or -c.", valueName: "duration"))
    var duration: DurationArgument?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "How long a connection whose both ends are done (closed, or TIME_WAIT after the last ACK) waits for late "
            + "retransmissions before it is reported, e.g. 5s (the default, like Zeek) or 0; at most a day.",
        valueName: "duration"))
    var closeLinger: DurationArgument?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Live capture: hand each packet over as it arrives (the default when stdout is a terminal), or a kernel "
            + "block at a time, up to 100 ms later, which keeps up with more traffic (the default otherwise)."))
    var immediate: Bool?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Live capture (Linux): join this PACKET_FANOUT group, 0 to 65535, so that several handshake processes on one "
            + "interface each get a share of its connections (both directions of each to one process).",
        valueName: "group"))
    var fanout: Int?

    @Option(name: [.customShort("j", allowingJoined: true), .customLong("threads")], parsing: .unconditional,
            help: ArgumentHelp(
                "Files: track with this many threads, 1 to 256, the output the same bytes; by default one per core "
                    + "for files of 64 MB or more in the formats that draw transitions, else 1.", valueName: "count"))
    var threads: Int?

    @Option(help: ArgumentHelp(
        "Track only shard K of N (1 ≤ K ≤ N): the connections whose symmetric flow hash (version "
            + "\(FlowHash.version)) falls in it, so N runs over the same packets split the work and their records "
            + "merge (handshake merge).", valueName: "K/N"),
            transform: { text in
                guard let shard = Shard(text) else {
                    throw ValidationError("--shard takes K/N with 1 ≤ K ≤ N, e.g. 2/4, not \(text)")
                }
                return shard
            })
    var shard: Shard?

    @Option(name: .customShort("d"), help: ArgumentHelp(
        "Decode UDP port N as a tunnel, as tshark's -d: udp.port==N,KIND with KIND one of "
            + TunnelPorts.decodable.map(\.rawValue).joined(separator: ", ")
            + " (their IANA ports are decoded without it).", valueName: "udp.port==N,KIND"),
            transform: { text in try DecodeAs(text) })
    var decodeAs: [DecodeAs] = []

    @Option(help: ArgumentHelp(
        "The counts at the end on stderr: text (tcpdump's lines, live capture) or json (one object, for scripts).",
        valueName: "format"))
    var stats: RunStatistics.Format = .text

    /// tcpdump's -n/-nn, typed by habit: accepted, and nothing to do.
    @Flag(name: .customShort("n"), help: "Accepted as in tcpdump (-n, -nn): handshake never resolves names or ports.")
    var numeric: Int

    @Flag(name: .customShort("v"),
          help: ArgumentHelp("At the end, say on stderr how many packets, TCP segments and connections were seen."))
    var verbose: Int

    @Argument(help: ArgumentHelp("A BPF filter, as for tcpdump (e.g. 'port 443').", valueName: "filter"))
    var filter: [String] = []

    func validate() throws {
        if let count, count < 1 { throw ValidationError("-c must be positive, not \(count)") }
        if duration != nil, !isLive { throw ValidationError("--duration is for live capture (-i)") }
        if snaplen != 0 { try Self.require(snaplen, in: Range.snaplen, "--snaplen", "bytes") }
        if let bufferSize { try Self.require(bufferSize, in: Range.bufferKiB, "--buffer-size", "KiB") }
        guard msl > 0, msl <= Range.mslSeconds else {
            throw ValidationError("--msl must be positive and at most \(Int(Range.mslSeconds)) seconds, not \(msl)")
        }
        try Self.require(maxConnections, in: Range.maxConnections, "--max-connections", "connections")
        if let closeLinger, !Range.closeLinger.contains(closeLinger.nanoseconds) {
            throw ValidationError("--close-linger must be from 0 to a day (86400s), not \(closeLinger.text)")
        }
        if let fanout { try Self.require(fanout, in: Range.fanoutGroup, "--fanout", "(a group id)") }
        if let threads {
            try Self.require(threads, in: Range.threads, "--threads", "threads")
            if isLive, threads > 1 {
                throw ValidationError("-j is for files; to split live capture, run processes with --fanout")
            }
        }
        if !isLive, immediate != nil || fanout != nil {
            throw ValidationError("--immediate, --no-immediate and --fanout are for live capture (-i)")
        }
    }

    /// What the numeric options accept. Beyond these they overflowed:
    /// --msl 5e9 trapped computing TIME_WAIT, 4e9 wrapped its deadline into
    /// the past, -B 2097152 overflowed libpcap's byte count.
    enum Range {
        /// libpcap's MAXIMUM_SNAPLEN.
        static let snaplen: ClosedRange<Int32> = 1...262_144
        /// The buffer in bytes must fit libpcap's int.
        static let bufferKiB: ClosedRange<Int32> = 1...2_097_151
        /// A day: TIME_WAIT at most two, far past any real MSL (Linux's is 30 s).
        static let mslSeconds: Double = 86_400
        static let maxConnections: ClosedRange<Int> = 1...100_000_000
        static let closeLinger: ClosedRange<Int64> = 0...(86_400 * TrackerConfiguration.second)
        static let fanoutGroup: ClosedRange<Int> = 0...65_535
        static let threads: ClosedRange<Int> = 1...256
    }

    /// The kernel buffer when -B is not given: libpcap's 2 MiB filled in
    /// tens of milliseconds at the rates `make bench-live` measures.
    static let defaultBufferBytes: Int32 = 32 << 20

    private static func require<Value: Comparable>(_ value: Value, in range: ClosedRange<Value>, _ name: String,
                                                   _ unit: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name) must be from \(range.lowerBound) to \(range.upperBound) \(unit), not \(value)")
        }
    }

    /// -r or -i, exactly one.
    func requireInput() throws {
        guard read.isEmpty != (interface == nil) else { throw ValidationError(Self.missingInput) }
    }

    static let missingInput = "give either -r FILE or -i INTERFACE"


    var isLive: Bool { interface != nil }

    var trackerConfiguration: TrackerConfiguration {
        var configuration = TrackerConfiguration()
        configuration.maximumSegmentLifetime = Int64(msl * Double(TrackerConfiguration.second))
        configuration.maximumConnections = maxConnections
        if let closeLinger { configuration.closeLinger = closeLinger.nanoseconds }
        configuration.shard = shard
        if let idle = idleTimeout {
            configuration.handshakeIdleTimeout = idle.handshake ?? configuration.handshakeIdleTimeout
            configuration.establishedIdleTimeout = idle.established ?? configuration.establishedIdleTimeout
            configuration.closingIdleTimeout = idle.closing ?? configuration.closingIdleTimeout
        }
        return configuration
    }

    /// The pipeline these options describe. A live capture stops at Ctrl-C,
    /// and by itself after `--duration` if one is given.
    func pipeline() -> Pipeline {
        let input: PacketSource.Input
        let stop = CaptureStop()
        if let interface {
            var options = LiveCapture.Options()
            options.snapLength = snaplen == 0 ? Range.snaplen.upperBound : snaplen
            options.promiscuous = !noPromisc
            options.bufferSize = bufferSize.map { $0 * 1024 } ?? Self.defaultBufferBytes
            options.immediate = immediate ?? (isatty(STDOUT_FILENO) == 1)
            options.fanoutGroup = fanout.map { UInt16($0) }
            input = .live(interface: interface, options: options,
                          duration: duration.map { Double($0.nanoseconds) / 1e9 })
            StopSignal.forward(to: stop)
        } else {
            input = .files(read)
        }
        var source = PacketSource(input: input, filter: filter.isEmpty ? nil : filter.joined(separator: " "),
                                  limit: count, dumpPath: write, stop: stop)
        source.tunnelPorts = decodeAs.reduce(TunnelPorts.standard) { $0.adding($1.port, as: $1.kind) }
        var pipeline = Pipeline(source: source, configuration: trackerConfiguration, showsProgress: true,
                                saysWhatWasSeen: verbose > 0, statisticsFormat: stats)
        pipeline.threads = threads
        return pipeline
    }
}

extension RunStatistics.Format: ExpressibleByArgument {}
