import TestSupport
import Foundation
import Report
import Testing
import Tracker

/// Every output format on real captures, against pinned files in
/// Fixtures/golden (written by `make golden` through the command, reviewed
/// by eye once). A change to any format shows here as a diff to review.
struct GoldenOutputTests {
    static let goldenFiles: [String] = (try? FileManager.default.contentsOfDirectory(
        atPath: FixtureFiles.directory.appendingPathComponent("golden").path))?.sorted() ?? []

    @Test func everyFormatHasGoldens() {
        let formats = Set(Self.goldenFiles.compactMap { $0.split(separator: ".").last.map(String.init) })
        #expect(formats == ["transitions", "table", "json", "zeek", "ladder", "steps", "steps-ko", "mermaid", "summary"])
        #expect(Self.goldenFiles.count >= 90)
    }

    @Test(arguments: goldenFiles)
    func outputMatchesGolden(file: String) throws {
        let parts = file.split(separator: ".")
        let fixture = String(parts[0])
        let events = try FixtureTracking.events(FixtureFiles.path("\(fixture).pcap"))
        let rendered: String
        switch parts[1] {
        case "transitions": rendered = renderAll(events, with: TransitionLines(colors: false))
        case "table": rendered = renderAll(events, with: ConnectionRows())
        case "json": rendered = renderAll(events, with: JSONLines())
        case "zeek": rendered = renderAll(events, with: ZeekConnLog())
        case "ladder": rendered = renderAll(events, with: LadderDiagram())
        case "steps": rendered = renderAll(events, with: StepTable(language: .en))
        case "steps-ko": rendered = renderAll(events, with: StepTable(language: .ko))
        case "mermaid": rendered = renderAll(events, with: MermaidDiagram())
        case "summary": rendered = renderAll(events, with: Summary())
        default: Issue.record("unknown format in \(file)"); return
        }
        let golden = try String(contentsOf: FixtureFiles.directory.appendingPathComponent("golden/\(file)"),
                                encoding: .utf8)
        #expect(rendered == golden, "\(file) differs; if the change is intended, run `make golden` and review")
    }
}
