import Report

/// The check's result as JUnit XML, the format CI systems display: one
/// test case per rule and per expected connection, a `failure` element with
/// the offending connections where one broke. Elements and attributes are
/// the ones the JUnit schema requires (testsuite: name, tests, failures,
/// errors; testcase: name, classname; failure: message).
public enum JUnitReport {
    public struct TestCase: Sendable {
        public var classname: String
        public var name: String
        /// nil when it passed.
        public var failure: (message: String, details: [String])?
        /// What a passing case saw, as `system-out` (a failure's details say it).
        public var output: [String]

        public init(classname: String, name: String, failure: (message: String, details: [String])?,
                    output: [String] = []) {
            self.classname = classname
            self.name = name
            self.failure = failure
            self.output = output
        }
    }

    public static func xml(suite: String, cases: [TestCase], seconds: Double) -> String {
        lines(suite: suite, cases: cases, seconds: seconds).joined(separator: "\n") + "\n"
    }

    /// The document's lines, to write one by one.
    public static func lines(suite: String, cases: [TestCase], seconds: Double) -> [String] {
        let failures = cases.filter { $0.failure != nil }.count
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<testsuites name=\"\(MarkupText.escaped(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">",
            "  <testsuite name=\"\(MarkupText.escaped(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" "
                + "skipped=\"0\" time=\"\(seconds)\">",
        ]
        for testCase in cases {
            let opening = "    <testcase classname=\"\(MarkupText.escaped(testCase.classname))\" name=\"\(MarkupText.escaped(testCase.name))\""
            guard let failure = testCase.failure else {
                if testCase.output.isEmpty {
                    lines.append(opening + "/>")
                } else {
                    lines.append(opening + "><system-out>" + MarkupText.escaped(testCase.output.joined(separator: "\n"))
                                 + "</system-out></testcase>")
                }
                continue
            }
            lines.append(opening + ">")
            lines.append("      <failure message=\"\(MarkupText.escaped(failure.message))\" type=\"handshake.check\">"
                + MarkupText.escaped(failure.details.joined(separator: "\n")) + "</failure>")
            lines.append("    </testcase>")
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines
    }
}
