import Tracker
import Wire

/// `--where EXPRESSION`: keeps the connections whose record satisfies it,
/// in the JSON contract's field names and tshark's display-filter habits:
///
///     server_state == CLOSE_WAIT
///     rtt > 10ms and close == rst
///     not (handshake == complete) or anomalies contains retransmission
///     server == 10.0.0.2:5432 && client_bytes >= 1000
///
/// Comparisons are `==` `!=` `<` `<=` `>` `>=` and, for lists and text,
/// `contains`; they combine with `and`/`&&`, `or`/`||`, `not`/`!` and
/// parentheses. A field without a value (no RTT measured, a state never
/// seen) satisfies no comparison. Every name and value is checked when the
/// expression is read, so a typo is an error, not a filter that keeps nothing.
public struct RecordFilter: Sendable {
    indirect enum Expression: Sendable {
        case comparison(RecordField, Comparison, RecordField.Value)
        case not(Expression)
        /// A chain of `and`s or `or`s as one list, not a tree as deep as it is
        /// long: evaluating (and freeing) a tree of 10,000 `or`s overflowed the stack.
        case and([Expression])
        case or([Expression])
    }

    enum Comparison: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case contains
    }

    /// Why an expression could not be read, in one line.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    let expression: Expression
    /// The text it was read from, for messages.
    public let text: String

    public init(_ text: String) throws(ParseError) {
        var parser = try RecordFilterParser(text)
        expression = try parser.parseWhole()
        self.text = text
    }

    public func matches(_ record: ConnectionRecord) -> Bool {
        Self.evaluate(expression, record)
    }

    private static func evaluate(_ expression: Expression, _ record: ConnectionRecord) -> Bool {
        switch expression {
        case .comparison(let field, let comparison, let value):
            guard let actual = field.value(of: record) else { return false }
            return actual.satisfies(comparison, value)
        case .not(let inner): return !evaluate(inner, record)
        case .and(let terms): return terms.allSatisfy { evaluate($0, record) }
        case .or(let terms): return terms.contains { evaluate($0, record) }
        }
    }
}

extension RecordField.Value {
    /// Whether `self` (the record's) stands in `comparison` to `wanted` (the expression's).
    func satisfies(_ comparison: RecordFilter.Comparison, _ wanted: RecordField.Value) -> Bool {
        switch (self, wanted) {
        case (.number(let actual), .number(let value)):
            return Self.order(actual, comparison, value)
        case (.whole(let actual), .whole(let value)):
            return Self.order(actual, comparison, value)
        case (.text(let actual), .text(let value)):
            if comparison == .contains { return actual.contains(value) }
            return Self.order(actual, comparison, value)
        case (.list(let actual), .text(let value)):
            return actual.contains(value)
        case (.endpoint(let actual), .criterion(let criterion)):
            let matches = criterion.matches(actual)
            return comparison == .equal ? matches : !matches
        default:
            return false
        }
    }

    private static func order<T: Comparable>(_ actual: T, _ comparison: RecordFilter.Comparison, _ value: T) -> Bool {
        switch comparison {
        case .equal: actual == value
        case .notEqual: actual != value
        case .less: actual < value
        case .lessOrEqual: actual <= value
        case .greater: actual > value
        case .greaterOrEqual: actual >= value
        case .contains: false
        }
    }
}
