import Wire

/// A connection's deadlines in capture time: TIME_WAIT running out, idle
/// timeouts, and the linger of a reported connection.
extension Connection {
    /// The earliest capture time at which a sweep has something to do here:
    /// the end of its linger once reported; otherwise TIME_WAIT running out
    /// or its states' idle timeout, whichever comes first. Segments move it
    /// later; state changes and reporting can move it earlier.
    ///
    /// A reported connection's deadline is asked for only at the moment it
    /// is reported (its later segments are strays), so it lingers from `now`.
    @inline(__always)
    func deadline(_ configuration: TrackerConfiguration, linger: Int64, now: Timestamp) -> Timestamp {
        if isReported { return now + linger }
        var deadline = lastSeen + max(configuration.idleTimeout(endpoints[.client].state),
                                      configuration.idleTimeout(endpoints[.server].state))
        for role in [Role.client, .server] {
            if let end = timeWaitEnd(role, timeWait: configuration.timeWait) { deadline = min(deadline, end) }
        }
        return deadline
    }

    /// Marks the deadline as filed and returns it when it comes before the
    /// one on file; nil while the filed one still holds.
    @inline(__always)
    mutating func refileDeadline(_ configuration: TrackerConfiguration, linger: Int64, now: Timestamp) -> Timestamp? {
        let next = deadline(configuration, linger: linger, now: now)
        guard next < scheduledDeadline else { return nil }
        scheduledDeadline = next
        return next
    }

    /// When `role`'s TIME_WAIT runs out, 2×MSL after it began, if it is in TIME_WAIT.
    @inline(__always)
    func timeWaitEnd(_ role: Role, timeWait: Int64) -> Timestamp? {
        // When TIME_WAIT began is read from the transition log, where its
        // entry already holds it, not kept beside it: two more timestamps
        // would take a connection from 352 to 368 bytes, one more 2 MiB
        // chunk per 100,000 open connections (ConnectionStorageTests).
        // TIME_WAIT is only ever entered by a transition, so there is a last one.
        guard endpoints[role].state == .timeWait, let since = transitionLog.lastTime(of: role, since: firstSeen) else {
            return nil
        }
        return since + timeWait
    }

    /// Closes each endpoint whose TIME_WAIT has run out; the transition is stamped when it did.
    mutating func expireTimeWait(now: Timestamp, timeWait: Int64, sink: inout some ConnectionEventSink) {
        for role in [Role.client, .server] {
            if let end = timeWaitEnd(role, timeWait: timeWait), end <= now {
                fire(.timeWaitExpired, role, at: end, sink: &sink)
            }
        }
    }
}
