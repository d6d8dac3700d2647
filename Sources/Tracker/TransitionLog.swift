import Wire

/// Both endpoints' state changes, in the order they happened, packed small:
/// every open connection holds one, and two arrays of full transitions
/// (80 bytes each) were a quarter of a connection. An entry is a tag byte
/// and, unless it happened at the same time as the last entry that has
/// one, its time as an offset from `base`, the connection's first segment:
///
///     tag    bits 0-3  the state (its place in `TCPState.allCases`), or
///                      11 for an assumed ESTABLISHED
///            bit 4     the server's (else the client's)
///            bit 5     inferred
///            bit 6     at the time of the last entry with an offset
///            bit 7     the offset counts microseconds (else nanoseconds)
///     offset zigzag-encoded, then 7 bits a byte, low first (LEB128)
///
/// A whole lifecycle (ten changes, four or five at the moment of the one
/// before) takes 24 to 30 bytes, and stays in place; a longer log
/// (simultaneous open and close, hostile input) continues on the heap.
public struct TransitionLog: Sendable {
    private enum Tag {
        static let state: UInt8 = 0x0F
        static let assumedEstablished: UInt8 = 11
        static let server: UInt8 = 1 << 4
        static let inferred: UInt8 = 1 << 5
        static let sameTime: UInt8 = 1 << 6
        static let microseconds: UInt8 = 1 << 7
    }

    private static let states = TCPState.allCases

    private typealias Bytes = InlineBytes<32>
    /// The bytes kept in place; more continue on the heap.
    static var inlineCapacity: Int { Bytes.inPlaceCapacity }

    private var bytes = Bytes()
    /// Where the last entry with an offset starts; `noTimedEntry` while
    /// there is none (the first entry is then compared with `base`).
    private var lastTimedEntry = Self.noTimedEntry
    /// Which endpoints have entries: bit 0 the client, bit 1 the server.
    private var roles: UInt8 = 0

    private static let noTimedEntry = UInt16.max

    init() {}

    /// Whether `role` has changed state at all.
    func contains(_ role: Role) -> Bool { roles & Self.bit(role) != 0 }

    /// `role`'s changes, in order, with times `base` plus their offsets.
    func transitions(of role: Role, since base: Timestamp) -> EndpointTransitions {
        EndpointTransitions(log: self, role: role, base: base)
    }

    /// When `role` last changed state, in one pass over the log: the
    /// tracker asks on every segment of a connection in TIME_WAIT.
    func lastTime(of role: Role, since base: Timestamp) -> Timestamp? {
        let server = role == .server
        var found: Int64?
        forEachEntry { tag, offset in
            if (tag & Tag.server != 0) == server { found = offset }
            return true
        }
        return found.map { base + $0 }
    }

    mutating func append(_ transition: StateTransition, of role: Role, since base: Timestamp) {
        roles |= Self.bit(role)
        var tag = transition.assumed && transition.state == .established
            ? Tag.assumedEstablished : Self.code(of: transition.state)
        if role == .server { tag |= Tag.server }
        if transition.inferred { tag |= Tag.inferred }
        let offset = transition.time - base
        // Positions past UInt16 cannot be kept, so past them every entry has its own offset.
        let position = bytes.count
        guard position < Int(Self.noTimedEntry) else { return appendTimed(tag, offset) }
        if offset == lastTimedOffset {
            bytes.append(tag | Tag.sameTime)
        } else {
            lastTimedEntry = UInt16(position)
            appendTimed(tag, offset)
        }
    }

    private mutating func appendTimed(_ tag: UInt8, _ offset: Int64) {
        let inMicroseconds = offset % 1_000 == 0
        bytes.append(inMicroseconds ? tag | Tag.microseconds : tag)
        let value = inMicroseconds ? offset / 1_000 : offset
        var zigzag = UInt64(bitPattern: value << 1 ^ value >> 63)
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    private var lastTimedOffset: Int64 {
        guard lastTimedEntry != Self.noTimedEntry else { return 0 }
        return offset(at: Int(lastTimedEntry) + 1, tag: bytes[Int(lastTimedEntry)]).offset
    }

    private static func bit(_ role: Role) -> UInt8 { role == .client ? 1 : 2 }

    /// `state`'s place in `TCPState.allCases`, which `states` reads back.
    private static func code(of state: TCPState) -> UInt8 {
        switch state {
        case .closed: 0
        case .listen: 1
        case .synSent: 2
        case .synReceived: 3
        case .established: 4
        case .finWait1: 5
        case .finWait2: 6
        case .closeWait: 7
        case .closing: 8
        case .lastAck: 9
        case .timeWait: 10
        }
    }

    /// Where the connects start and end, as offsets from the base, in one
    /// pass without decoding entries: the client's first SYN_SENT and each
    /// side's first ESTABLISHED (an assumed one is not a connect).
    func connectOffsets() -> (synSent: Int64?, clientEstablished: Int64?, serverEstablished: Int64?) {
        let synSent = Self.code(of: .synSent), established = Self.code(of: .established)
        var found: (synSent: Int64?, clientEstablished: Int64?, serverEstablished: Int64?) = (nil, nil, nil)
        forEachEntry { tag, offset in
            let code = tag & Tag.state, isServer = tag & Tag.server != 0
            if code == synSent, !isServer, found.synSent == nil { found.synSent = offset }
            guard code == established else { return true }
            if isServer {
                if found.serverEstablished == nil { found.serverEstablished = offset }
            } else if found.clientEstablished == nil {
                found.clientEstablished = offset
            }
            // The handshake is at the start of the log: the close need not be read.
            return found.synSent == nil || found.clientEstablished == nil || found.serverEstablished == nil
        }
        return found
    }

    /// Each entry's tag and offset, in order, without decoding it, until `body` says to stop.
    @inline(__always)
    private func forEachEntry(_ body: (_ tag: UInt8, _ offset: Int64) -> Bool) {
        var position = 0, lastOffset: Int64 = 0
        while position < bytes.count {
            let tag = bytes[position]
            if tag & Tag.sameTime == 0 {
                (lastOffset, position) = offset(at: position + 1, tag: tag)
            } else {
                position += 1
            }
            guard body(tag, lastOffset) else { return }
        }
    }

    // MARK: - Reading

    /// One decoded entry: whose, what, its offset from the base, and where the next begins.
    fileprivate struct Entry {
        var role: Role
        var state: TCPState
        var inferred: Bool
        var assumed: Bool
        var offset: Int64
        var next: Int

        func transition(since base: Timestamp) -> StateTransition {
            StateTransition(time: base + offset, state: state, inferred: inferred, assumed: assumed)
        }
    }

    /// How many bytes the entries take.
    var byteCount: Int { bytes.count }

    /// The entry at `position`; `lastOffset` is that of the last entry with
    /// one before it, which a same-time entry shares.
    fileprivate func entry(at position: Int, lastOffset: Int64) -> Entry {
        let tag = bytes[position]
        let code = tag & Tag.state
        let (offset, next) = tag & Tag.sameTime != 0 ? (lastOffset, position + 1) : offset(at: position + 1, tag: tag)
        return Entry(role: tag & Tag.server != 0 ? .server : .client,
                     state: code == Tag.assumedEstablished ? .established : Self.states[Int(code)],
                     inferred: tag & Tag.inferred != 0, assumed: code == Tag.assumedEstablished,
                     offset: offset, next: next)
    }

    /// The offset written at `position` for an entry with `tag`, and where the next entry begins.
    @inline(__always)
    private func offset(at position: Int, tag: UInt8) -> (offset: Int64, next: Int) {
        var position = position
        var zigzag: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position += 1
            zigzag |= UInt64(byte & 0x7F) &<< shift
            guard byte & 0x80 != 0 else { break }
            shift += 7
        }
        let value = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        return (tag & Tag.microseconds != 0 ? value &* 1_000 : value, position)
    }
}

/// One endpoint's state changes, read in order from its connection's
/// `TransitionLog`.
public struct EndpointTransitions: Collection, Equatable, Sendable {
    /// A place in the log, with the offset a same-time entry there would share.
    public struct Index: Comparable, Sendable {
        fileprivate var position: Int
        fileprivate var lastOffset: Int64

        public static func < (lhs: Index, rhs: Index) -> Bool { lhs.position < rhs.position }
        public static func == (lhs: Index, rhs: Index) -> Bool { lhs.position == rhs.position }
    }

    fileprivate let log: TransitionLog
    public let role: Role
    fileprivate let base: Timestamp

    public var startIndex: Index { firstEntryOfRole(from: Index(position: 0, lastOffset: 0))?.index ?? endIndex }
    public var endIndex: Index { Index(position: log.byteCount, lastOffset: 0) }

    public func index(after index: Index) -> Index {
        let entry = log.entry(at: index.position, lastOffset: index.lastOffset)
        return firstEntryOfRole(from: Index(position: entry.next, lastOffset: entry.offset))?.index ?? endIndex
    }

    public subscript(index: Index) -> StateTransition {
        log.entry(at: index.position, lastOffset: index.lastOffset).transition(since: base)
    }

    /// Reads the log once, front to back, decoding each entry once (the
    /// indices decode an entry each time they are moved or read).
    public struct Iterator: IteratorProtocol {
        fileprivate let transitions: EndpointTransitions
        fileprivate var index = Index(position: 0, lastOffset: 0)

        public mutating func next() -> StateTransition? {
            guard let (_, entry) = transitions.firstEntryOfRole(from: index) else { return nil }
            index = Index(position: entry.next, lastOffset: entry.offset)
            return entry.transition(since: transitions.base)
        }
    }

    public func makeIterator() -> Iterator { Iterator(transitions: self) }

    /// The latest change, if any.
    public var last: StateTransition? {
        var last: StateTransition?
        for transition in self { last = transition }
        return last
    }

    /// The first entry of `role` at or after `index`, decoded, and where it is; nil past the last.
    private func firstEntryOfRole(from index: Index) -> (index: Index, entry: TransitionLog.Entry)? {
        var index = index
        while index.position < log.byteCount {
            let entry = log.entry(at: index.position, lastOffset: index.lastOffset)
            if entry.role == role { return (index, entry) }
            index = Index(position: entry.next, lastOffset: entry.offset)
        }
        return nil
    }

    public static func == (lhs: EndpointTransitions, rhs: EndpointTransitions) -> Bool { lhs.elementsEqual(rhs) }
}
