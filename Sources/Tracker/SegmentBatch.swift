import Wire

/// Up to `capacity` segments handed to the tracker together
/// (`ConnectionTracker.process(_:into:)`), so it can ask memory for each
/// segment's connection while it works on the segments before: waiting
/// for that memory, a cache miss per packet, was the largest single cost
/// of tracking a big capture.
///
/// Segments are decoded into the batch in place:
///
///     if batch.appendNext({ segment in decode(packet, into: &segment) }), batch.isFull {
///         tracker.process(&batch, into: &sink)
///     }
public struct SegmentBatch {
    /// Storage for one value per segment of a batch.
    typealias PerSegment<Element> = InlineArray<32, Element>
    public static let capacity = PerSegment<TCPSegment>.count

    private var segments = PerSegment<TCPSegment>(repeating: .zero)
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }
    public var isFull: Bool { count == Self.capacity }

    /// Lets `fill` write the next segment in place; keeps it if `fill`
    /// returns true. The batch must not be full.
    @discardableResult
    public mutating func appendNext(_ fill: (inout TCPSegment) -> Bool) -> Bool {
        precondition(!isFull, "appending to a full SegmentBatch")
        guard fill(&segments[count]) else { return false }
        count += 1
        return true
    }

    /// A copy of the segment appended last; the batch must not be empty.
    public var last: TCPSegment { segments[count - 1] }

    /// The segment at `index`, read in place.
    subscript(index: Int) -> TCPSegment {
        _read { yield segments[index] }
    }

    mutating func removeAll() {
        count = 0
    }
}
