import CMemoryHints
import Wire

/// Finds a connection's slot in `ConnectionTable` from its address/port
/// pair, in either direction: open addressing with linear probing over
/// 8-byte entries that hold a slot and its pair's hash.
///
/// The pair itself is not stored: the caller compares the candidate slot's
/// connection, which it is about to read anyway. The hash is symmetric (the
/// sum of each endpoint's), so a segment needs no ordering of its endpoints,
/// and seeded per table, so a capture cannot be crafted to collide.
struct FlowIndex {
    private struct Entry {
        var hash: UInt32
        /// `ConnectionTable` slot; `empty` when unused.
        var slot: Int32
        static let empty = Entry(hash: 0, slot: -1)
    }

    private var entries = ContiguousArray(repeating: Entry.empty, count: 16)
    private var mask = 15
    private(set) var count = 0
    private let seed = UInt64.random(in: .min ... .max)

    /// The same for both directions of a pair.
    func hash(_ first: Endpoint, _ second: Endpoint) -> UInt32 {
        UInt32(truncatingIfNeeded: mix(first) &+ mix(second))
    }

    /// The slot with this hash for which `matches` holds, if any.
    func slot(hash: UInt32, where matches: (Int32) -> Bool) -> Int32? {
        var position = Int(hash) & mask
        while true {
            let entry = entries[position]
            if entry.slot < 0 { return nil }
            if entry.hash == hash, matches(entry.slot) { return entry.slot }
            position = (position + 1) & mask
        }
    }

    /// Asks for the entry where a lookup of `hash` starts to be brought into cache.
    func prefetchEntry(hash: UInt32) {
        entries.withUnsafeBufferPointer { handshake_prefetch($0.baseAddress! + (Int(hash) & mask)) }
    }

    /// The slot in the entry where a lookup of `hash` starts, if it is filed
    /// under `hash`: a guess at the answer, without reading any connection,
    /// for prefetching. Runs of more than one entry are rare at half full.
    func likelySlot(hash: UInt32) -> Int32? {
        let entry = entries[Int(hash) & mask]
        return entry.hash == hash && entry.slot >= 0 ? entry.slot : nil
    }

    mutating func insert(_ slot: Int32, hash: UInt32) {
        // At most half full: linear probes stay short.
        if (count + 1) * 2 > entries.count { grow() }
        place(Entry(hash: hash, slot: slot))
        count += 1
    }

    /// Removes `slot`, filed under `hash`, and moves later entries of its
    /// probe run back into the gap (no tombstones, so lookups stay short).
    mutating func remove(_ slot: Int32, hash: UInt32) {
        var hole = Int(hash) & mask
        while entries[hole].slot != slot { hole = (hole + 1) & mask }
        var next = (hole + 1) & mask
        while entries[next].slot >= 0 {
            let home = Int(entries[next].hash) & mask
            // The entry may move back only if the hole is not before its home.
            if (next - home) & mask >= (next - hole) & mask {
                entries[hole] = entries[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        entries[hole] = .empty
        count -= 1
    }

    private mutating func place(_ entry: Entry) {
        var position = Int(entry.hash) & mask
        while entries[position].slot >= 0 { position = (position + 1) & mask }
        entries[position] = entry
    }

    private mutating func grow() {
        let old = entries
        entries = ContiguousArray(repeating: .empty, count: old.count * 2)
        mask = entries.count - 1
        for entry in old where entry.slot >= 0 { place(entry) }
    }

    /// One endpoint's share of the hash: multiply-xorshift rounds over the
    /// address words and the port, then a final avalanche (SplitMix64's).
    private func mix(_ endpoint: Endpoint) -> UInt64 {
        var value = (seed ^ endpoint.address.low) &* 0x9E37_79B9_7F4A_7C15
        value = (value ^ endpoint.address.high ^ value >> 29) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ UInt64(endpoint.port) ^ value >> 32) &* 0x94D0_49BB_1331_11EB
        return value ^ value >> 31
    }
}
