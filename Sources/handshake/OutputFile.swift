import Pipeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file the command writes besides standard output (`--write-expect`,
/// `--junit`), opened and written with the system's calls so that a failure
/// says why in its words ("Is a directory"), where Foundation's said "The
/// operation could not be completed".
final class OutputFile {
    let path: String
    /// Lines go here; they reach the file as the buffer fills and at `finish`.
    let lines: LineOutput
    private var fd: Int32

    init(path: String) throws(CommandFailure) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CommandFailure(.writeFailed, "writing \(path): \(String(cString: strerror(errno)))") }
        self.path = path
        lines = LineOutput(fd: fd)
    }

    /// Writes what is buffered and closes the file; fails if any write did.
    func finish() throws(CommandFailure) {
        lines.flush()
        let closed = fd >= 0 ? close(fd) : 0
        fd = -1
        if let failure = lines.failure ?? (closed != 0 ? String(cString: strerror(errno)) : nil) {
            throw CommandFailure(.writeFailed, "writing \(path): \(failure)")
        }
    }

    deinit {
        if fd >= 0 { _ = close(fd) }
    }
}
