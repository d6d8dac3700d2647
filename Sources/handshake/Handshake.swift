import ArgumentParser
import Capture
import Report
import Tracker
import Wire

@main
struct Handshake: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handshake",
        abstract: "Label every TCP connection's lifecycle, for both endpoints, from a capture or a live interface.",
        discussion: """
            Reads packets like tcpdump (-r FILE, -i IFACE, -c N, a trailing BPF filter) and shows each \
            TCP connection's 3-way handshake and close as they happened on the wire.

            Examples:
              handshake -r capture.pcap
              handshake -r capture.pcapng --format segments port 443
              tcpdump -w - -i eth0 | handshake -r -
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
    var format: OutputFormat = .segments

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
    }

    func run() throws {
        do {
            try execute()
        } catch let failure as CommandFailure {
            Diagnostics.say(failure.description)
            throw failure.status.exitCode
        }
    }

    private func execute() throws {
        if listInterfaces {
            return try listAllInterfaces()
        }
        let output = LineOutput(fd: 1, flushesEachLine: interface != nil)
        var analysis = Analysis(format: format, output: output, configuration: trackerConfiguration)
        // What was read before a failure is still reported: finish on every exit.
        defer { analysis.finish() }
        try packetSource().run { analysis.consume($0) }
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
}

/// What `--format` can print.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// One line per TCP segment, like `tcpdump -nn -tt -S`.
    case segments
    /// One JSON object per connection (NDJSON), in the order connections finish.
    case json
}
