#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress report on stderr while a file is read, when stderr
/// is a terminal: bytes and packets per second and connections open.
/// Nothing at all when stderr is a pipe or a file.
struct Progress {
    private let enabled: Bool
    private var started = Progress.now()
    private var lastShown = Progress.now()
    private var packets = 0
    private var shown = false

    /// Shows nothing unless `enabled` and stderr is a terminal.
    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    /// Counts a packet; at most twice a second, redraws the line.
    mutating func tick(bytesRead: Int64, totalBytes: Int64?, openConnections: @autoclosure () -> Int?) {
        packets += 1
        guard enabled, packets & 0x3FFF == 0 else { return }
        let now = Progress.now()
        guard now - lastShown >= 0.5 else { return }
        lastShown = now
        let elapsed = max(now - started, 0.001)
        var line = "\(Self.megabytes(bytesRead))"
        if let totalBytes, totalBytes > 0 { line += " of \(Self.megabytes(totalBytes)) (\(bytesRead * 100 / totalBytes)%)" }
        line += ", \(packets) packets, \(Int(Double(packets) / elapsed)) packets/s, "
            + "\(Self.megabytes(Int64(Double(bytesRead) / elapsed)))/s"
        if let open = openConnections() { line += ", \(open) connections open" }
        Diagnostics.overwrite(line)
        shown = true
    }

    /// Clears the progress line before the final output; once.
    mutating func clear() {
        if shown { Diagnostics.overwrite("") }
        shown = false
    }

    private static func megabytes(_ bytes: Int64) -> String {
        "\(bytes / 1_000_000).\(bytes % 1_000_000 / 100_000) MB"
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
