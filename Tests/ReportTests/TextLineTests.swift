import Testing
@testable import Report
import Wire

/// The byte-level line builder behind the JSON and Zeek writers must write
/// what the `String` APIs it replaced wrote.
struct TextLineTests {
    @Test(arguments: ["10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.20", "2001:db8::1", "::1"])
    func addressesAsTheirDescription(text: String) {
        var line = TextLine(capacity: 64)
        let address = IPAddress(text)!
        line.append(address)
        #expect(line.text == address.description)
        #expect(line.text == text)
    }

    /// RFC 8259 §7: quote, backslash and control characters escaped; the rest as is.
    @Test func jsonStringEscaping() {
        var line = TextLine(capacity: 64)
        line.appendJSONString("a\"b\\c\nd\re\tf\u{1}g\u{1F}h→")
        #expect(line.text == #""a\"b\\c\nd\re\tf\u0001g\u001fh→""#)
    }

    /// A line longer than its buffer grows it and keeps every byte in order.
    @Test func growsPastItsCapacity() {
        var line = TextLine(capacity: 4)
        var expected = ""
        for value in 0..<500 {
            line.append(value)
            line.append(",")
            expected += "\(value),"
        }
        line.append(contentsOf: "é→")
        expected += "é→"
        #expect(line.text == expected)
    }
}
