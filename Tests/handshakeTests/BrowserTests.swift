import Foundation
import Testing

/// `--format html` in a real browser: headless Chromium loads the page
/// from a file, runs its script, and the DOM it dumps is checked; a
/// screenshot of each is kept in .build/report-screenshots. No request
/// can leave (every host resolves to nothing, and the page's policy
/// forbids fetching), and the console must stay silent: no script error,
/// no policy complaint.
struct BrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let screenshots = CommandLineTests.fixtures.deletingLastPathComponent()
        .appendingPathComponent(".build/report-screenshots")

    struct Page {
        var dom: String
        var console: [String]
    }

    /// The report of `fixture`, as written by the command.
    static func report(_ arguments: [String]) throws -> String {
        let outcome = try CommandLineTests.handshake(arguments + ["--format", "html"])
        #expect(outcome.status == 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).html").path
        try Data(outcome.stdout.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Chromium's DOM of `path` (with `fragment`) after its script ran, and what it logged to the console.
    static func load(_ path: String, fragment: String = "", screenshot: String? = nil) throws -> Page {
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "chromium is not installed (make test installs it)"])
        }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                         "--virtual-time-budget=3000", "--window-size=1100,1400"]
        if let screenshot {
            try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
            arguments.append("--screenshot=" + screenshots.appendingPathComponent(screenshot).path)
        } else {
            arguments.append("--dump-dom")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = arguments + ["file://" + path + fragment]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Page(dom: dom, console: log.split(separator: "\n").filter { $0.contains("CONSOLE") }.map(String.init))
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func theTableHoldsEveryConnectionAndDrawsOnlyWhatIsInSight() throws {
        let path = try Self.report(["-r", "busy.pcap"])
        let page = try Self.load(path)
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.dom.contains("<span id=\"shown\">100 of 100 connections</span>"))
        let drawn = Self.count("<tr class=\"row\">", in: page.dom)
        #expect(drawn > 20 && drawn < 100, "drew \(drawn) rows")
        #expect(page.dom.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
        #expect(page.dom.contains("<input type=\"range\" min=\"1\" max=\"40\" id=\"zoom\""))
    }

    /// With JavaScript off the page still reads: what it holds before any
    /// script runs is the table's rows, the overview and the ladders, and
    /// the controls that need the script are hidden. (Headless Chromium
    /// neither dumps a DOM nor takes a screenshot with scripts off, so the
    /// page's own text is read.)
    @Test func thePageReadsWithoutJavaScript() throws {
        let path = try Self.report(["-r", "busy.pcap"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(Self.count("<tr><td>", in: text) == 100)
        #expect(text.contains("<p class=\"controls\" hidden>"))
        #expect(text.contains("<svg class=\"occupancy\""))
        #expect(Self.count("<section class=\"connection\"", in: text) == 100)
    }

    @Test func aFilterInTheAddressNarrowsTheTable() throws {
        let path = try Self.report(["-r", "port-reuse.pcap"])
        let page = try Self.load(path, fragment: "#filter=TIME_WAIT")
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.dom.contains("<span id=\"shown\">1 of 2 connections</span>"))
        let numeric = try Self.load(path, fragment: "#filter=rtt%3E1")
        #expect(numeric.dom.contains("<span id=\"shown\">0 of 2 connections</span>"))
    }

    /// lost-fin.pcap: the server's FIN was never captured, so its LAST_ACK is
    /// inferred, and the client's last ACK is one of unseen data (tshark's mark).
    @Test func aDeepLinkOpensOneConnectionWithItsLadder() throws {
        let path = try Self.report(["-r", "lost-fin.pcap"])
        let page = try Self.load(path, fragment: "#c966880422927040")
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.dom.contains("<section class=\"connection focus\" id=\"c966880422927040\">"))
        for label in ["SYN_SENT", "SYN_RECEIVED", "FIN_WAIT_2", "LAST_ACK*→CLOSED", "TIME_WAIT*",
                      "ACK seq=8 ack=17 win=63 [ACKed unseen segment]"] {
            #expect(page.dom.contains(label), "\(label)")
        }
        #expect(page.dom.contains("the peer's FIN arrives: wait 2×MSL (RFC 9293 §3.10.7.4, eighth: the FIN bit)"))
        // A time-sequence plot each way, the Mermaid source, and the buttons the script adds to save them.
        #expect(Self.count("<svg class=\"tsplot\"", in: page.dom) == 2)
        #expect(page.dom.contains("client → server: relative sequence over time"))
        #expect(page.dom.contains("sequenceDiagram\n    title Connection 966880422927040: 10.99.0.1.49666 → 10.99.0.2.8005"))
        #expect(page.dom.contains(">Save SVG</button>") && page.dom.contains(">Save .mmd</button>"))
    }

    @Test(arguments: ["ipv4-loopback", "half-close", "rst-abort", "refused", "unanswered-syn", "simultaneous-open",
                      "simultaneous-close", "mid-stream", "lost-fin", "port-reuse", "busy", "zero-window"])
    func aScreenshotOfEachIsKept(fixture: String) throws {
        let path = try Self.report(["-r", fixture + ".pcap"])
        let page = try Self.load(path, screenshot: fixture + ".png")
        #expect(page.console.isEmpty, "\(page.console)")
        let size = try FileManager.default.attributesOfItem(
            atPath: Self.screenshots.appendingPathComponent(fixture + ".png").path)[.size] as? Int
        #expect((size ?? 0) > 10_000)
    }

    /// `check --html`: the report with the verdicts at its top, each broken
    /// rule's connections linked to their ladders (a refusal is not also a
    /// reset: rst-abort.pcap's RST breaks the second rule).
    @Test func checkWritesTheReportWithItsVerdicts() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).html").path
        let outcome = try CommandLineTests.handshake(["check", "-r", "refused.pcap", "-r", "rst-abort.pcap",
                                                      "--fail-on", "refused,reset", "--html", path])
        #expect(outcome.status == 1)
        let page = try Self.load(path)
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.dom.contains("<h2>Check: 2 of 2 failed</h2>"))
        #expect(page.dom.contains("<li><a href=\"#c7438428579564337\">#7438428579564337</a> 10.99.0.1.40127 → 10.99.0.2.9: "
            + "refused (handshake refused, "))
        #expect(page.dom.contains("<section class=\"connection\" id=\"c7438428579564337\">"))
    }
}
