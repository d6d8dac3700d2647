import ArgumentParser
import Capture
import Report
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

    @Option(help: ArgumentHelp("Live capture: bytes kept of each packet.", valueName: "bytes"))
    var snaplen: Int32 = 262_144

    @Flag(help: "Live capture: do not put the interface into promiscuous mode.")
    var noPromisc = false

    @Option(name: [.customShort("B"), .customLong("buffer-size")],
            help: ArgumentHelp("Live capture: the kernel buffer, in KiB (like tcpdump -B).", valueName: "KiB"))
    var bufferSize: Int32?

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
        var undecodable = UndecodableCount()
        // What was read before a failure is still printed: flush on every exit.
        defer {
            output.flush()
            undecodable.report()
        }
        try packetSource().run { packet in
            let timestamp = Timestamp(seconds: packet.seconds, nanoseconds: packet.nanoseconds)
            do throws(DecodeFailure) {
                let segment = try SegmentDecoder.decode(packet.bytes, linkType: LinkType(rawValue: packet.linkType),
                                                        timestamp: timestamp)
                output.writeLine(SegmentLine.render(segment))
            } catch {
                undecodable.record(error)
            }
        }
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
}

/// Packets that looked like TCP/IP but whose headers were cut short or lied.
/// Other protocols are not counted: a capture is full of them.
struct UndecodableCount {
    private var counts: [String: Int] = [:]

    mutating func record(_ failure: DecodeFailure) {
        switch failure {
        case .truncated, .malformed, .unsupportedLinkType: counts[failure.description, default: 0] += 1
        case .notIP, .notTCP, .laterFragment: break
        }
    }

    func report() {
        for (reason, count) in counts.sorted(by: { $0.key < $1.key }) {
            Diagnostics.say("\(count) packet\(count == 1 ? "" : "s") not decoded: \(reason)")
        }
    }
}
