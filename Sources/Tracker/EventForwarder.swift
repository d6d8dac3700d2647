import Wire

/// The one sink the tracker's internals are compiled for: it hands each
/// event to the caller's sink through a pointer to it and a function of
/// the sink's type (see `ConnectionTracker.forwarding(to:_:)`).
@usableFromInline
struct EventForwarder: ConnectionEventSink {
    @usableFromInline
    let sink: UnsafeMutableRawPointer
    @usableFromInline
    let deliver: (UnsafeMutableRawPointer, ConnectionEvent) -> Void
    @usableFromInline
    let deliverOrder: (UnsafeMutableRawPointer, Timestamp, UInt64) -> Void

    @usableFromInline
    init(sink: UnsafeMutableRawPointer, deliver: @escaping (UnsafeMutableRawPointer, ConnectionEvent) -> Void,
         deliverOrder: @escaping (UnsafeMutableRawPointer, Timestamp, UInt64) -> Void) {
        self.sink = sink
        self.deliver = deliver
        self.deliverOrder = deliverOrder
    }

    @usableFromInline
    mutating func receive(_ event: ConnectionEvent) {
        deliver(sink, event)
    }

    @usableFromInline
    mutating func connectionEventsFollow(orderedBy time: Timestamp, id: UInt64) {
        deliverOrder(sink, time, id)
    }
}

extension ConnectionEventSink {
    /// Hands `event` to the sink of this type at `sink`. A static function
    /// of a concrete type, so taking it as a function value needs no
    /// context: nothing is allocated per call of the tracker.
    @inlinable
    static func deliver(to sink: UnsafeMutableRawPointer, _ event: ConnectionEvent) {
        sink.assumingMemoryBound(to: Self.self).pointee.receive(event)
    }

    @inlinable
    static func deliverOrder(to sink: UnsafeMutableRawPointer, _ time: Timestamp, _ id: UInt64) {
        sink.assumingMemoryBound(to: Self.self).pointee.connectionEventsFollow(orderedBy: time, id: id)
    }
}
