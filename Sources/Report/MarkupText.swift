/// Text made safe for markup: HTML and XML elements and attributes (the
/// report, the JUnit file), and JSON inside the report's script.
public enum MarkupText {
    /// `&`, `<`, `>` and both quotes as entities. XML 1.0 has no way to carry
    /// control characters other than tab, newline and return, even as
    /// references: each becomes U+FFFD, so the document stays well-formed.
    public static func escaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case _ where character.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }):
                escaped += "\u{FFFD}"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A JSON string literal that can sit inside `<script>`: `<` is written
    /// `\u003c`, so no `</script>` can end the element early.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "<": result += "\\u003c"
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
