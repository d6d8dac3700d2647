import Wire

/// Zeek's view of a connection, kept beside ours so `conn_state` and
/// `history` come out as Zeek computes them: its endpoint states follow
/// `TCP_Analyzer::UpdateStateMachine` (src/analyzer/protocol/tcp/TCP.cc),
/// the history letters `update_history` there, and `connState` the
/// `conn_state` function of base/protocols/conn/main.zeek. Checksums are
/// not verified, as with `zeek -C`; content gaps ('g') are not tracked.
struct ZeekConnection {
    /// Zeek's TCP endpoint states (TCP_Endpoint.h).
    enum EndpointState {
        case inactive, synSent, synAckSent, partial, established, closed, reset
    }

    struct Endpoint {
        /// The sequence numbers of its last SYN, FIN and RST: one that
        /// differs earns its letter again.
        private var lastControls = CompactOptionals<3, Control, SequenceNumber>(placeholder: SequenceNumber(0))
        var state = EndpointState.inactive
        var previousState = EndpointState.inactive

        /// Places in `lastControls`.
        enum Control: Int {
            case syn, fin, rst
        }

        var lastSYN: SequenceNumber? {
            get { lastControls[.syn] }
            set { lastControls[.syn] = newValue }
        }
        var lastFIN: SequenceNumber? {
            get { lastControls[.fin] }
            set { lastControls[.fin] = newValue }
        }
        var lastRST: SequenceNumber? {
            get { lastControls[.rst] }
            set { lastControls[.rst] = newValue }
        }

        mutating func set(_ newState: EndpointState) {
            previousState = state
            state = newState
        }

        var isInactive: Bool { state == .inactive || state == .partial }
    }

    /// What Zeek counts for a letter that repeats at the 1st, 10th, 100th… time.
    enum ScaledEvent: Int {
        /// 'T': payload sent again.
        case retransmission = 0
        /// 'W': a zero window advertised.
        case zeroWindow = 1
        /// 'G': a content gap, data the peer acknowledged that the capture never showed.
        case gap = 2
    }

    /// Zeek's logarithmic history entries: the letter at the 1st, 10th, 100th… event.
    struct ScaledCount {
        var count: UInt32 = 0

        /// Counts one event; true when this one earns a letter (the count is a power of ten).
        mutating func record() -> Bool {
            guard count < .max else { return false }
            count += 1
            var power: UInt32 = 1
            while power < count, power <= UInt32.max / 10 { power *= 10 }
            return power == count
        }
    }

    /// Bits for "this letter was already recorded in this direction".
    enum HistoryBit {
        static let syn: UInt16 = 1 << 0
        static let fin: UInt16 = 1 << 1
        static let rst: UInt16 = 1 << 2
        static let finRST: UInt16 = 1 << 3
        static let data: UInt16 = 1 << 4
        static let ack: UInt16 = 1 << 5
        static let multiFlag: UInt16 = 1 << 6
    }

    /// Longer histories are cut here.
    static let maximumHistory = 48

    /// The `ScaledEvent` counts, the originator's then the responder's:
    /// on the heap, made at the first such event, since most connections
    /// have none and every open one would carry 24 bytes for them.
    private var scaledCounts: [ScaledCount] = []
    /// The letters so far. The first ten live in the connection itself,
    /// enough for almost every connection ("ShADadFf" is eight), so adding
    /// one is a store, not an allocation.
    private var history = InlineBytes<10>()
    var originator = Endpoint()
    var responder = Endpoint()
    /// `HistoryBit`s, the originator's in the low byte and the responder's in the high one.
    private var seen: UInt16 = 0

    init(flipped: Bool) {
        if flipped { add(UInt8(ascii: "^"), true) }
    }

    var historyText: String {
        String(unsafeUninitializedCapacity: history.count) { buffer in
            for index in 0..<history.count { buffer[index] = history[index] }
            return history.count
        }
    }

    /// What a segment did to the state machine that Zeek's timers follow
    /// (`ZeekSession`): `do_close` and the timers `UpdateStateMachine` adds.
    struct Change: OptionSet {
        let rawValue: UInt8
        /// The sender's state says it closed (FIN) or aborted (RST): Zeek's `do_close`.
        static let closes = Change(rawValue: 1 << 0)
        /// The originator's first SYN: Zeek's attempt timer starts.
        static let attempts = Change(rawValue: 1 << 1)
        /// A RST after the sender's FIN, the peer still open: Zeek's reset timer starts.
        static let resetsAfterClose = Change(rawValue: 1 << 2)
        /// A RST that aborted an open connection (`ConnectionReset`): Zeek's timers stop.
        static let aborts = Change(rawValue: 1 << 3)
    }

    /// Processes one segment as Zeek's `DeliverPacket` does: history, window, state machine.
    @discardableResult
    mutating func update(_ segment: TCPSegment, fromOriginator isOriginator: Bool,
                         advancedSequence: Bool) -> Change {
        let flags = segment.flags
        updateHistory(segment, isOriginator)
        var endpoint = isOriginator ? originator : responder
        var peer = isOriginator ? responder : originator
        if segment.window == 0, !flags.contains(.rst), peer.state != .closed, endpoint.state != .reset,
           recordScaled(.zeroWindow, isOriginator) {
            add(UInt8(ascii: "W"), isOriginator)
        }
        if segment.payloadLength > 0, !advancedSequence, !flags.contains(.syn), !flags.contains(.rst),
           endpoint.state != .reset, recordScaled(.retransmission, isOriginator) {
            add(UInt8(ascii: "T"), isOriginator)
        }
        let change = Self.updateStateMachine(&endpoint, &peer, isOriginator: isOriginator, flags: flags,
                                             payloadLength: segment.payloadLength, originatorState: originator.state)
        if isOriginator {
            originator = endpoint
            responder = peer
        } else {
            responder = endpoint
            originator = peer
        }
        return change
    }

    private static func updateStateMachine(_ endpoint: inout Endpoint, _ peer: inout Endpoint, isOriginator: Bool,
                                           flags: TCPFlags, payloadLength: Int,
                                           originatorState: EndpointState) -> Change {
        var change: Change = flags.contains(.fin) || flags.contains(.rst) ? .closes : []
        switch endpoint.state {
        case .inactive:
            if flags.contains(.syn) {
                if isOriginator {
                    endpoint.set(flags.contains(.ack) ? .synAckSent : .synSent)
                    change.insert(.attempts)
                } else {
                    if peer.state == .synSent { peer.set(.established) }
                    endpoint.set(.established)
                }
            }
            if flags.contains(.fin) { endpoint.set(.closed) }
            if flags.contains(.rst) { endpoint.set(.reset) }
            if endpoint.state == .inactive {
                if !isOriginator, payloadLength == 0, originatorState == .synSent {
                    // An ACK of the SYN before the SYN-ACK: not a partial connection.
                } else if flags.contains(.ack), peer.state == .established {
                    endpoint.set(.established)
                } else {
                    endpoint.set(.partial)
                }
            }
        case .synSent, .synAckSent:
            if flags.contains(.fin) { endpoint.set(.closed) }
            if flags.contains(.rst) {
                endpoint.set(.reset)
                change.insert(.aborts)
            }
        case .established, .partial:
            if flags.contains(.syn), endpoint.state == .partial, peer.state == .inactive, !flags.contains(.ack) {
                endpoint.set(.synSent)
            }
            if flags.contains(.fin), !flags.contains(.rst) {
                endpoint.set(.closed)
                // A FIN then a RST from the peer was a normal close after all.
                if peer.state == .reset, peer.previousState == .closed { peer.set(.closed) }
            }
            if flags.contains(.rst) {
                endpoint.set(.reset)
                change.formUnion([.closes, .aborts])
            }
        case .closed:
            change = []
            if flags.contains(.rst), peer.state != .closed {
                endpoint.set(.reset)
                change = [.closes, .resetsAfterClose]
            }
        case .reset:
            change = []
        }
        return change
    }

    private mutating func updateHistory(_ segment: TCPSegment, _ isOriginator: Bool) {
        let flags = segment.flags
        let controlBits = (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0) + (flags.contains(.rst) ? 1 : 0)
        if controlBits > 1 {
            if flags.contains(.fin), flags.contains(.rst) {
                addOnce(HistoryBit.finRST, UInt8(ascii: "I"), isOriginator)
            } else {
                addOnce(HistoryBit.multiFlag, UInt8(ascii: "Q"), isOriginator)
            }
        } else if controlBits == 1 {
            var endpoint = isOriginator ? originator : responder
            if flags.contains(.syn) {
                let letter = flags.contains(.ack) ? UInt8(ascii: "H") : UInt8(ascii: "S")
                if !addOnce(HistoryBit.syn, letter, isOriginator), segment.sequence != endpoint.lastSYN {
                    add(letter, isOriginator)
                }
                endpoint.lastSYN = segment.sequence
            }
            if flags.contains(.fin) {
                let finSequence = segment.finSequence
                if !addOnce(HistoryBit.fin, UInt8(ascii: "F"), isOriginator), finSequence != endpoint.lastFIN {
                    add(UInt8(ascii: "F"), isOriginator)
                }
                endpoint.lastFIN = finSequence
            }
            if flags.contains(.rst) {
                if !addOnce(HistoryBit.rst, UInt8(ascii: "R"), isOriginator), segment.sequence != endpoint.lastRST {
                    add(UInt8(ascii: "R"), isOriginator)
                }
                endpoint.lastRST = segment.sequence
            }
            if isOriginator { originator = endpoint } else { responder = endpoint }
        } else if segment.payloadLength > 0 {
            addOnce(HistoryBit.data, UInt8(ascii: "D"), isOriginator)
        } else if flags.contains(.ack) {
            addOnce(HistoryBit.ack, UInt8(ascii: "A"), isOriginator)
        }
    }

    /// A content gap in the data of the originator's (or the responder's)
    /// direction: 'G' ('g') at the 1st, 10th, 100th….
    mutating func recordGap(inOriginatorData isOriginator: Bool) {
        if recordScaled(.gap, isOriginator) { add(UInt8(ascii: "G"), isOriginator) }
    }

    /// Counts one `event` in this direction; true when it earns its letter.
    private mutating func recordScaled(_ event: ScaledEvent, _ isOriginator: Bool) -> Bool {
        if scaledCounts.isEmpty { scaledCounts = Array(repeating: ScaledCount(), count: 6) }
        return scaledCounts[(isOriginator ? 0 : 3) + event.rawValue].record()
    }

    /// Zeek's `CheckHistory`: records the letter the first time in this
    /// direction and returns true; false when it had been recorded before.
    @discardableResult
    private mutating func addOnce(_ bit: UInt16, _ letter: UInt8, _ isOriginator: Bool) -> Bool {
        let mask = isOriginator ? bit : bit << 8
        guard seen & mask == 0 else { return false }
        seen |= mask
        add(letter, isOriginator)
        return true
    }

    /// Appends an upper-case ASCII letter, lower-cased for the responder.
    private mutating func add(_ letter: UInt8, _ isOriginator: Bool) {
        guard history.count < Self.maximumHistory else { return }
        history.append(isOriginator ? letter : letter | 0x20)
    }

    /// Zeek's `conn_state` (base/protocols/conn/main.zeek), from the two
    /// endpoint states and the payload sizes.
    func connState(originatorBytes: Int, responderBytes: Int) -> String {
        let os = originator.state, rs = responder.state
        if rs == .reset {
            if os == .synSent || os == .synAckSent || (os == .reset && originatorBytes == 0 && responderBytes == 0) {
                return "REJ"
            }
            return originator.isInactive ? "RSTRH" : "RSTR"
        }
        if os == .reset {
            if responder.isInactive { return historyMatchesRSTOS0 ? "RSTOS0" : "OTH" }
            return "RSTO"
        }
        if rs == .closed, os == .closed { return "SF" }
        if os == .closed { return responder.isInactive ? "SH" : "S2" }
        if rs == .closed { return originator.isInactive ? "SHR" : "S3" }
        if os == .synSent, rs == .inactive { return "S0" }
        if os == .established, rs == .established { return "S1" }
        return "OTH"
    }

    /// Zeek's `/\^?S[^HAFGIQ]*R.*/`: a SYN, then a RST with none of H, A, F, G, I, Q between.
    private var historyMatchesRSTOS0: Bool {
        let count = history.count
        var position = count > 0 && history[0] == UInt8(ascii: "^") ? 1 : 0
        guard position < count, history[position] == UInt8(ascii: "S") else { return false }
        position += 1
        while position < count {
            let letter = history[position]
            if letter == UInt8(ascii: "R") { return true }
            if "HAFGIQ".utf8.contains(letter) { return false }
            position += 1
        }
        return false
    }
}
