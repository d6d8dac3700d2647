import Wire

/// A connection's deadlines in capture time: TIME_WAIT running out, idle
/// timeouts, the close linger, and the linger of a reported connection.
extension Connection {
    /// The earliest capture time at which a sweep has something to do here.
    /// Unreported: TIME_WAIT running out, its states' idle timeout, or the
    /// end of the close linger once both endpoints are done, whichever comes
    /// first. Reported: the end of an endpoint's TIME_WAIT, else the end of
    /// its linger. Segments move it later; state changes and reporting can
    /// move it earlier.
    ///
    /// A reported connection's deadline is asked for only at the moment it
    /// is reported (its later segments are strays), so it lingers from `now`.
    @inline(__always)
    func deadline(_ configuration: TrackerConfiguration, linger: Int64, now: Timestamp) -> Timestamp {
        if isReported { return earliestTimeWaitEnd(timeWait: configuration.timeWait) ?? now + linger }
        let client = endpoints[.client].state, server = endpoints[.server].state
        var deadline = lastSeen + max(configuration.idleTimeout(client), configuration.idleTimeout(server))
        // Most segments find neither end in TIME_WAIT nor the client done: the idle timeout is all.
        guard client.isDone || server == .timeWait else { return deadline }
        if let end = earliestTimeWaitEnd(timeWait: configuration.timeWait) { deadline = min(deadline, end) }
        if isDone { deadline = min(deadline, lastSeen + configuration.closeLinger) }
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

    /// When the first of the endpoints in TIME_WAIT leaves it.
    @inline(__always)
    func earliestTimeWaitEnd(timeWait: Int64) -> Timestamp? {
        let client = timeWaitEnd(.client, timeWait: timeWait), server = timeWaitEnd(.server, timeWait: timeWait)
        guard let client, let server else { return client ?? server }
        return min(client, server)
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
