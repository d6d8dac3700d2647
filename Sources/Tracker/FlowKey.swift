import Wire

/// A connection's address/port pair in a fixed order, so both directions
/// of a connection find the same table entry. A value, cheap to hash.
struct FlowKey: Hashable {
    let lower: Endpoint
    let upper: Endpoint

    init(_ segment: TCPSegment) {
        if segment.source < segment.destination {
            lower = segment.source
            upper = segment.destination
        } else {
            lower = segment.destination
            upper = segment.source
        }
    }

    /// One word into the hasher instead of every field: the dictionary
    /// still seeds and finishes it, so collisions stay unpredictable.
    func hash(into hasher: inout Hasher) {
        let ports = UInt64(lower.port) << 16 | UInt64(upper.port)
        var mixed = lower.address.low &* 0x9E37_79B9_7F4A_7C15 ^ upper.address.low
        mixed = (mixed ^ (mixed >> 29)) &* 0xBF58_476D_1CE4_E5B9 ^ lower.address.high ^ (upper.address.high << 1)
        hasher.combine(mixed ^ ports &* 0x94D0_49BB_1331_11EB)
    }
}
