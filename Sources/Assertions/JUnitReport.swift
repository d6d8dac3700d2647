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

        public init(classname: String, name: String, failure: (message: String, details: [String])?) {
            self.classname = classname
            self.name = name
            self.failure = failure
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
            "<testsuites name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">",
            "  <testsuite name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" "
                + "skipped=\"0\" time=\"\(seconds)\">",
        ]
        for testCase in cases {
            let opening = "    <testcase classname=\"\(escape(testCase.classname))\" name=\"\(escape(testCase.name))\""
            guard let failure = testCase.failure else {
                lines.append(opening + "/>")
                continue
            }
            lines.append(opening + ">")
            lines.append("      <failure message=\"\(escape(failure.message))\" type=\"handshake.check\">"
                + escape(failure.details.joined(separator: "\n")) + "</failure>")
            lines.append("    </testcase>")
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            // XML 1.0 has no way to carry other control characters, even as
            // references: a report with one is not well-formed.
            case _ where character.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }):
                escaped += "\u{FFFD}"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
