import Capture
import Foundation
@testable import Pipeline
import Report
import TestSupport
import Testing
import Wire

/// The pipeline as a library: a front end describes a source, runs it with
/// a renderer, and gets the command's own output; what was read before a
/// failure is rendered before the error.
struct PipelineTests {
    /// Fixtures/golden/ipv4-loopback.json is what `handshake -r … --format json` prints.
    @Test func aFileTrackedAsTheCommandTracksIt() throws {
        let pipeline = Pipeline(source: PacketSource(input: .files([FixtureFiles.path("ipv4-loopback.pcap")])))
        let (text, failure) = try PipelineOutput.text(of: pipeline, JSONLines())
        #expect(failure == nil)
        #expect(text == (try String(contentsOf: FixtureFiles.directory.appendingPathComponent("golden/ipv4-loopback.json"),
                                    encoding: .utf8)))
    }

    /// The filter and the packet limit apply before tracking, as `-c` and a BPF expression do.
    @Test func filterAndLimitApplyFirst() throws {
        let source = PacketSource(input: .files([FixtureFiles.path("busy.pcap")]), filter: "tcp[tcpflags] & tcp-syn != 0",
                                  limit: 6)
        let (text, failure) = try PipelineOutput.text(of: Pipeline(source: source), JSONLines())
        #expect(failure == nil)
        // Six SYN or SYN-ACK segments: the first three connections' handshakes, no more.
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test func aDamagedFileYieldsWhatCameBeforeThenItsError() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: FixtureFiles.path("port-reuse.pcap")))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString).pcap")
        try original.prefix(original.count - 30).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let (text, failure) = try PipelineOutput.text(of: Pipeline(source: PacketSource(input: .files([url.path]))), JSONLines())
        #expect(text.split(separator: "\n").count == 2)
        guard case .truncated(let path, _, let packetsRead) = failure else {
            Issue.record("expected a truncated file, got \(String(describing: failure))")
            return
        }
        #expect(path == url.path)
        // port-reuse.tshark.tsv lists 22 packets; the cut falls inside the last.
        #expect(packetsRead == 21)
    }
}

/// The one list of formats: every value of `--format`, its help, and a
/// renderer for each that tracks connections.
struct OutputFormatTests {
    struct Name: RendererVisitor {
        // Not empty: an empty struct passed inout has no real address, and
        // ThreadSanitizer's instrumentation of the access faulted on it.
        var prefix = ""

        func visit<Renderer: ConnectionRenderer>(_ renderer: Renderer) -> String {
            prefix + String(describing: Renderer.self)
        }
    }

    @Test func everyTrackingFormatHasItsRenderer() {
        var name = Name()
        let renderers = OutputFormat.allCases.map { $0.withRenderer(RenderingOptions(), &name) }
        #expect(renderers == ["TransitionLines", "ConnectionRows", "ConversationRows", "JSONLines", "ZeekConnLog", "LadderDiagram",
                              "StepTable", "MermaidDiagram", "HTMLReport", "Summary", nil])
        #expect(OutputFormat.allCases.filter { !$0.tracksConnections } == [.segments])
    }

    @Test func helpListsEveryFormat() {
        #expect(OutputFormat.helpText == "transitions (one line per state change, the default), table, "
            + "conv (frames and bytes each way, as tshark -z conv,tcp), json (NDJSON), "
            + "zeek (conn.log), ladder (a sequence diagram), steps (the study note's step table), mermaid, "
            + "html (one self-contained page to open in a browser), summary, "
            + "segments (tcpdump-like lines, no tracking)")
    }
}

/// A segment's encapsulation handle must still resolve when its tracker
/// takes it: with `-j`, a segment waits at most for the flushes its
/// tracker's queue holds, the one it is working on and the one being
/// filled, and each of their segments gives out at most one new handle.
@Test func segmentsInFlightNeverOutliveTheirEncapsulationHandles() {
    typealias Analysis = ParallelAnalysis<ConnectionRows>
    #expect(Analysis.flushSteps * (Analysis.queueCapacity + 2) < Encapsulation.resolvableSpan)
}
