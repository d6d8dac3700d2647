import Wire

/// A connection's evidence, segment by segment, turned into each endpoint's
/// events: what the sender did moves its own state; what the receiver got
/// waits, when it carries SYN or FIN, until the receiver's own segments prove
/// it arrived (DESIGN.md, "State rules").
extension Connection {
    mutating func process(_ segment: TCPSegment, sink: inout some ConnectionEventSink) {
        let sender = role(ofSender: segment)
        let receiver = sender.peer
        let flags = segment.flags
        if !flags.contains(.rst) { observations.remove(.onlyResets) }
        lastSeen = max(lastSeen, segment.timestamp)
        encapsulation.add(segment.encapsulation)
        let marks = analyze(segment, sender: sender)
        if reports.contains(.segments) {
            sink.receive(.segment(SegmentEvent(connectionID: id, client: clientEndpoint, server: serverEndpoint,
                                               sender: sender, segment: segment, marks: marks)))
        }
        let advanced = endpoints[sender].recordSent(segment)
        zeek.update(segment, fromOriginator: sender == .client, advancedSequence: advanced)
        noteAnomalies(segment, sender: sender, marks: marks, sink: &sink)

        if flags.contains(.rst) {
            settlePendingReceipt(of: sender, by: segment, sink: &sink)
            processRST(segment, from: sender, sink: &sink)
            return
        }
        if flags.contains(.ack) {
            inferMissingSegments(acknowledgedBy: segment, from: sender, sink: &sink)
        }
        settlePendingReceipt(of: sender, by: segment, sink: &sink)
        if flags.contains(.ack) {
            endpoints[sender].recordAcknowledgment(segment.acknowledgment)
        }
        if flags.contains(.syn) {
            processSentSYN(segment, from: sender, sink: &sink)
        }
        if flags.contains(.fin) {
            processSentFIN(segment, from: sender, sink: &sink)
        }
        deliver(segment, to: receiver, sink: &sink)
    }

    /// What the sender's own segment says of the SYN or FIN it has pending:
    /// an ACK field that covers it proves it arrived; one that does not (or
    /// none) was sent before it arrived, so it arrived after this segment
    /// left: a crossing FIN or SYN reaches its receiver after the receiver's own.
    mutating func settlePendingReceipt(of sender: Role, by segment: TCPSegment,
                                               sink: inout some ConnectionEventSink) {
        guard let pending = endpoints[sender].pending else { return }
        if segment.flags.contains(.ack), pending.end.isAtOrBefore(segment.acknowledgment) {
            endpoints[sender].pending = nil
            applyReceipt(pending, to: sender, inferred: false, cause: causeIfReported(segment), sink: &sink)
        } else if pending.time < segment.timestamp {
            endpoints[sender].pending?.time = segment.timestamp
        }
    }

    /// tshark's marks for the segment, from both directions as they stood before it.
    @inline(__always)
    private mutating func analyze(_ segment: TCPSegment, sender: Role) -> SegmentMarks {
        let elapsed = UInt32(truncatingIfNeeded: (segment.timestamp - firstSeen) / 1000)
        let handshakeRTT = lastSYNTime.flatMap { syn in handshakeACKTime.map { $0 - syn } }
        if sender == .client {
            return DirectionAnalysis.analyze(segment, sender: endpoints[.client], receiver: endpoints[.server],
                                             own: &clientAnalysis, reverse: &serverAnalysis, elapsed: elapsed,
                                             handshakeRTT: handshakeRTT)
        }
        return DirectionAnalysis.analyze(segment, sender: endpoints[.server], receiver: endpoints[.client],
                                         own: &serverAnalysis, reverse: &clientAnalysis, elapsed: elapsed,
                                         handshakeRTT: handshakeRTT)
    }

    mutating func processSentSYN(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        let isSYNACK = segment.flags.contains(.ack)
        if let initial = endpoints[sender].initialSequence, initial == segment.sequence {
            if !isSYNACK, sender == .client {
                if synRetransmissions < .max { synRetransmissions += 1 }
                lastSYNTime = segment.timestamp
            }
        } else if endpoints[sender].initialSequence == nil {
            endpoints[sender].initialSequence = segment.sequence
            if let scale = segment.options.windowScale { endpoints[sender].offeredWindowScale = scale }
            if sender == .client, !isSYNACK {
                observations.insert(.firstSYN)
                lastSYNTime = segment.timestamp
            }
        }
        if isSYNACK {
            if sender == .server, synAckTime == nil {
                synAckTime = segment.timestamp
            }
            fire(.sendSYNACK, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
        } else {
            if sender == .server { observations.insert(.simultaneousOpen) }
            fire(.sendSYN, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
        }
    }

    mutating func processSentFIN(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        guard endpoints[sender].finSequence == nil else { return }
        endpoints[sender].finSequence = segment.finSequence
        observations.insert(.fin)
        // A FIN that does not cover the peer's FIN was sent before that FIN arrived.
        let receiver = sender.peer
        if endpoints[receiver].finSequence != nil,
           !(segment.flags.contains(.ack) && endpoints[receiver].isFINAcknowledged(by: segment.acknowledgment)) {
            observations.insert(.finsCrossed)
        }
        fire(.sendFIN, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
    }

    /// The receiver's side of a non-RST segment.
    mutating func deliver(_ segment: TCPSegment, to receiver: Role, sink: inout some ConnectionEventSink) {
        let flags = segment.flags
        let carriesControl = flags.contains(.syn) || flags.contains(.fin)
        if let pending = endpoints[receiver].pending {
            // TCP delivers in order: a later segment arriving means the
            // pending one arrived before it. So does a SYN-ACK repeating a
            // pending bare SYN (simultaneous open): it carries that SYN too.
            // A plain copy proves nothing: the first may have been lost, and
            // then this copy is the one the receiver processed, so its time
            // is the one the transition will carry once proven.
            let later = pending.end.isAtOrBefore(segment.sequence)
            let synBecameSYNACK = flags.contains(.syn) && flags.contains(.ack) && pending.flags.contains(.syn)
                && !pending.flags.contains(.ack) && pending.sequence == segment.sequence
            if later || synBecameSYNACK {
                endpoints[receiver].pending = nil
                applyReceipt(pending, to: receiver, inferred: false, cause: causeIfReported(segment), sink: &sink)
            } else if carriesControl {
                if segment.sequenceEnd == pending.end { endpoints[receiver].pending?.time = segment.timestamp }
                return
            }
        }
        if carriesControl {
            endpoints[receiver].pending = PendingReceipt(segment)
        } else if flags.contains(.ack) {
            applyReceipt(PendingReceipt(segment), to: receiver, inferred: false, cause: causeIfReported(segment),
                         sink: &sink)
        }
    }

    /// What arriving at `role` does to it (RFC 9293 §3.10.7, seen from outside),
    /// stamped when the capture last saw the segment on its way there: the
    /// kernel changes state as the segment arrives, not when its ACK (which
    /// a delayed ACK holds back for tens of milliseconds) proves it did.
    mutating func applyReceipt(_ receipt: PendingReceipt, to role: Role, inferred: Bool, cause: TCPSegment?,
                                       sink: inout some ConnectionEventSink) {
        let time = receipt.time
        let hasACK = receipt.flags.contains(.ack)
        let acksSYN = hasACK && endpoints[role].isSYNAcknowledged(by: receipt.acknowledgment)
        if receipt.flags.contains(.syn) {
            if !hasACK {
                fire(.receiveSYN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
            } else if acksSYN {
                fire(.receiveSYNACK, role, at: time, inferred: inferred, cause: cause, sink: &sink)
            }
        } else if acksSYN {
            if role == .server, handshakeACKTime == nil { handshakeACKTime = time }
            fire(.receiveACKOfSYN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
        }
        let acksFIN = hasACK && endpoints[role].isFINAcknowledged(by: receipt.acknowledgment)
        receiveFIN(receipt.flags.contains(.fin), acknowledgingOurs: acksFIN, at: role, time: time, inferred: inferred,
                   cause: cause, sink: &sink)
    }

    /// The ACK field, then the FIN bit, in RFC 9293 §3.10.7.4's order (step
    /// five before step eight): a FIN that acks `role`'s FIN in FIN_WAIT_1
    /// takes it to FIN_WAIT_2 and then TIME_WAIT at one instant, as Linux
    /// logs it. An ACK of its FIN alone moves FIN_WAIT_1, CLOSING and LAST_ACK.
    mutating func receiveFIN(_ fin: Bool, acknowledgingOurs acksFIN: Bool, at role: Role, time: Timestamp,
                                     inferred: Bool, cause: TCPSegment?, sink: inout some ConnectionEventSink) {
        if acksFIN {
            fire(.receiveACKOfFIN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
        }
        if fin, !endpoints[role].processedPeerFIN {
            endpoints[role].processedPeerFIN = true
            fire(.receiveFIN, role, at: time, inferred: inferred, cause: cause, sink: &sink)
        }
    }

    /// An ACK that proves a segment the capture does not hold: a SYN-ACK
    /// before the client's first ACK, or a FIN one past the peer's data.
    mutating func inferMissingSegments(acknowledgedBy segment: TCPSegment, from sender: Role,
                                               sink: inout some ConnectionEventSink) {
        let receiver = sender.peer
        let time = segment.timestamp
        if sender == .client, endpoints[.client].state == .synSent, endpoints[.server].initialSequence == nil,
           !segment.flags.contains(.syn) {
            endpoints[.server].initialSequence = segment.acknowledgment + UInt32.max
            endpoints[.server].firstDataSequence = segment.acknowledgment
            endpoints[.server].nextSequence = segment.acknowledgment
            fire(.sendSYNACK, .server, at: time, inferred: true, cause: causeIfReported(segment), sink: &sink)
            fire(.receiveSYNACK, .client, at: time, inferred: true, cause: causeIfReported(segment), sink: &sink)
            if handshakeACKTime == nil { handshakeACKTime = time }
            return
        }
        guard endpoints[receiver].finSequence == nil, let next = endpoints[receiver].nextSequence,
              segment.acknowledgment == next + 1 else { return }
        endpoints[receiver].finSequence = next
        endpoints[receiver].nextSequence = segment.acknowledgment
        observations.insert(.fin)
        fire(.sendFIN, receiver, at: time, inferred: true, cause: causeIfReported(segment), sink: &sink)
        let acksOurFIN = endpoints[receiver].highestAcknowledgment.map { endpoints[sender].isFINAcknowledged(by: $0) } ?? false
        receiveFIN(true, acknowledgingOurs: acksOurFIN, at: sender, time: time, inferred: true,
                   cause: causeIfReported(segment), sink: &sink)
    }

    /// RFC 9293 §3.10.7: in SYN_SENT an RST is acceptable if it acks the SYN;
    /// otherwise if its sequence number is in the receiver's window. An
    /// unacceptable RST closes nothing.
    mutating func processRST(_ segment: TCPSegment, from sender: Role, sink: inout some ConnectionEventSink) {
        let receiver = sender.peer
        if let pending = endpoints[receiver].pending, pending.end.isAtOrBefore(segment.sequence) {
            endpoints[receiver].pending = nil
            applyReceipt(pending, to: receiver, inferred: false, cause: causeIfReported(segment), sink: &sink)
        }
        guard isAcceptableRST(segment, to: receiver) else {
            recordAnomaly(.rstOutOfWindow, sender: sender, at: segment.timestamp, sink: &sink)
            return
        }
        if endpoints[receiver].state == .synSent, receiver == .client { observations.insert(.refused) }
        if endpoints[sender].state != .closed || endpoints[receiver].state != .closed {
            observations.insert(.closedByRST)
        }
        fire(.sendRST, sender, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
        fire(.receiveRST, receiver, at: segment.timestamp, cause: causeIfReported(segment), sink: &sink)
    }

    func isAcceptableRST(_ segment: TCPSegment, to receiver: Role) -> Bool {
        let endpoint = endpoints[receiver]
        if endpoint.state == .synSent {
            return segment.flags.contains(.ack) && endpoint.initialSequence.map { $0 + 1 == segment.acknowledgment } ?? true
        }
        guard let expected = endpoint.highestAcknowledgment ?? endpoints[receiver.peer].nextSequence else { return true }
        let scale = endpoint.offeredWindowScale != nil && endpoints[receiver.peer].offeredWindowScale != nil
            ? UInt32(min(endpoint.offeredWindowScale ?? 0, 14)) : 0
        let window = max(Int64(endpoint.window) << scale, 1)
        let offset = Int64(segment.sequence - expected)
        return offset >= 0 && offset < window
    }


    /// At end of input (or eviction), what was sent but not yet proven
    /// received is taken as received, marked inferred.
    mutating func settlePending(sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            if let pending = endpoints[role].pending {
                endpoints[role].pending = nil
                applyReceipt(pending, to: role, inferred: true, cause: nil, sink: &sink)
            }
        }
    }

    /// A new SYN reused the pair: an endpoint in TIME_WAIT closes now.
    mutating func closeForReuse(at time: Timestamp, cause: TCPSegment, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            fire(.portReused, role, at: time, cause: causeIfReported(cause), sink: &sink)
        }
    }
}
