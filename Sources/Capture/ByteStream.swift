#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered reads from a file descriptor with look-ahead, so record parsers
/// can view a whole record in place instead of copying it out.
final class ByteStream {
    private let fd: Int32
    private let closeOnDeinit: Bool
    let path: String
    // The position fields are read and moved on every packet. The compiler
    // proves exclusive access to them statically (a reader is used from one
    // thread, and no access overlaps another); checking it again at run time
    // cost 3% of reading a file.
    @exclusivity(unchecked) private var storage: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var atEOF = false
    /// The file offset of `storage[start]`.
    @exclusivity(unchecked) private(set) var offset: Int64 = 0

    init(fd: Int32, path: String, closeOnDeinit: Bool, capacity: Int = 1 << 20) {
        self.fd = fd
        self.path = path
        self.closeOnDeinit = closeOnDeinit
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
        if closeOnDeinit { close(fd) }
    }

    var available: Int { end - start }

    /// Makes `count` bytes available from the current position, reading
    /// more as needed. Returns false if the stream ends first.
    func fill(_ count: Int) throws(CaptureError) -> Bool {
        if available >= count { return true }
        if start > 0, start + count > storage.count {
            storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: available)
            end -= start
            start = 0
        }
        if count > storage.count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
            larger.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: available)
            storage.deallocate()
            storage = larger
            end -= start
            start = 0
        }
        while available < count, !atEOF {
            let got = read(fd, storage.baseAddress! + end, storage.count - end)
            if got > 0 {
                end += got
            } else if got == 0 {
                atEOF = true
            } else if errno != EINTR {
                throw .readFailed(path: path, reason: String(cString: strerror(errno)))
            }
        }
        return available >= count
    }

    /// The next `count` bytes, which `fill(count)` made available.
    func peek(_ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.baseAddress! + start, count: count)
    }

    func skip(_ count: Int) {
        start += count
        offset += Int64(count)
    }
}
