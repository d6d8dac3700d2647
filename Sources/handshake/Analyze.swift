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

/// `handshake [analyze]`: track every connection and print it in a format.
/// The default subcommand, so `handshake -r FILE` works as in tcpdump.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Track every TCP connection and print its states (the default).",
        discussion: Handshake.whatItDoes + """


            Formats: \(OutputFormat.helpText).

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

    /// tcpdump's flags that print packets (-x, -X, -A their bytes, -e their
    /// link-layer header), typed by habit: taken only to say what to use instead.
    @Flag(name: [.customShort("x"), .customShort("X"), .customShort("A"), .customShort("e")], help: .hidden)
    var packetPrinting: Int

    // Parsed here, not as ExpressibleByArgument: ArgumentParser lists six
    // or more values one per line in its error, nine lines for one typo.
    @Option(help: "What to print (see Formats below).", transform: { text in
        guard let format = OutputFormat(rawValue: text) else {
            throw ValidationError("give one of " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return format
    })
    var format: OutputFormat = .transitions

    @Flag(help: "Print the summary after the chosen format; on stderr for json, zeek and mermaid, which programs read.")
    var summary = false

    @Option(help: "Colour the transitions format: always, never, or auto (on a terminal).")
    var color: ColorChoice = .auto

    @Option(help: "Language of the steps format: en or ko (the study note's Korean).")
    var lang: StepTable.Language = .en

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "The html format draws a ladder for this many connections, the most anomalous first (0 to 100000).",
        valueName: "count"))
    var htmlDetail = 100

    @Flag(name: .customLong("no-zeek-timers"), help: ArgumentHelp(
        "The zeek format logs one row per handshake connection, instead of Zeek's own connections as Zeek's "
            + "timers end them (tcp_attempt_delay, tcp_close_delay, tcp_reset_delay, inactivity)."))
    var noZeekTimers = false

    @Option(help: "Row order of the conv format: start, or largest first by frames, bytes or duration.")
    var sort: ConversationRows.Order = .start

    @Option(name: .customLong("connection"), help: ArgumentHelp("Show only the connection with this id.",
                                                                 valueName: "id"))
    var connectionID: UInt64?

    @Option(name: .customLong("conn"), help: ArgumentHelp(
        "Show only connections with this endpoint: HOST:PORT, [IPv6]:PORT or HOST.", valueName: "endpoint"))
    var connectionEndpoint: String?

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Show only connections whose record satisfies this, in the JSON field names, e.g. "
            + "'server_state == CLOSE_WAIT' or 'rtt > 10ms and close == rst'.", valueName: "expression"),
            transform: RecordFilter.argument)
    var filter: RecordFilter?

    func validate() throws {
        if listInterfaces { return }
        if packetPrinting > 0 {
            throw ValidationError("-x, -X, -A and -e print packets (their bytes, their link-layer header) in tcpdump; "
                                  + "handshake prints connections: --format segments lists each TCP segment as tcpdump does")
        }
        try capture.requireInput()
        if let connectionEndpoint, ConnectionCriterion(endpoint: connectionEndpoint) == nil {
            throw ValidationError(ConnectionCriterion.usageError("--conn", connectionEndpoint))
        }
        if !(0...100_000).contains(htmlDetail) {
            throw ValidationError("--html-detail must be from 0 to 100000 connections, not \(htmlDetail)")
        }
        if connectionID != nil, connectionEndpoint != nil {
            throw ValidationError("give --connection or --conn, not both")
        }
        if format == .zeek, !noZeekTimers, filter != nil || connectionID != nil {
            throw ValidationError("--where and --connection choose handshake's connections; the zeek format logs "
                + "Zeek's (its timers split and join them): add --no-zeek-timers, or choose by --conn")
        }
        if format == .segments, summary || connectionID != nil || connectionEndpoint != nil || filter != nil {
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
        let output = LineOutput(fd: STDOUT_FILENO)
        let colors = color == .always || (color == .auto && Self.terminalTakesColors)
        let pipeline = capture.pipeline()
        var run = FormatRun(pipeline: pipeline, output: output,
                            criterion: connectionID.map { .id($0) } ?? connectionEndpoint.flatMap(ConnectionCriterion.init),
                            filter: filter,
                            criterionText: filter.map { "--where \($0.text)" } ?? connectionID.map { "--connection \($0)" }
                                ?? connectionEndpoint.map { "--conn \($0)" },
                            summary: !summary || format == .summary ? nil : format.isMachineReadable ? .stderr : .stdout)
        do throws(CaptureError) {
            if try format.withRenderer(RenderingOptions(colors: colors, language: lang, conversationOrder: sort,
                                                               htmlDetail: htmlDetail, zeekTimers: !noZeekTimers), &run) == nil {
                try pipeline.listSegments(to: output)
            }
        } catch {
            throw CommandFailure(error)
        }
        try CommandFailure.check(output)
    }

    /// A terminal on stdout, and no NO_COLOR (no-color.org) or TERM=dumb.
    private static var terminalTakesColors: Bool {
        func variable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
        return isatty(STDOUT_FILENO) == 1 && (variable("NO_COLOR") ?? "").isEmpty && variable("TERM") != "dumb"
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

/// Runs the pipeline with the chosen format's renderer, narrowed to the
/// chosen connections, and the summary after it if asked for.
private struct FormatRun: RendererVisitor {
    let pipeline: Pipeline
    let output: LineOutput
    let criterion: ConnectionCriterion?
    let filter: RecordFilter?
    /// The option that chose connections, to say when it matched nothing.
    let criterionText: String?
    /// Where `--summary` goes, if asked for.
    let summary: SummaryPlace?

    enum SummaryPlace { case stdout, stderr }

    func visit<Renderer: ConnectionRenderer>(_ renderer: Renderer) throws(CaptureError) {
        let selected = ConnectionSelection(renderer, criterion: criterion, filter: filter)
        let matched: Int
        switch summary {
        case nil:
            matched = try pipeline.track(selected, to: output).matched
        case .stdout:
            matched = try pipeline.track(RendererPair(selected, Summary()), to: output).first.matched
        case .stderr:
            // Written once stdout's lines are out (the run flushes them at its end).
            let stderr = LineOutput(fd: STDERR_FILENO)
            defer { stderr.flush() }
            matched = try pipeline.track(RendererPair(selected, RedirectedRenderer(Summary(), to: stderr)), to: output)
                .first.matched
        }
        // An empty result looks like a capture with nothing in it: say why.
        if let criterionText, matched == 0 { Diagnostics.say("no connection matched \(criterionText)") }
    }
}

/// `--color`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

extension StepTable.Language: ExpressibleByArgument {}

extension ConversationRows.Order: ExpressibleByArgument {}

extension RecordFilter {
    /// `--where`'s value, or a usage error that says what is wrong with it.
    static func argument(_ text: String) throws -> RecordFilter {
        do throws(ParseError) {
            return try RecordFilter(text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
