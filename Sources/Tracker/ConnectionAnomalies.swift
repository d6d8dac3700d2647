import Wire

/// What is unusual about a connection's segments, counted per kind and sender.
extension Connection {
    mutating func noteAnomalies(_ segment: TCPSegment, sender: Role, marks: SegmentMarks,
                                sink: inout some ConnectionEventSink) {
        let flags = segment.flags
        let controls = (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0) + (flags.contains(.rst) ? 1 : 0)
        if controls > 1 { recordAnomaly(.impossibleFlags, sender: sender, at: segment.timestamp, sink: &sink) }
        // Most segments carry no mark: one test, then the kinds.
        guard !marks.subtracting(Anomaly.Kind.chatter).isEmpty else { return }
        for (mark, kind) in Anomaly.Kind.marked where marks.contains(mark) {
            recordAnomaly(kind, sender: sender, at: segment.timestamp, sink: &sink)
        }
    }

    /// Counts an anomaly; the first of each kind and sender is reported as an event.
    mutating func recordAnomaly(_ kind: Anomaly.Kind, sender: Role, at time: Timestamp,
                                sink: inout some ConnectionEventSink) {
        if let index = anomalies.firstIndex(where: { $0.kind == kind && $0.sender == sender }) {
            anomalies[index].count += 1
            return
        }
        let anomaly = Anomaly(kind: kind, sender: sender, firstSeen: time, count: 1)
        anomalies.append(anomaly)
        guard reports.contains(.anomalies) else { return }
        sink.receive(.anomaly(connectionID: id, anomaly: anomaly))
    }
}
