import Wire

/// How times are written in handshake's text outputs.
enum TimeText {
    /// Microseconds unless the capture had finer stamps.
    static func fractionDigits(_ time: Timestamp) -> Int {
        time.subsecondNanoseconds % 1000 == 0 ? 6 : 9
    }

    /// A time as seconds.
    static func seconds(_ time: Timestamp) -> String {
        time.formatted(fractionDigits: fractionDigits(time))
    }

    /// A duration in nanoseconds as seconds.
    static func seconds(nanoseconds: Int64) -> String {
        seconds(Timestamp(nanosecondsSinceEpoch: nanoseconds))
    }

    /// A duration in nanoseconds as milliseconds with three decimals,
    /// rounded half away from zero: `12.345`, `-1.500`. Negative when
    /// capture time ran backwards (a file read twice, clocks that differ
    /// between interfaces, an NTP step).
    static func milliseconds(_ nanoseconds: Int64) -> String {
        let micros = (nanoseconds.magnitude + 500) / 1000
        let fraction = String(micros % 1000)
        return (nanoseconds < 0 && micros > 0 ? "-" : "") + "\(micros / 1000)."
            + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
