#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Report

/// Buffered output to a file descriptor that writes only whole lines, so a
/// reader of a pipe never sees half a record, even if the tool stops.
/// A closed pipe (`| head`) ends output quietly: `isClosed` turns true.
/// Any other failure to write (a full disk, `/dev/full`) ends it too, and
/// `failure` says why, for the command to report.
public final class LineOutput: LineSink {
    private let fd: Int32
    // Touched for every line and read after every packet (`isClosed`). It
    // is used from one thread and no access overlaps another, but being
    // public, the compiler cannot prove that for code in other modules and
    // checked each access at run time: 1% of the instructions of a run.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    private let flushThreshold: Int
    /// Flush after every line: live output must show up as it happens.
    @exclusivity(unchecked) public var flushesEachLine: Bool
    @exclusivity(unchecked) public private(set) var isClosed = false
    /// Why writing failed, if it did for another reason than a closed pipe.
    public private(set) var failure: String?

    public init(fd: Int32, flushThreshold: Int = 1 << 16, flushesEachLine: Bool = false) {
        self.fd = fd
        self.flushThreshold = flushThreshold
        self.flushesEachLine = flushesEachLine
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    public func write(_ line: String) {
        var line = line
        line.withUTF8 { write(utf8: $0) }
    }

    public func write(utf8 line: UnsafeBufferPointer<UInt8>) {
        guard !isClosed else { return }
        buffer.append(contentsOf: line)
        buffer.append(UInt8(ascii: "\n"))
        if flushesEachLine || buffer.count >= flushThreshold { flush() }
    }

    public func flush() {
        var written = 0
        while written < buffer.count, !isClosed {
            let result = buffer.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + written, $0.count - written) }
            if result > 0 {
                written += result
            } else if result == 0 {
                failure = "nothing was written"
                isClosed = true
            } else if errno != EINTR {
                if errno != EPIPE { failure = String(cString: strerror(errno)) }
                isClosed = true
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// write(2), which the class's own `write` methods hide inside it.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
