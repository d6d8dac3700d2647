#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-line messages on stderr, prefixed like other Unix tools.
public enum Diagnostics {
    public static func say(_ message: String) {
        put("handshake: \(escaped(message))\n")
    }

    /// ArgumentParser's message for a usage error, its own lines kept.
    public static func sayUsage(_ message: String) {
        put(escaped(message, keepingLineBreaks: true) + "\n")
    }

    /// `text` with control characters written `\x1b`, as Zeek writes them
    /// in its logs: a file name or a `--where` value is echoed in messages,
    /// and must not move the cursor, recolour the terminal or forge a line.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingLineBreaks && $0 == "\n") }) else {
            return text
        }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar), !(keepingLineBreaks && scalar == "\n") {
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A line on stderr as it is, without the prefix: for what programs read.
    static func sayVerbatim(_ line: String) {
        put(line + "\n")
    }

    /// Rewrites the current stderr line (progress), erasing what was there.
    static func overwrite(_ text: String) {
        put("\r\u{1B}[K" + text)
    }

    private static func put(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
    }
}
