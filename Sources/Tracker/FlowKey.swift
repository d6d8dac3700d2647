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
}
