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

    /// A duration in nanoseconds as seconds with six decimals, whatever the
    /// capture's precision, so table columns stay aligned: `0.351122`.
    static func seconds(roundedToMicroseconds nanoseconds: Int64) -> String {
        microseconds(nanoseconds, inUnitsOf: 1_000_000, digits: 6)
    }

    /// A duration in nanoseconds as milliseconds with three decimals,
    /// rounded half away from zero: `12.345`, `-1.500`. Negative when
    /// capture time ran backwards (a file read twice, clocks that differ
    /// between interfaces, an NTP step).
    static func milliseconds(_ nanoseconds: Int64) -> String {
        microseconds(nanoseconds, inUnitsOf: 1000, digits: 3)
    }

    /// Rounded to the microsecond, half away from zero, and written in a
    /// unit of `unit` microseconds with `digits` decimals.
    private static func microseconds(_ nanoseconds: Int64, inUnitsOf unit: UInt64, digits: Int) -> String {
        let micros = (nanoseconds.magnitude + 500) / 1000
        let fraction = String(micros % unit)
        return (nanoseconds < 0 && micros > 0 ? "-" : "") + "\(micros / unit)."
            + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
