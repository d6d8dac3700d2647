/// Reads a `--where` expression by recursive descent:
///
///     expression := conjunction (("or" | "||") conjunction)*
///     conjunction := negation (("and" | "&&") negation)*
///     negation := ("not" | "!") negation | "(" expression ")" | FIELD OPERATOR VALUE | FIELD "in" SET
///     set := "{" VALUE ("," VALUE | VALUE)* "}"
///
/// `in` is tshark's set membership (`tcp.port in {80 443}`): any of the
/// values, with or without commas; `contains` any of them for a list field.
/// A value is a word (`CLOSE_WAIT`, `10ms`, `10.0.0.2:5432`, `[2001:db8::1]:443`)
/// or text in double quotes.
struct RecordFilterParser {
    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case symbol(String)
        case end

        var shown: String {
            switch self {
            case .word(let text), .symbol(let text): "'\(text)'"
            case .quoted(let text): "\"\(text)\""
            case .end: "the end"
            }
        }
    }

    private let tokens: [Token]
    private var position = 0
    /// Parentheses and `not`s open around the current place.
    private var depth = 0

    /// The deepest nesting of parentheses and `not`s: each level is a frame
    /// of the parser's stack and of every evaluation's.
    static let maximumDepth = 64

    init(_ text: String) throws(RecordFilter.ParseError) {
        tokens = try Self.tokens(text)
    }

    mutating func parseWhole() throws(RecordFilter.ParseError) -> RecordFilter.Expression {
        guard tokens != [.end] else { throw Self.failure("is empty") }
        let expression = try parseExpression()
        guard current == .end else { throw Self.failure("expected 'and', 'or' or the end, found \(current.shown)") }
        return expression
    }

    private var current: Token { tokens[position] }

    private mutating func advance() -> Token {
        defer { if position < tokens.count - 1 { position += 1 } }
        return tokens[position]
    }

    private mutating func take(_ words: String...) -> Bool {
        let matches: Bool
        switch current {
        case .word(let text): matches = words.contains(text.lowercased())
        case .symbol(let text): matches = words.contains(text)
        default: matches = false
        }
        if matches { _ = advance() }
        return matches
    }

    private mutating func parseExpression() throws(RecordFilter.ParseError) -> RecordFilter.Expression {
        var terms = [try parseConjunction()]
        while take("or", "||") { terms.append(try parseConjunction()) }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseConjunction() throws(RecordFilter.ParseError) -> RecordFilter.Expression {
        var terms = [try parseNegation()]
        while take("and", "&&") { terms.append(try parseNegation()) }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseNegation() throws(RecordFilter.ParseError) -> RecordFilter.Expression {
        let negated = take("not", "!")
        guard negated || take("(") else { return try parseComparison() }
        guard depth < Self.maximumDepth else {
            throw Self.failure("nests parentheses and 'not' deeper than \(Self.maximumDepth)")
        }
        depth += 1
        defer { depth -= 1 }
        if negated { return .not(try parseNegation()) }
        let inner = try parseExpression()
        guard take(")") else { throw Self.failure("expected ')', found \(current.shown)") }
        return inner
    }

    private mutating func parseComparison() throws(RecordFilter.ParseError) -> RecordFilter.Expression {
        let fieldToken = advance()
        guard case .word(let name) = fieldToken else { throw Self.failure("expected a field, found \(fieldToken.shown)") }
        guard let field = RecordField.named(name) else {
            throw Self.failure("unknown field '\(name)'; fields: " + RecordField.all.map(\.name).joined(separator: ", "))
        }
        let operatorToken = advance()
        if case .word(let word) = operatorToken, word.lowercased() == "in" { return try parseSet(of: field) }
        let text: String
        switch operatorToken {
        case .symbol(let symbol): text = symbol
        case .word(let word) where word.lowercased() == "contains": text = "contains"
        default: throw Self.failure("expected an operator after \(name), found \(operatorToken.shown)")
        }
        guard let comparison = RecordFilter.Comparison(rawValue: text == "=" ? "==" : text) else {
            throw Self.failure("unknown operator '\(text)'; operators: "
                               + RecordFilter.Comparison.allCases.map(\.rawValue).joined(separator: " "))
        }
        guard field.comparisons.contains(comparison) else {
            throw Self.failure("\(name) takes " + field.comparisons.map(\.rawValue).joined(separator: " ")
                               + ", not \(comparison.rawValue)")
        }
        let valueToken = advance()
        switch valueToken {
        case .word(let value), .quoted(let value):
            switch field.value(value) {
            case .success(let parsed): return .comparison(field, comparison, parsed)
            case .failure(let error): throw error
            }
        default:
            throw Self.failure("expected a value after \(name) \(comparison.rawValue), found \(valueToken.shown)")
        }
    }

    /// `FIELD in {A, B}`: `FIELD == A or FIELD == B` (`contains` for a list field).
    private mutating func parseSet(of field: RecordField) throws(RecordFilter.ParseError) -> RecordFilter.Expression {
        let comparison: RecordFilter.Comparison = field.kind == .list ? .contains : .equal
        guard field.comparisons.contains(comparison) else { throw Self.failure("\(field.name) takes no set of values") }
        guard take("{") else { throw Self.failure("expected '{' after \(field.name) in, found \(current.shown)") }
        var terms: [RecordFilter.Expression] = []
        while !take("}") {
            let token = advance()
            switch token {
            case .word(let value), .quoted(let value):
                switch field.value(value) {
                case .success(let parsed): terms.append(.comparison(field, comparison, parsed))
                case .failure(let error): throw error
                }
            case .symbol(","):
                continue
            default:
                throw Self.failure("expected a value or '}' in \(field.name)'s set, found \(token.shown)")
            }
        }
        guard !terms.isEmpty else { throw Self.failure("\(field.name) in {} holds no value") }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private static func failure(_ why: String) -> RecordFilter.ParseError { .init(description: why) }

    /// Words run until a space, a parenthesis, an operator character or a quote.
    static func tokens(_ text: String) throws(RecordFilter.ParseError) -> [Token] {
        var tokens: [Token] = []
        var characters = Substring(text)
        let operatorCharacters: Set<Character> = ["=", "!", "<", ">", "&", "|"]
        while let first = characters.first {
            if first.isWhitespace {
                characters = characters.dropFirst()
            } else if "(){},".contains(first) {
                tokens.append(.symbol(String(first)))
                characters = characters.dropFirst()
            } else if first == "\"" {
                let rest = characters.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else { throw failure("a quote is not closed") }
                tokens.append(.quoted(String(rest[..<close])))
                characters = rest[rest.index(after: close)...]
            } else if operatorCharacters.contains(first) {
                let symbol = characters.prefix { operatorCharacters.contains($0) }
                tokens.append(.symbol(String(symbol)))
                characters = characters.dropFirst(symbol.count)
            } else {
                let word = characters.prefix { !$0.isWhitespace && !"(){},\"".contains($0) && !operatorCharacters.contains($0) }
                tokens.append(.word(String(word)))
                characters = characters.dropFirst(word.count)
            }
        }
        return tokens + [.end]
    }
}
