import Assertions
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The JUnit XML has what the JUnit schema requires (testsuite: name,
/// tests, failures, errors; testcase: name, classname; failure: message),
/// parses as XML, and escapes what XML needs escaped.
struct JUnitReportTests {
    @Test func requiredElementsAndAttributes() throws {
        let xml = JUnitReport.xml(suite: "handshake check", cases: [
            .init(classname: "handshake.check.rules", name: "no refused connections", failure: nil),
            .init(classname: "handshake.check.rules", name: "no reset connections",
                  failure: ("1 connection(s) broke it", ["#1 10.0.0.1.5 → 10.0.0.2.80: reset <& \"quoted\">"])),
        ], seconds: 0.25)
        let document = try XMLDocument(xmlString: xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        let suite = try #require(root.elements(forName: "testsuite").first)
        for attribute in ["name", "tests", "failures", "errors"] {
            #expect(suite.attribute(forName: attribute) != nil, "testsuite needs \(attribute)")
        }
        #expect(suite.attribute(forName: "tests")?.stringValue == "2")
        #expect(suite.attribute(forName: "failures")?.stringValue == "1")
        let cases = suite.elements(forName: "testcase")
        #expect(cases.count == 2)
        for testCase in cases {
            #expect(testCase.attribute(forName: "name") != nil && testCase.attribute(forName: "classname") != nil)
        }
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == "1 connection(s) broke it")
        #expect(failure.stringValue == "#1 10.0.0.1.5 → 10.0.0.2.80: reset <& \"quoted\">")
        #expect(cases[0].elements(forName: "failure").isEmpty)
    }

    /// Before: an escape or NUL character went into the file as it was, and
    /// XML 1.0 cannot carry it even as a reference, so parsers refused the report.
    @Test func controlCharactersKeepTheReportWellFormed() throws {
        let xml = JUnitReport.xml(suite: "handshake check", cases: [
            .init(classname: "handshake.check.expect", name: "connection 1: \u{1B}[32mPASS\u{1B}[0m\u{0}",
                  failure: ("differs", ["- close: \u{7}fin\tand\nmore"])),
        ], seconds: 0)
        let document = try XMLDocument(xmlString: xml)
        let testCase = try #require(document.rootElement()?.elements(forName: "testsuite").first?
            .elements(forName: "testcase").first)
        #expect(testCase.attribute(forName: "name")?.stringValue == "connection 1: \u{FFFD}[32mPASS\u{FFFD}[0m\u{FFFD}")
        #expect(testCase.elements(forName: "failure").first?.stringValue == "- close: \u{FFFD}fin\tand\nmore")
    }
}
