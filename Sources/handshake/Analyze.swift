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

/// `handshake [analyze]`: track every connection and print it in a format.
/// The default subcommand, so `handshake -r FILE` works as in tcpdump.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Track every TCP connection and print its states (the default).",
        discussion: Handshake.whatItDoes + """


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

    @OptionGroup var capture: CaptureOptions

    @Flag(name: .customShort("D"), help: "List the interfaces that can be captured on, then exit.")
    var listInterfaces = false

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

    func validate() throws {
        if listInterfaces { return }
        try capture.requireInput()
        if let connectionEndpoint, ConnectionCriterion(endpoint: connectionEndpoint) == nil {
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
        let output = LineOutput(fd: STDOUT_FILENO, flushesEachLine: capture.isLive)
        let colors = color == .always || (color == .auto && isatty(STDOUT_FILENO) == 1)
        switch format {
        case .segments: return try listSegments(output: output)
        case .transitions: try analyze(TransitionLines(colors: colors), output: output)
        case .table: try analyze(ConnectionRows(), output: output)
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
            _ = try capture.track(RendererPair(selected(renderer), Summary()), output: output)
        } else {
            _ = try capture.track(selected(renderer), output: output)
        }
    }

    private func selected<R: ConnectionRenderer>(_ renderer: R) -> ConnectionSelection<R> {
        let criterion = connectionID.map { ConnectionCriterion.id($0) }
            ?? connectionEndpoint.flatMap { ConnectionCriterion(endpoint: $0) }
        return ConnectionSelection(renderer, criterion: criterion)
    }

    private func listSegments(output: LineOutput) throws(CommandFailure) {
        var listing = SegmentListing(output: output)
        defer { listing.finish() }
        try capture.packetSource().run({ packet, _ in
            listing.consume(packet)
            return !output.isClosed
        }, idle: {})
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
    case transitions, table, json, zeek, ladder, steps, mermaid, summary, segments
}

/// `--color`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

extension StepTable.Language: ExpressibleByArgument {}
