/// The nine TCP control bits: the eight of RFC 9293 plus NS/AE (RFC 3540,
/// now "accurate ECN"), which sits in the low bit of the data-offset byte.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    public static let ns = TCPFlags(rawValue: 0x100)

    /// tcpdump's letters, in tcpdump's order: `S` SYN, `F` FIN, `P` PSH,
    /// `R` RST, `U` URG, `W` CWR, `E` ECE, `.` ACK (after the others), and
    /// `N` for NS, which tcpdump does not print.
    public var tcpdumpNotation: String {
        var letters = ""
        for (flag, letter) in [(TCPFlags.syn, "S"), (.fin, "F"), (.psh, "P"), (.rst, "R"), (.urg, "U"),
                               (.cwr, "W"), (.ece, "E"), (.ns, "N"), (.ack, ".")]
        where contains(flag) {
            letters += letter
        }
        return letters.isEmpty ? "none" : letters
    }
}
