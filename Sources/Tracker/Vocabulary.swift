/// A set of words handshake writes (an outcome, a state, a reason), one
/// word for each thing in every format and option. Words an earlier
/// version wrote, or that `check` once took, are read as aliases and
/// never written: records and expect files of before still read.
public protocol Vocabulary: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// Other words read as these, by word.
    static var aliases: [String: Self] { get }
}

extension Vocabulary {
    public static var aliases: [String: Self] { [:] }

    /// The word, or one of its aliases.
    public init?(word: some StringProtocol) {
        guard let value = Self(rawValue: String(word)) ?? Self.aliases[String(word)] else { return nil }
        self = value
    }

    /// Every word, in order, for messages and help.
    public static var words: [String] { allCases.map(\.rawValue) }
}
