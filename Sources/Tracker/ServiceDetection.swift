import Wire

/// Zeek's `service`: the application protocol a connection's first payload
/// bytes show, by content rather than port, as Zeek's dynamic protocol
/// detection does. Each protocol is recognised by what its client or server
/// sends first (the default 256-byte snaplen keeps enough of it), and TLS
/// later on (STARTTLS, HTTP CONNECT) adds `ssl` after it, as Zeek lists it.
struct ServiceDetection {
    private(set) var services: [String] = []
    /// What each side has said so far that names a protocol only with the other side's answer.
    private var clues: Clues = []
    /// Data segments looked at in each direction before the first protocol is found.
    private var originatorLooks = 0
    private var responderLooks = 0

    /// Segments each way to look at before giving up on the first protocol.
    static let looks = 4
    /// Ports whose analyzer Zeek attaches by port, so a request alone confirms it.
    static let httpPorts: Set<UInt16> = [80, 81, 631, 1080, 3128, 8000, 8080, 8888]
    static let ftpPorts: Set<UInt16> = [21, 2811]

    private struct Clues: OptionSet {
        let rawValue: UInt16
        static let httpRequest = Clues(rawValue: 1 << 0)
        static let sshBanner = Clues(rawValue: 1 << 1)
        static let ftpCommand = Clues(rawValue: 1 << 2)
        static let smtpHello = Clues(rawValue: 1 << 3)
        static let pop3Command = Clues(rawValue: 1 << 4)
        static let imapCommand = Clues(rawValue: 1 << 5)
        static let httpStatus = Clues(rawValue: 1 << 6)
        /// "220 " or "120 ": an FTP or SMTP server's greeting.
        static let greeting = Clues(rawValue: 1 << 7)
        static let pop3OK = Clues(rawValue: 1 << 8)
        static let imapOK = Clues(rawValue: 1 << 9)
        static let responderData = Clues(rawValue: 1 << 10)
    }

    /// Looks at one data segment's captured payload. With `partial`, the
    /// stream's beginning was missed: only `midStream` applies.
    mutating func inspect(_ payload: UnsafeRawBufferPointer, fromOriginator: Bool, originator: Endpoint,
                          responder: Endpoint, partial: Bool) {
        guard !payload.isEmpty else { return }
        if partial {
            guard services.isEmpty, let service = Self.midStream(payload, ports: [responder.port, originator.port])
            else { return }
            return services.append(service)
        }
        if !services.contains("ssl"), Self.isTLSHello(payload, fromOriginator: fromOriginator) {
            services.append("ssl")
            return
        }
        guard services.isEmpty else { return }
        if fromOriginator {
            guard originatorLooks < Self.looks else { return }
            originatorLooks += 1
        } else {
            guard responderLooks < Self.looks else { return }
            responderLooks += 1
        }
        if let service = Self.alone(payload, fromOriginator: fromOriginator, ports: (originator.port, responder.port)) {
            services.append(service)
            return
        }
        clues.formUnion(Self.clues(payload, fromOriginator: fromOriginator))
        if let service = Self.decide(clues, responderPort: responder.port) { services.append(service) }
    }

    /// What analyzers Zeek attaches by port, and that read a connection
    /// picked up mid-stream, make of a message (HTTP's ignores those).
    private static func midStream(_ bytes: UnsafeRawBufferPointer, ports: [UInt16]) -> String? {
        for port in ports {
            switch port {
            case 502 where isModbus(bytes): return "modbus"
            case 389 where isLDAPMessage(bytes), 3268 where isLDAPMessage(bytes): return "ldap_tcp"
            default: continue
            }
        }
        return nil
    }

    /// A protocol one side's bytes show by themselves.
    private static func alone(_ bytes: UnsafeRawBufferPointer, fromOriginator: Bool,
                              ports: (UInt16, UInt16)) -> String? {
        if fromOriginator {
            if isRESPArray(bytes) { return "redis" }
            if isLDAPMessage(bytes) { return "ldap_tcp" }
            if isRDPConnectionRequest(bytes) { return "rdp" }
            if isDNSQuery(bytes) { return "dns" }
        } else {
            if isMySQLGreeting(bytes) { return "mysql" }
            if isIRCReply(bytes) { return "irc" }
        }
        if isSMB(bytes) { return "smb" }
        if ports.1 == 502 || ports.0 == 502, isModbus(bytes) { return "modbus" }
        return nil
    }

    private static func clues(_ bytes: UnsafeRawBufferPointer, fromOriginator: Bool) -> Clues {
        guard fromOriginator else {
            var clues: Clues = .responderData
            if starts(bytes, with: "HTTP/") { clues.insert(.httpStatus) }
            if starts(bytes, with: "220") || starts(bytes, with: "120") { clues.insert(.greeting) }
            if starts(bytes, with: "+OK") { clues.insert(.pop3OK) }
            if starts(bytes, with: "* OK") { clues.insert(.imapOK) }
            return clues
        }
        var clues: Clues = []
        if isHTTPRequest(bytes) { clues.insert(.httpRequest) }
        if hasLine(bytes, startingWith: "SSH-") { clues.insert(.sshBanner) }
        if startsCaseless(bytes, with: "USER ") || startsCaseless(bytes, with: "AUTH ") { clues.insert(.ftpCommand) }
        if startsCaseless(bytes, with: "EHLO") || startsCaseless(bytes, with: "HELO") { clues.insert(.smtpHello) }
        if pop3Commands.contains(where: { startsCaseless(bytes, with: $0) }) {
            clues.insert(.pop3Command)
        }
        if isIMAPCommand(bytes) { clues.insert(.imapCommand) }
        return clues
    }

    /// Zeek's signatures that need both sides (`requires-reverse-signature`),
    /// or one side on a port Zeek attaches the analyzer to by itself.
    private static func decide(_ clues: Clues, responderPort: UInt16) -> String? {
        if clues.contains(.httpRequest), clues.contains(.httpStatus) || httpPorts.contains(responderPort) {
            return "http"
        }
        if clues.contains([.sshBanner, .responderData]) { return "ssh" }
        if clues.contains(.smtpHello), clues.contains(.greeting) { return "smtp" }
        if clues.contains(.ftpCommand), clues.contains(.greeting) || ftpPorts.contains(responderPort) { return "ftp" }
        if clues.contains([.pop3Command, .pop3OK]) { return "pop3" }
        if clues.contains([.imapCommand, .imapOK]) { return "imap" }
        return nil
    }

    // MARK: - Signatures

    /// A TLS handshake record (SSL 3.0 to TLS 1.3) with a ClientHello from
    /// the originator or a ServerHello from the responder, or an SSLv2 ClientHello.
    static func isTLSHello(_ bytes: UnsafeRawBufferPointer, fromOriginator: Bool) -> Bool {
        guard bytes.count >= 6 else { return false }
        if bytes[0] == 0x16, bytes[1] == 0x03, bytes[2] <= 0x04 {
            return bytes[5] == (fromOriginator ? 0x01 : 0x02)
        }
        return fromOriginator && bytes[0] & 0x80 != 0 && bytes[2] == 0x01 && bytes[3] <= 0x03
    }

    static let httpMethods = ["GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "TRACE ", "PATCH ",
                              "PROPFIND "]
    static let pop3Commands = ["CAPA", "STLS", "APOP ", "USER ", "AUTH "]
    static let imapCommands = ["CAPABILITY", "LOGIN", "STARTTLS", "AUTHENTICATE"]

    /// A request line's method and a space (HTTP/0.9's `GET /` has no version).
    static func isHTTPRequest(_ bytes: UnsafeRawBufferPointer) -> Bool {
        httpMethods.contains { starts(bytes, with: $0) }
    }

    /// Redis's RESP: an array of bulk strings, `*2\r\n$3\r\n…`.
    static func isRESPArray(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 5, bytes[0] == UInt8(ascii: "*") else { return false }
        var index = 1
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index > 1 && index + 2 < bytes.count && bytes[index] == 0x0D && bytes[index + 1] == 0x0A
            && bytes[index + 2] == UInt8(ascii: "$")
    }

    /// An LDAPMessage (RFC 4511): SEQUENCE, a messageID INTEGER, then an
    /// application-tagged protocol operation.
    static func isLDAPMessage(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 7, bytes[0] == 0x30 else { return false }
        var index = 2
        if bytes[1] & 0x80 != 0 {
            let lengthBytes = Int(bytes[1] & 0x7F)
            guard (1...4).contains(lengthBytes) else { return false }
            index += lengthBytes
        }
        guard index + 2 < bytes.count, bytes[index] == 0x02 else { return false }
        let idLength = Int(bytes[index + 1])
        guard (1...4).contains(idLength) else { return false }
        let operation = index + 2 + idLength
        guard operation < bytes.count else { return false }
        let tag = bytes[operation]
        return (0x60...0x78).contains(tag) || tag == 0x42 || tag == 0x50
    }

    /// TPKT (RFC 1006) around an X.224 Connection Request: how an RDP client opens.
    static func isRDPConnectionRequest(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 11 && bytes[0] == 0x03 && bytes[1] == 0x00
            && Int(u16(bytes, 2)) >= 11 && bytes[5] & 0xF0 == 0xE0
    }

    /// A DNS query over TCP: its length prefix, then a header asking one question.
    static func isDNSQuery(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 14 else { return false }
        let length = Int(u16(bytes, 0))
        let flags = u16(bytes, 4)
        return length >= 12 && length + 2 >= bytes.count && flags & 0x8000 == 0 && (flags >> 11) & 0xF <= 2
            && u16(bytes, 6) == 1 && u16(bytes, 8) == 0
    }

    /// MySQL's initial handshake packet: a 3-byte length, sequence 0, protocol version 10.
    static func isMySQLGreeting(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 6 else { return false }
        let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        return length + 4 >= bytes.count && bytes[3] == 0 && bytes[4] == 0x0A
            && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[5])
    }

    /// An IRC server's numeric reply, `:server 001 …`.
    static func isIRCReply(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.first == UInt8(ascii: ":"), let space = bytes.firstIndex(of: UInt8(ascii: " ")),
              space + 4 < bytes.count else { return false }
        let digits = (space + 1)...(space + 3)
        return digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }
            && bytes[space + 4] == UInt8(ascii: " ")
    }

    /// SMB 1, 2 or 3 in a NetBIOS session message.
    static func isSMB(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && bytes[0] == 0 && [0xFF, 0xFE, 0xFD].contains(bytes[4])
            && bytes[5] == UInt8(ascii: "S") && bytes[6] == UInt8(ascii: "M") && bytes[7] == UInt8(ascii: "B")
    }

    /// Modbus/TCP's MBAP header: protocol 0 and a length that fits.
    static func isModbus(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && u16(bytes, 2) == 0 && Int(u16(bytes, 4)) + 6 == bytes.count
    }

    /// `A1 CAPABILITY`, `a001 LOGIN …`: a tag, a space, a command.
    static func isIMAPCommand(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let space = bytes.prefix(16).firstIndex(of: UInt8(ascii: " ")), space > 0 else { return false }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[(space + 1)...])
        return imapCommands.contains { startsCaseless(rest, with: $0) }
    }

    /// Whether a line of the first bytes starts with `prefix` (an SSH server may send lines before its banner).
    static func hasLine(_ bytes: UnsafeRawBufferPointer, startingWith prefix: String) -> Bool {
        if starts(bytes, with: prefix) { return true }
        for index in bytes.indices where bytes[index] == 0x0A && index + 1 < bytes.count {
            if starts(UnsafeRawBufferPointer(rebasing: bytes[(index + 1)...]), with: prefix) { return true }
        }
        return false
    }

    static func u16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    static func starts(_ bytes: UnsafeRawBufferPointer, with prefix: String) -> Bool {
        let prefix = prefix.utf8
        guard bytes.count >= prefix.count else { return false }
        return zip(bytes, prefix).allSatisfy { $0 == $1 }
    }

    static func startsCaseless(_ bytes: UnsafeRawBufferPointer, with prefix: String) -> Bool {
        let prefix = prefix.utf8
        guard bytes.count >= prefix.count else { return false }
        return zip(bytes, prefix).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }
}
