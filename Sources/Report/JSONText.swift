import Wire

/// Small pieces of JSON text, built by hand: the records are flat and the
/// field order is part of the contract, so no encoder is needed.
enum JSONText {
    /// A JSON string literal.
    static func string(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    /// A time as seconds: microseconds unless the capture had finer stamps.
    static func seconds(_ time: Timestamp) -> String {
        time.formatted(fractionDigits: time.subsecondNanoseconds % 1000 == 0 ? 6 : 9)
    }

    /// Appends `seconds.fraction` to text being built (the JSON writer's way).
    static func appendSeconds(_ time: Timestamp, to text: inout String) {
        text += seconds(time)
    }

    /// A duration in nanoseconds as seconds.
    static func seconds(nanoseconds: Int64) -> String {
        seconds(Timestamp(nanosecondsSinceEpoch: nanoseconds))
    }
}
