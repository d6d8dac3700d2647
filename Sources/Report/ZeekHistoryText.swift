/// Zeek's `history` field read letter by letter, as Zeek's conn.log
/// documentation defines it: upper case for the originator (the client),
/// lower case for the responder.
enum ZeekHistoryText {
    static let letters: [Character: String] = [
        "s": "SYN without ACK", "h": "SYN+ACK", "a": "a pure ACK", "d": "data", "f": "FIN", "r": "RST",
        "c": "a bad checksum", "g": "a content gap", "i": "an inconsistent packet", "q": "a multi-flag packet",
        "t": "a retransmission", "w": "a zero window", "^": "roles flipped",
    ]

    /// `ShADadFf` → "client: SYN without ACK; server: SYN+ACK; …".
    static func describe(_ history: String) -> String {
        guard history != "-", !history.isEmpty else { return "nothing seen" }
        return history.map { letter -> String in
            if letter == "^" { return "roles flipped" }
            let lower = Character(letter.lowercased())
            guard let meaning = letters[lower] else { return "'\(letter)'" }
            return (letter.isUppercase ? "client: " : "server: ") + meaning
        }.joined(separator: "; ")
    }
}
