import Wire

/// The capture clock: the time segments are judged by, and when timers are
/// next looked at. A segment dated before the clock leaves it. One dated
/// more than `jumpLimit` ahead moves it only if the segment before was that
/// far ahead too (a gap, as between files read one after another): alone,
/// it is a misdated segment, and taking it as the clock would end every
/// timer and make every later segment run backwards.
///
/// One clock judges every segment of a run, whichever connection, shard or
/// thread it belongs to: `ParallelAnalysis` runs it where the packets are
/// read and hands each tracker its readings.
public struct CaptureClock: Sendable {
    /// Timers are looked at once per this much capture time.
    public static let sweepInterval: Int64 = TrackerConfiguration.second

    public private(set) var now = Timestamp(nanosecondsSinceEpoch: .min)
    private var previousJumpedAhead = false
    private var nextSweep = Timestamp(nanosecondsSinceEpoch: .min)
    let jumpLimit: Int64

    public init(jumpLimit: Int64) {
        self.jumpLimit = jumpLimit
    }

    /// Moves the clock to a segment's time, if it should, and says what was
    /// unusual about that time.
    @inline(__always)
    public mutating func admit(_ time: Timestamp) -> Anomaly.Kind? {
        if time < now {
            previousJumpedAhead = false
            return .timeWentBackwards
        }
        let jumped = now.nanosecondsSinceEpoch != .min && time - now > jumpLimit
        if jumped, !previousJumpedAhead {
            previousJumpedAhead = true
            return .timeJumpedAhead
        }
        previousJumpedAhead = false
        now = time
        return nil
    }

    /// Whether the timers are due to be looked at, now the clock has moved.
    @inline(__always)
    public var sweepIsDue: Bool { now >= nextSweep }

    /// Notes that the timers were looked at now: the next look is a sweep interval on.
    public mutating func swept() {
        nextSweep = now + Self.sweepInterval
    }

    /// Takes the time another clock read (a tracker fed by `ParallelAnalysis`).
    mutating func follow(_ time: Timestamp) {
        now = time
    }
}

/// What the run's one clock said of a segment, for a tracker that does not
/// keep the clock itself (`ConnectionTracker.process(_:reading:into:)`).
public struct ClockReading: Sendable {
    /// The clock after the segment.
    public var now: Timestamp
    /// What was unusual about the segment's time.
    public var timeAnomaly: Anomaly.Kind?

    public init(now: Timestamp, timeAnomaly: Anomaly.Kind?) {
        self.now = now
        self.timeAnomaly = timeAnomaly
    }
}
