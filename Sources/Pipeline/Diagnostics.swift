#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-line messages on stderr, prefixed like other Unix tools.
public enum Diagnostics {
    public static func say(_ message: String) {
        put("handshake: \(message)\n")
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
