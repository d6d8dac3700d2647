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
}
