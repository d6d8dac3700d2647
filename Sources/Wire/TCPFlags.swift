/// The nine TCP control bits: the eight of RFC 9293 plus NS/AE (RFC 3540,
/// now "accurate ECN"), which sits in the low bit of the data-offset byte.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    // Computed constants, not `static let`s: another module reads a stored
    // static through a lazy-initialisation check on every use, and these
    // are read several times per segment.
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x001) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x002) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x004) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x008) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x010) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x020) }
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x040) }
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x080) }
    @inlinable public static var ns: TCPFlags { TCPFlags(rawValue: 0x100) }

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
