import ArgumentParser
import Pipeline
import Report
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `handshake merge`: the records of several shards, runs or sensors
/// (`--format json`) as one result, recomputed from all of them.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the NDJSON records of shards, runs or sensors into one result.",
        discussion: """
            Reads connection records written by --format json (of 'handshake --shard K/N' runs, of several \
            processes or machines, or of the distributed runner) and prints them as one run would: the summary \
            recomputed from every record (percentiles from all the samples, not averaged), the table, Zeek's \
            conn.log, JSON, or the HTML report's overview and connection list, ordered by first-seen time, then id. \
            Formats drawn from segments (ladders included) need the packets.

            Examples:
              handshake merge shard-*.ndjson
              handshake merge --format zeek shard-*.ndjson > conn.log
              handshake check --records shard-1.ndjson --records shard-2.ndjson --fail-on refused
            """)

    @Argument(help: ArgumentHelp("NDJSON files of connection records ('-' for standard input).", valueName: "file"))
    var files: [String] = []

    @Option(help: "What to print: summary (the default), table, json, zeek or html.", transform: { text in
        guard let format = OutputFormat(rawValue: text), format.drawsRecordsOnly else {
            throw ValidationError("give one of " + OutputFormat.allCases.filter(\.drawsRecordsOnly).map(\.rawValue)
                .joined(separator: ", ") + " (the other formats are drawn from the packets)")
        }
        return format
    })
    var format: OutputFormat = .summary

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Only records that satisfy this, as for analyze, e.g. 'server.port == 5432'.", valueName: "expression"),
            transform: RecordFilter.argument)
    var filter: RecordFilter?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the NDJSON files to merge ('-' for standard input)") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let output = LineOutput(fd: STDOUT_FILENO)
        var run = MergeRun(merge: RecordMerge(paths: files), output: output, filter: filter)
        do throws(CommandFailure) {
            // Ladders are drawn from segments, which records do not hold.
            _ = try format.withRenderer(RenderingOptions(htmlDetail: 0, zeekTimers: false), &run)
            try CommandFailure.check(output)
        } catch {
            Diagnostics.say(error.description)
            throw error.status.exitCode
        }
    }
}

/// Renders the merged records with the chosen format's renderer.
private struct MergeRun: RendererVisitor {
    let merge: RecordMerge
    let output: LineOutput
    let filter: RecordFilter?

    func visit<Renderer: ConnectionRenderer>(_ renderer: Renderer) throws(CommandFailure) {
        do throws(RecordMerge.Failure) {
            _ = try merge.track(ConnectionSelection(renderer, criterion: nil, filter: filter), to: output)
        } catch {
            throw CommandFailure(error)
        }
    }
}
