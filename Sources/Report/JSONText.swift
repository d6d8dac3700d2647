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
        var text = ""
        appendSeconds(time, to: &text)
        return text
    }

    /// Appends `seconds.fraction` without intermediate strings (the JSON
    /// writer's hot path: several per record).
    static func appendSeconds(_ time: Timestamp, to text: inout String) {
        let nanoseconds = time.subsecondNanoseconds
        let micro = nanoseconds % 1000 == 0
        text += String(time.seconds)
        text.append(".")
        var fraction = micro ? nanoseconds / 1000 : nanoseconds
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: micro ? 6 : 9)
        for index in digits.indices.reversed() {
            digits[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
        text += String(decoding: digits, as: UTF8.self)
    }

    /// A duration in nanoseconds as seconds.
    static func seconds(nanoseconds: Int64) -> String {
        seconds(Timestamp(nanosecondsSinceEpoch: nanoseconds))
    }
}
