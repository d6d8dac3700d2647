import Capture
import Report
import Synchronization
import Tracker
import Wire

/// `-j N`: one capture tracked by N trackers. The calling thread reads and
/// decodes every packet, keeps the one capture clock (`CaptureClock`), and
/// hands each segment to the tracker that owns its connection (by the
/// symmetric flow hash, as `--shard` splits them): its own tracker for a
/// share of the connections that leaves it as busy as the others, and N - 1
/// tracker threads through bounded single-producer queues, no lock on the
/// way of a segment. The clock's
/// readings travel with the segments and its timer runs go to every
/// tracker, so each judges time as one tracker would. A merger thread puts
/// the trackers' events back in the order one tracker reports them
/// (`EventOrder`) and renders them: the output is the same bytes as `-j 1`.
final class ParallelAnalysis<Renderer: ConnectionRenderer> {
    /// A tracker's share of the input since the last hand-over: its
    /// segments side by side with their clock readings and places in the
    /// input, so a segment is copied once on its way (an array of enum
    /// steps copied each several times over), and the timer runs between them.
    struct Work {
        var segments: ContiguousArray<TCPSegment> = []
        var readings: ContiguousArray<ClockReading> = []
        var indices: ContiguousArray<UInt64> = []
        /// Each timer run comes before the segment at `position` in `segments`.
        var timers: [(position: Int, time: Timestamp, index: UInt64)] = []
        /// Every segment up to this place in the input has been handed out.
        var through: UInt64 = 0
        var isLast = false

        init(reserving capacity: Int) {
            segments.reserveCapacity(capacity)
            readings.reserveCapacity(capacity)
            indices.reserveCapacity(capacity)
        }

        /// Empties it for reuse, keeping its storage.
        mutating func clear() {
            segments.removeAll(keepingCapacity: true)
            readings.removeAll(keepingCapacity: true)
            indices.removeAll(keepingCapacity: true)
            timers.removeAll(keepingCapacity: true)
            isLast = false
        }
    }

    /// A tracker's events for one `Work`, and how far it has got.
    struct Tracked {
        var events: [OrderedEvent]
        var through: UInt64
    }

    /// Segments handed to the trackers at once: large enough that the queues
    /// are touched rarely, small enough that the merger is not held up long.
    static var flushSteps: Int { 2_048 }
    static var queueCapacity: Int { 16 }

    private let threadCount: Int
    private let configuration: TrackerConfiguration
    private let inputs: [SPSCQueue<Work>]
    /// Work a tracker is done with, back to the reader to be filled again:
    /// fresh arrays of this size each time came from new pages, and the
    /// kernel zeroing them was a fifth of both threads' time.
    private let spentWork: [SPSCQueue<Work>]
    private let outputs: [SPSCQueue<Tracked>]
    private var trackerThreads: [WorkerThread] = []
    private var mergerThread: WorkerThread?
    /// Each tracker's counters, in a box of its own that only its thread writes.
    private let trackerStatistics: [StatisticsBox]

    private final class StatisticsBox {
        var value = ConnectionTracker.Statistics()
    }
    private var rendered: Renderer?
    /// Raised by the merger when the output was closed (`| head`): reading can stop.
    private let outputClosed = Atomic<Bool>(false)

    // The reader's state, touched for every packet by the reader thread
    // alone: unchecked, because the runtime's exclusivity checks on a class's
    // properties cost more than the rest of the reader's work.
    @exclusivity(unchecked) private var clock: CaptureClock
    @exclusivity(unchecked) private var pending: [Work]
    @exclusivity(unchecked) private var pendingSteps = 0
    @exclusivity(unchecked) private var index: UInt64 = 0
    @exclusivity(unchecked) private var undecodable: UndecodableCount
    @exclusivity(unchecked) private var segment = TCPSegment.zero
    @exclusivity(unchecked) private(set) var packets = 0
    @exclusivity(unchecked) private(set) var segments = 0
    /// Tracker 0, run by the reader itself.
    @exclusivity(unchecked) private var inlineTracker: ConnectionTracker
    @exclusivity(unchecked) private var inlineSink = OrderingSink()
    /// Of 64 parts of the connections, how many tracker 0 takes: the reader,
    /// busy reading and decoding every packet, finished soonest with an
    /// eighth of them beside one tracker thread (measured on two cores: an
    /// eighth 0.238 s, a quarter 0.245, three eighths 0.253, none 0.26-0.34),
    /// and with more threads it has enough to do reading.
    private let inlineShare: UInt64

    init(renderer: Renderer, output: LineOutput, configuration: TrackerConfiguration, tunnelPorts: TunnelPorts,
         threads: Int) {
        undecodable = UndecodableCount(tunnelPorts: tunnelPorts)
        threadCount = threads
        self.configuration = configuration
        clock = CaptureClock(jumpLimit: configuration.clockJumpLimit)
        // Queues and statistics by tracker; tracker 0 is the reader's own, and its input queue stays unused.
        inputs = (0..<threads).map { _ in SPSCQueue(capacity: Self.queueCapacity) }
        spentWork = (0..<threads).map { _ in SPSCQueue(capacity: Self.queueCapacity + 2) }
        outputs = (0..<threads).map { _ in SPSCQueue(capacity: Self.queueCapacity) }
        pending = (0..<threads).map { _ in Work(reserving: Self.flushSteps) }
        trackerStatistics = (0..<threads).map { _ in StatisticsBox() }
        inlineShare = threads == 2 ? 8 : 0
        var trackerConfiguration = configuration
        // The shard is kept here, before the trackers: they see only their own connections.
        trackerConfiguration.shard = nil
        inlineTracker = ConnectionTracker(configuration: trackerConfiguration)
        for thread in 1..<threads {
            let input = inputs[thread], output = outputs[thread], spent = spentWork[thread]
            trackerThreads.append(WorkerThread { [unowned self] in
                trackerStatistics[thread].value = Self.track(input, output, spent, trackerConfiguration)
            })
        }
        mergerThread = WorkerThread { [unowned self] in
            rendered = Self.merge(outputs, renderer, output, closed: outputClosed)
        }
    }

    /// Whether the output was closed, so reading on is pointless.
    var isOutputClosed: Bool { outputClosed.load(ordering: .relaxed) }

    /// Decodes a packet and hands its segment to its tracker. Reader thread only.
    func consume(_ packet: CapturedPacket) {
        packets &+= 1
        guard undecodable.decode(packet, into: &segment) else { return }
        segments += 1
        index += 1
        let timeAnomaly = clock.admit(segment.timestamp)
        if clock.sweepIsDue {
            clock.swept()
            inlineSink.timers(before: index)
            inlineTracker.runTimers(at: clock.now, into: &inlineSink)
            for thread in 1..<threadCount {
                pending[thread].timers.append((pending[thread].segments.count, clock.now, index))
            }
        }
        let hash = FlowHash.symmetric(segment.source, segment.destination)
        var owner = hash
        if let shard = configuration.shard {
            guard shard.owns(hash: hash) else { return }
            owner /= UInt64(shard.count)
        }
        let reading = ClockReading(now: clock.now, timeAnomaly: timeAnomaly)
        if (owner >> 32) % 64 < inlineShare {
            inlineSink.segment(index)
            inlineTracker.process(segment, reading: reading, into: &inlineSink)
        } else {
            let thread = 1 + Int(owner % UInt64(threadCount - 1))
            pending[thread].segments.append(segment)
            pending[thread].readings.append(reading)
            pending[thread].indices.append(index)
            pendingSteps += 1
            if pendingSteps >= Self.flushSteps { flush(isLast: false) }
        }
    }

    /// Ends the input, waits for every thread, and returns the renderer with
    /// everything rendered, the trackers' counters summed, and what could
    /// not be decoded.
    func finish() -> (renderer: Renderer, statistics: ConnectionTracker.Statistics, undecodable: UndecodableCount) {
        flush(isLast: true)
        for thread in trackerThreads { thread.join() }
        mergerThread?.join()
        var total = ConnectionTracker.Statistics()
        for statistics in trackerStatistics.map(\.value) {
            total.segments += statistics.segments
            total.connections += statistics.connections
            total.evictions += statistics.evictions
            total.resumedAfterEviction += statistics.resumedAfterEviction
            total.straySegments += statistics.straySegments
            // Each thread's peak, added: at most what was open at once.
            total.peakOpen += statistics.peakOpen
        }
        total.otherShards = segments - total.segments
        guard let rendered else { preconditionFailure("the merger thread ended without its renderer") }
        return (rendered, total, undecodable)
    }

    private func flush(isLast: Bool) {
        if isLast {
            inlineSink.end()
            inlineTracker.finish(into: &inlineSink)
            trackerStatistics[0].value = inlineTracker.statistics
        }
        outputs[0].push(Tracked(events: inlineSink.take(), through: isLast ? .max : index))
        for thread in 1..<threadCount {
            pending[thread].through = index
            pending[thread].isLast = isLast
            inputs[thread].push(pending[thread])
            pending[thread] = spentWork[thread].pop() ?? Work(reserving: Self.flushSteps)
        }
        pendingSteps = 0
    }

    /// A tracker thread: its steps in order, then the end of the input.
    private static func track(_ input: SPSCQueue<Work>, _ output: SPSCQueue<Tracked>, _ spent: SPSCQueue<Work>,
                              _ configuration: TrackerConfiguration) -> ConnectionTracker.Statistics {
        var tracker = ConnectionTracker(configuration: configuration)
        var sink = OrderingSink()
        while true {
            var work = input.popWaiting()
            var timer = 0
            func runTimers(before position: Int) {
                while timer < work.timers.count, work.timers[timer].position == position {
                    sink.timers(before: work.timers[timer].index)
                    tracker.runTimers(at: work.timers[timer].time, into: &sink)
                    timer += 1
                }
            }
            work.segments.withUnsafeBufferPointer { segments in
                for position in segments.indices {
                    runTimers(before: position)
                    sink.segment(work.indices[position])
                    tracker.process(segments[position], reading: work.readings[position], into: &sink)
                }
            }
            runTimers(before: work.segments.count)
            if work.isLast {
                sink.end()
                tracker.finish(into: &sink)
            }
            output.push(Tracked(events: sink.take(), through: work.isLast ? .max : work.through))
            if work.isLast { return tracker.statistics }
            work.clear()
            // Dropped if the reader has enough spare: it never waits for this.
            _ = spent.tryPush(work)
        }
    }

    /// The merger thread: the trackers' events, each tracker's already in
    /// order, merged; an event is rendered once every other tracker has
    /// either a later event waiting or has got past its segment.
    private static func merge(_ outputs: [SPSCQueue<Tracked>], _ renderer: Renderer, _ output: LineOutput,
                              closed: borrowing Atomic<Bool>) -> Renderer {
        var renderer = renderer
        var sink = output
        renderer.begin(to: &sink)
        defer { renderer.end(to: &sink) }
        var events = Array(repeating: [OrderedEvent](), count: outputs.count)
        var heads = Array(repeating: 0, count: outputs.count)
        var through = Array(repeating: UInt64(0), count: outputs.count)
        func refill(_ thread: Int) {
            let tracked = outputs[thread].popWaiting()
            events[thread] = tracked.events
            heads[thread] = 0
            through[thread] = tracked.through
        }
        func isEmpty(_ thread: Int) -> Bool { heads[thread] == events[thread].count }
        while true {
            var earliest: Int?
            for thread in events.indices where !isEmpty(thread) {
                if let best = earliest, events[best][heads[best]].order < events[thread][heads[thread]].order { continue }
                earliest = thread
            }
            guard let best = earliest else {
                guard let waiting = through.indices.filter({ through[$0] != .max }).min(by: { through[$0] < through[$1] })
                else { break }
                refill(waiting)
                continue
            }
            let order = events[best][heads[best]].order
            if let behind = events.indices.first(where: { $0 != best && isEmpty($0) && through[$0] < order.index }) {
                refill(behind)
                continue
            }
            renderer.render(events[best][heads[best]].event, to: &sink)
            heads[best] += 1
            if output.isClosed { closed.store(true, ordering: .relaxed) }
        }
        return renderer
    }
}
