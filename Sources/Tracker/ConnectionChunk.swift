#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Storage for up to `capacity` connections in one 2 MiB block, aligned so
/// the kernel can back it with one huge page: a capture that opens 100,000
/// connections otherwise takes some 15,000 page faults to touch their
/// memory, a tenth of its run time.
///
/// Slots are initialised in order and stay initialised (a freed slot keeps
/// its old connection until the table reuses it), so `count` is all the
/// chunk needs to copy or destroy them.
final class ConnectionChunk {
    static let byteCount = 2 << 20
    static let capacity = byteCount / MemoryLayout<Connection>.stride

    let base: UnsafeMutablePointer<Connection>
    private(set) var count = 0

    init() {
        guard let memory = aligned_alloc(Self.byteCount, Self.byteCount) else {
            fatalError("out of memory for \(Self.capacity) connections")
        }
        #if os(Linux)
        _ = madvise(memory, Self.byteCount, MADV_HUGEPAGE)
        #endif
        base = memory.bindMemory(to: Connection.self, capacity: Self.capacity)
    }

    /// A copy of `other`, for a table copied before it is changed.
    convenience init(copying other: ConnectionChunk) {
        self.init()
        base.initialize(from: other.base, count: other.count)
        count = other.count
    }

    deinit {
        base.deinitialize(count: count)
        free(base)
    }

    /// Initialises the next slot.
    func append(_ connection: consuming Connection) {
        (base + count).initialize(to: connection)
        count += 1
    }
}
