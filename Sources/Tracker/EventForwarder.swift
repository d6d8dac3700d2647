/// The one sink the tracker's internals are compiled for: it hands each
/// event to a closure (see `ConnectionTracker.forwarding(to:_:)`).
@usableFromInline
struct EventForwarder: ConnectionEventSink {
    @usableFromInline
    let forward: (ConnectionEvent) -> Void

    @usableFromInline
    init(_ forward: @escaping (ConnectionEvent) -> Void) {
        self.forward = forward
    }

    @usableFromInline
    mutating func receive(_ event: ConnectionEvent) {
        forward(event)
    }
}
