/// A parsed JSON value, for reading back what handshake wrote (`merge`).
/// Numbers keep their text, so a time with nine decimals comes back to
/// the nanosecond, which a Double cannot hold.
enum JSONValue: Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Substring)
    case bool(Bool)
    case null

    /// Where and why text is not JSON.
    struct ParseError: Error, Equatable {
        var offset: Int
        var reason: String
    }

    /// Parses one value that makes up all of `text` (surrounding spaces aside).
    init(parsing text: Substring) throws(ParseError) {
        var parser = Parser(text: text)
        self = try parser.value()
        parser.skipSpaces()
        guard parser.isAtEnd else { throw parser.error("text after the value") }
    }

    /// The deepest nesting of lists and objects read: a record nests three
    /// deep, and each level is a frame of the parser's stack.
    static let maximumDepth = 64

    private struct Parser {
        let text: Substring
        var index: Substring.Index
        var depth = 0

        init(text: Substring) {
            self.text = text
            index = text.startIndex
        }

        var isAtEnd: Bool { index == text.endIndex }

        func error(_ reason: String) -> ParseError {
            ParseError(offset: text.distance(from: text.startIndex, to: index), reason: reason)
        }

        mutating func skipSpaces() {
            // "\r\n" is one Character: a CRLF line end.
            while !isAtEnd, [" ", "\t", "\r", "\n", "\r\n"].contains(text[index]) { index = text.index(after: index) }
        }

        mutating func value() throws(ParseError) -> JSONValue {
            skipSpaces()
            guard !isAtEnd else { throw error("a value is missing") }
            switch text[index] {
            case "{", "[":
                guard depth < JSONValue.maximumDepth else {
                    throw error("lists and objects nested deeper than \(JSONValue.maximumDepth)")
                }
                depth += 1
                defer { depth -= 1 }
                return text[index] == "{" ? try object() : try array()
            case "\"": return .string(try string())
            case "t": return try literal("true", .bool(true))
            case "f": return try literal("false", .bool(false))
            case "n": return try literal("null", .null)
            default: return try number()
            }
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws(ParseError) -> JSONValue {
            guard text[index...].hasPrefix(word) else { throw error("not a value") }
            index = text.index(index, offsetBy: word.count)
            return value
        }

        mutating func number() throws(ParseError) -> JSONValue {
            let start = index
            while !isAtEnd, "+-.eE0123456789".contains(text[index]) { index = text.index(after: index) }
            guard start != index, Double(text[start..<index]) != nil else { throw error("not a value") }
            return .number(text[start..<index])
        }

        mutating func object() throws(ParseError) -> JSONValue {
            index = text.index(after: index)
            var members: [String: JSONValue] = [:]
            skipSpaces()
            if !isAtEnd, text[index] == "}" {
                index = text.index(after: index)
                return .object(members)
            }
            while true {
                skipSpaces()
                guard !isAtEnd, text[index] == "\"" else { throw error("a member name is missing") }
                let name = try string()
                skipSpaces()
                guard !isAtEnd, text[index] == ":" else { throw error("':' is missing") }
                index = text.index(after: index)
                members[name] = try value()
                skipSpaces()
                guard !isAtEnd else { throw error("'}' is missing") }
                let separator = text[index]
                index = text.index(after: index)
                if separator == "}" { return .object(members) }
                guard separator == "," else { throw error("',' or '}' is missing") }
            }
        }

        mutating func array() throws(ParseError) -> JSONValue {
            index = text.index(after: index)
            var elements: [JSONValue] = []
            skipSpaces()
            if !isAtEnd, text[index] == "]" {
                index = text.index(after: index)
                return .array(elements)
            }
            while true {
                elements.append(try value())
                skipSpaces()
                guard !isAtEnd else { throw error("']' is missing") }
                let separator = text[index]
                index = text.index(after: index)
                if separator == "]" { return .array(elements) }
                guard separator == "," else { throw error("',' or ']' is missing") }
            }
        }

        mutating func string() throws(ParseError) -> String {
            index = text.index(after: index)
            var result = ""
            while !isAtEnd {
                let character = text[index]
                index = text.index(after: index)
                switch character {
                case "\"": return result
                case "\\":
                    guard !isAtEnd else { break }
                    let escaped = text[index]
                    index = text.index(after: index)
                    switch escaped {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    case "r": result.append("\r")
                    case "b": result.append("\u{8}")
                    case "f": result.append("\u{C}")
                    case "u":
                        guard let end = text.index(index, offsetBy: 4, limitedBy: text.endIndex),
                              let code = UInt32(text[index..<end], radix: 16), let scalar = Unicode.Scalar(code)
                        else { throw error("a \\u escape is not four hex digits of a character") }
                        result.unicodeScalars.append(scalar)
                        index = end
                    default: result.append(escaped)
                    }
                default: result.append(character)
                }
            }
            throw error("a string is not closed")
        }
    }
}
