import TestSupport
import Foundation
import Pipeline
import Report
import Testing
import Tracker

/// Every output format of the registry (`OutputFormat`) on real captures,
/// against pinned files in Fixtures/golden, reviewed by eye once. A change
/// to any format shows here as a diff to review. `make golden` runs this
/// suite with HANDSHAKE_GOLDEN=write, which rewrites the files instead.
struct GoldenOutputTests {
    /// The captures whose every format is pinned.
    static let fixtures = ["ipv4-loopback", "half-close", "rst-abort", "refused", "unanswered-syn", "simultaneous-open",
                           "simultaneous-close", "mid-stream", "lost-fin", "port-reuse", "lost-first-syn"]

    /// Each golden file's suffix, format and options: every format that
    /// tracks connections, and the steps format in Korean too.
    static let variants: [(suffix: String, format: OutputFormat, options: RenderingOptions)] =
        OutputFormat.allCases.filter(\.tracksConnections).map { ($0.rawValue, $0, RenderingOptions()) }
        + [("steps-ko", .steps, RenderingOptions(language: .ko))]

    static let goldenFiles = fixtures.flatMap { fixture in variants.map { "\(fixture).\($0.suffix)" } }
    static let directory = FixtureFiles.directory.appendingPathComponent("golden")
    static let writing = ProcessInfo.processInfo.environment["HANDSHAKE_GOLDEN"] == "write"

    @Test func noGoldenFileIsLeftOver() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        #expect(Set(present) == Set(Self.goldenFiles))
        #expect(Self.goldenFiles.count == 121)
    }

    @Test(arguments: goldenFiles)
    func outputMatchesGolden(file: String) throws {
        let fixture = String(file.prefix { $0 != "." })
        let variant = try #require(Self.variants.first { file == "\(fixture).\($0.suffix)" })
        let events = try FixtureTracking.events(FixtureFiles.path("\(fixture).pcap"))
        let rendered = try #require(variant.format.render(events, options: variant.options))
        let url = Self.directory.appendingPathComponent(file)
        if Self.writing { return try Data(rendered.utf8).write(to: url) }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == golden, "\(file) differs; if the change is intended, run `make golden` and review")
    }
}

/// Every state each side passes through shows in the steps table: before,
/// a segment that moved a side twice (FIN_WAIT_1 → CLOSING) showed only the
/// last, and an inferred LAST_ACK vanished. Checked on every fixture: the
/// table's states, read down each column, are the record's transitions.
struct StepTableStateTests {
    static let fixtures = try! FileManager.default.contentsOfDirectory(atPath: FixtureFiles.directory.path)
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()

    @Test(arguments: fixtures)
    func everyStateShows(fixture: String) throws {
        let events = try FixtureTracking.events(FixtureFiles.path(fixture))
        let text = try #require(OutputFormat.steps.render(events))
        let records = events.compactMap { if case .finished(let record) = $0 { record } else { nil } }
        let tables = text.components(separatedBy: "### Connection ").dropFirst()
        #expect(tables.count == records.count)
        for (table, record) in zip(tables, records) {
            let rows = table.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Step |") }
            for (column, transitions) in [(2, record.clientTransitions.map(\.state)), (3, record.serverTransitions.map(\.state))] {
                // Each cell's states in order, marks dropped, a repeat of the row above folded.
                var shown: [String] = []
                for row in rows {
                    let cell = row.split(separator: "|", omittingEmptySubsequences: false)[column]
                    for state in cell.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["`"])
                        .components(separatedBy: "→") {
                        let bare = state.trimmingCharacters(in: ["*", "~"])
                        if bare != shown.last { shown.append(bare) }
                    }
                }
                let expected = transitions.map(\.rawValue)
                // What came before the first change (LISTEN, CLOSED or "-") heads the column.
                #expect(Array(shown.drop { $0 != expected.first }) == expected,
                        "\(fixture) #\(record.id) column \(column): \(shown)")
            }
        }
    }
}

/// `--format conv` counts as `tshark -z conv,tcp` does. The oracle is
/// tshark's per-packet fields (tcp.stream, frame.len, frame.time_relative)
/// summed per stream, which `-z conv` prints rounded to kB.
struct ConversationTests {
    @Test(arguments: StepTableStateTests.fixtures)
    func framesAndBytesEachWayAreTsharks(fixture: String) throws {
        let rows = try Tshark.fields(FixtureFiles.path(fixture), ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport",
                                                                  "frame.len", "frame.time_relative"])
        var streams: [String: [[String]]] = [:]
        var order: [String] = []
        for row in rows {
            if streams[row[0]] == nil { order.append(row[0]) }
            streams[row[0], default: []].append(row)
        }
        // Each stream as our row prints it: C→S and S→C frames and bytes; the
        // side that sent the first packet is the client in these fixtures.
        var expected: [String] = []
        for stream in order {
            let packets = streams[stream]!
            let first = packets[0][1] + packets[0][2] + ":" + packets[0][3]
            let fromFirst = packets.filter { $0[1] + $0[2] + ":" + $0[3] == first }
            let fromOther = packets.filter { $0[1] + $0[2] + ":" + $0[3] != first }
            let bytes = { (list: [[String]]) in list.map { Int($0[4])! }.reduce(0, +) }
            // Nanoseconds from tshark's nine decimals, rounded to the microsecond as the column is.
            let nanoseconds = { (text: String) in Int64(text.replacingOccurrences(of: ".", with: ""))! }
            let start = nanoseconds(packets[0][5])
            let seconds = { (value: Int64) in String(format: "%.6f", Double((value + 500) / 1000) / 1e6) }
            expected.append(([fromFirst.count, bytes(fromFirst), fromOther.count, bytes(fromOther),
                              packets.count, bytes(packets)].map(String.init)
                             + [seconds(start), seconds(nanoseconds(packets.last![5]) - start)]).joined(separator: " "))
        }
        let events = try FixtureTracking.events(FixtureFiles.path(fixture))
        let text = try #require(OutputFormat.conv.render(events))
        let ours = text.split(separator: "\n").dropFirst().map { line in
            line.split(separator: " ").dropFirst(2).joined(separator: " ")
        }
        #expect(ours.sorted() == expected.sorted(), "\(fixture)")
    }
}
