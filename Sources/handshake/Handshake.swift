import ArgumentParser
import Capture
import Report
import Tracker
import Wire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct Handshake: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handshake",
        abstract: "Label every TCP connection's lifecycle, for both endpoints, from a capture or a live interface.",
        discussion: """
            Reads packets like tcpdump (-r FILE, -i IFACE, -c N, a trailing BPF filter) and follows every TCP \
            connection through both endpoints' RFC 9293 states: SYN_SENT, SYN_RECEIVED, ESTABLISHED, \
            FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED.

            Formats: transitions (one line per state change, the default), table, json (NDJSON), zeek \
            (conn.log), ladder (a sequence diagram), steps (the study note's step table), mermaid, \
            summary, segments (tcpdump-like lines, no tracking).

            Examples:
              handshake -r capture.pcap
              handshake -r capture.pcapng --format ladder port 443
              handshake -i eth0 --format json 'tcp port 5432' > connections.ndjson
              tcpdump -i eth0 -w - | handshake -r - --format summary
            """
    )

    @Option(name: .customShort("r"), help: ArgumentHelp(
        "Read packets from a pcap or pcapng file ('-' for standard input). Repeat to read several files in order.",
        valueName: "file"))
    var read: [String] = []

    @Option(name: .customShort("i"), help: ArgumentHelp("Capture live on an interface ('any' for all).",
                                                         valueName: "interface"))
    var interface: String?

    @Flag(name: .customShort("D"), help: "List the interfaces that can be captured on, then exit.")
    var listInterfaces = false

    @Option(name: .customShort("c"), help: ArgumentHelp("Stop after this many packets (after the filter).",
                                                         valueName: "count"))
    var count: Int?

    @Option(name: .customShort("w"), help: ArgumentHelp("Also write the packets read to a pcap file.",
                                                         valueName: "file"))
    var write: String?

    @Option(help: "What to print.")
    var format: OutputFormat = .transitions

    @Flag(help: "Print the summary after the chosen format.")
    var summary = false

    @Option(help: "Colour the transitions format: always, never, or auto (on a terminal).")
    var color: ColorChoice = .auto

    @Option(help: "Language of the steps format: en or ko (the study note's Korean).")
    var lang: StepTable.Language = .en

    @Option(name: .customLong("connection"), help: ArgumentHelp("Show only the connection with this id.",
                                                                 valueName: "id"))
    var connectionID: UInt64?

    @Option(name: .customLong("conn"), help: ArgumentHelp(
        "Show only connections with this endpoint: HOST:PORT, [IPv6]:PORT or HOST.", valueName: "endpoint"))
    var connectionEndpoint: String?

    /// Headers only by default: in immediate mode libpcap sizes every ring
    /// slot for the snaplen (up to 64 KiB on interfaces with offloads), and
    /// with full-size slots a 200-connection burst lost 290 of 1405 packets
    /// in the default 2 MiB buffer; with 256 bytes it lost none.
    @Option(help: ArgumentHelp(
        "Live capture: bytes kept of each packet. Headers need at most 256; give 262144 to keep whole packets for -w.",
        valueName: "bytes"))
    var snaplen: Int32 = 256

    @Flag(help: "Live capture: do not put the interface into promiscuous mode.")
    var noPromisc = false

    @Option(name: [.customShort("B"), .customLong("buffer-size")],
            help: ArgumentHelp("Live capture: the kernel buffer, in KiB (like tcpdump -B).", valueName: "KiB"))
    var bufferSize: Int32?

    @Option(help: ArgumentHelp("Maximum segment lifetime in seconds; TIME_WAIT lasts twice this.",
                               valueName: "seconds"))
    var msl: Double = 30

    @Option(help: ArgumentHelp(
        "Idle time before a quiet connection is reported and dropped: one number of seconds for every state, "
            + "or per phase, e.g. handshake=30,established=600,closing=120.",
        valueName: "timeouts"))
    var idleTimeout: IdleTimeouts?

    @Option(help: ArgumentHelp("Connections tracked at once; the least recently used is evicted beyond it.",
                               valueName: "count"))
    var maxConnections = 500_000

    @Argument(help: ArgumentHelp("A BPF filter, as for tcpdump (e.g. 'port 443').", valueName: "filter"))
    var filter: [String] = []

    func validate() throws {
        if listInterfaces { return }
        guard read.isEmpty != (interface == nil) else {
            throw ValidationError("give either -r FILE or -i INTERFACE")
        }
        if let count, count < 1 { throw ValidationError("-c needs a positive count") }
        if snaplen < 1 { throw ValidationError("--snaplen needs a positive number of bytes") }
        if let bufferSize, bufferSize < 1 { throw ValidationError("--buffer-size needs a positive number of KiB") }
        if !(msl > 0) { throw ValidationError("--msl needs a positive number of seconds") }
        if maxConnections < 1 { throw ValidationError("--max-connections needs a positive count") }
        if let connectionEndpoint, ConnectionSelection<JSONLines>.Criterion(endpoint: connectionEndpoint) == nil {
            throw ValidationError("--conn needs HOST:PORT, [IPv6]:PORT or HOST, not '\(connectionEndpoint)'")
        }
        if connectionID != nil, connectionEndpoint != nil {
            throw ValidationError("give --connection or --conn, not both")
        }
        if format == .segments, summary || connectionID != nil || connectionEndpoint != nil {
            throw ValidationError("--format segments does not track connections: use a BPF filter instead")
        }
    }

    func run() throws {
        // A closed pipe (`| head`) is noticed as a failed write, not a signal.
        signal(SIGPIPE, SIG_IGN)
        do {
            if listInterfaces { return try listAllInterfaces() }
            try execute()
        } catch let failure as CommandFailure {
            Diagnostics.say(failure.description)
            throw failure.status.exitCode
        }
    }

    private func execute() throws(CommandFailure) {
        let output = LineOutput(fd: STDOUT_FILENO, flushesEachLine: interface != nil)
        let colors = color == .always || (color == .auto && isatty(STDOUT_FILENO) == 1)
        switch format {
        case .segments: return try listSegments(output: output)
        case .transitions: try analyze(TransitionLines(colors: colors), output: output)
        case .table: try analyze(ConnectionTable(), output: output)
        case .json: try analyze(JSONLines(), output: output)
        case .zeek: try analyze(ZeekConnLog(), output: output)
        case .ladder: try analyze(LadderDiagram(), output: output)
        case .steps: try analyze(StepTable(language: lang), output: output)
        case .mermaid: try analyze(MermaidDiagram(), output: output)
        case .summary: try analyze(Summary(), output: output)
        }
    }

    private func analyze(_ renderer: some ConnectionRenderer, output: LineOutput) throws(CommandFailure) {
        if summary, format != .summary {
            try track(RendererPair(selected(renderer), Summary()), output: output)
        } else {
            try track(selected(renderer), output: output)
        }
    }

    private func selected<R: ConnectionRenderer>(_ renderer: R) -> ConnectionSelection<R> {
        let criterion = connectionID.map { ConnectionSelection<R>.Criterion.id($0) }
            ?? connectionEndpoint.flatMap { ConnectionSelection<R>.Criterion(endpoint: $0) }
        return ConnectionSelection(renderer, criterion: criterion)
    }

    private func track(_ renderer: some ConnectionRenderer, output: LineOutput) throws(CommandFailure) {
        var configuration = trackerConfiguration
        configuration.reportsSegments = renderer.needsSegments
        var analysis = Analysis(renderer: renderer, output: output, configuration: configuration)
        var progress = Progress()
        // What was read before a failure is still reported: finish on every exit.
        defer {
            progress.clear()
            analysis.finish()
        }
        try packetSource().run({ packet, position in
            analysis.consume(packet)
            progress.tick(bytesRead: position.bytesRead, totalBytes: position.totalBytes,
                          openConnections: analysis.openConnections)
            return !output.isClosed
        }, idle: {
            analysis.advance(to: Self.wallClock())
        })
    }

    private func listSegments(output: LineOutput) throws(CommandFailure) {
        var listing = SegmentListing(output: output)
        defer { listing.finish() }
        try packetSource().run({ packet, _ in
            listing.consume(packet)
            return !output.isClosed
        }, idle: {})
    }

    private var trackerConfiguration: TrackerConfiguration {
        var configuration = TrackerConfiguration()
        configuration.maximumSegmentLifetime = Int64(msl * Double(TrackerConfiguration.second))
        configuration.maximumConnections = maxConnections
        if let idle = idleTimeout {
            configuration.handshakeIdleTimeout = idle.handshake ?? configuration.handshakeIdleTimeout
            configuration.establishedIdleTimeout = idle.established ?? configuration.establishedIdleTimeout
            configuration.closingIdleTimeout = idle.closing ?? configuration.closingIdleTimeout
        }
        return configuration
    }

    private func packetSource() -> PacketSource {
        let input: PacketSource.Input
        if let interface {
            var options = LiveCapture.Options()
            options.snapLength = snaplen
            options.promiscuous = !noPromisc
            options.bufferSize = bufferSize.map { $0 * 1024 }
            input = .live(interface: interface, options: options)
        } else {
            input = .files(read)
        }
        return PacketSource(input: input, filter: filter.isEmpty ? nil : filter.joined(separator: " "),
                            limit: count, dumpPath: write)
    }

    private func listAllInterfaces() throws {
        do {
            for (index, device) in try NetworkInterface.all().enumerated() {
                var line = "\(index + 1).\(device.name)"
                if let description = device.description { line += " (\(description))" }
                if !device.statusText.isEmpty { line += " \(device.statusText)" }
                print(line)
            }
        } catch {
            throw CommandFailure(error)
        }
    }

    /// Live capture stamps packets with the wall clock, so it is capture time too.
    private static func wallClock() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec))
    }
}

/// What `--format` can print.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case transitions, table, json, zeek, ladder, steps, mermaid, summary, segments
}

/// `--color`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

extension StepTable.Language: ExpressibleByArgument {}
