import Wire

/// A connection's `EncapsulationPath`, grown segment by segment. The handle
/// of the last segment's layers is remembered, so a segment that came the
/// same way as the one before costs one comparison; one that came through
/// a layer the full path cannot name is counted each time instead.
struct EncapsulationTracking {
    private(set) var path = EncapsulationPath.none
    private var lastHandle = Encapsulation.none

    @inline(__always)
    mutating func add(_ handle: Encapsulation) {
        guard handle.isEncapsulated, handle != lastHandle else { return }
        let unlisted = path.add(handle.layers)
        lastHandle = unlisted ? .none : handle
    }
}
