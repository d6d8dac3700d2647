/// A byte string kept in place up to `capacity` bytes (at most 255) and
/// continued on the heap beyond that: the storage of logs that are short
/// for almost every connection, but have no bound for a few. A connection
/// lives in the table's chunks, so bytes kept in place cost no allocation.
struct InlineBytes<let capacity: Int>: Sendable {
    private var spilled: [UInt8] = []
    private var stored = InlineArray<capacity, UInt8>(repeating: 0)
    private var storedCount: UInt8 = 0

    init() {}

    /// How many bytes it keeps in place.
    static var inPlaceCapacity: Int { capacity }

    var count: Int {
        @inline(__always) get { Int(storedCount) + spilled.count }
    }

    subscript(position: Int) -> UInt8 {
        @inline(__always) get { position < Int(storedCount) ? stored[position] : spilled[position - Int(storedCount)] }
    }

    /// Appends in place while there is room, then on the heap: the bytes
    /// read back in order either way.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        guard Int(storedCount) < capacity else { return spilled.append(byte) }
        stored[Int(storedCount)] = byte
        storedCount += 1
    }
}
