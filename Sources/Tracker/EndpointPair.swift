/// A connection's two endpoints, addressed by role.
///
/// Kept in an inline array and changed in place through `_modify`: every
/// segment touches both. Reads use a plain getter, which the optimiser
/// reduces to the field read; a `_read` coroutine here made the whole
/// tracker 15% slower (measured with `make bench`'s capture).
struct EndpointPair {
    private var storage: InlineArray<2, EndpointTracking>

    init(client: EndpointTracking, server: EndpointTracking) {
        storage = [client, server]
    }

    subscript(_ role: Role) -> EndpointTracking {
        @inline(__always) get { storage[role == .client ? 0 : 1] }
        @inline(__always) _modify { yield &storage[role == .client ? 0 : 1] }
    }
}
