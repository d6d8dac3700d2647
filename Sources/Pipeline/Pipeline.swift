import Capture
import Report
import Tracker
import Wire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The packet pipeline, source → decode → track → render, as the command
/// runs it: front ends (the command, tests, other tools) describe the
/// source and the tracker's configuration, and run it with a renderer.
public struct Pipeline {
    public var source: PacketSource
    public var configuration: TrackerConfiguration
    /// A one-line progress report on stderr while files are read, if stderr is a terminal.
    public var showsProgress: Bool
    /// At the end, say on stderr how many packets, segments and connections were seen (`-v`).
    public var saysWhatWasSeen: Bool
    /// How the run's counts are written on stderr at the end (`--stats`).
    public var statisticsFormat: RunStatistics.Format
    /// Trackers for files (`-j`); nil lets the run choose (`automaticThreads`).
    /// A live capture is tracked by one (processes split an interface with `--fanout`).
    public var threads: Int?

    public init(source: PacketSource, configuration: TrackerConfiguration = TrackerConfiguration(),
                showsProgress: Bool = false, saysWhatWasSeen: Bool = false,
                statisticsFormat: RunStatistics.Format = .text) {
        self.source = source
        self.configuration = configuration
        self.showsProgress = showsProgress
        self.saysWhatWasSeen = saysWhatWasSeen
        self.statisticsFormat = statisticsFormat
    }

    /// Reads every packet, tracks every connection and renders the events
    /// with `renderer` to `output`; returns the renderer as it stands at the
    /// end. What was read before a failure is rendered before it is thrown.
    public func track<Renderer: ConnectionRenderer>(_ renderer: Renderer,
                                                    to output: LineOutput) throws(CaptureError) -> Renderer {
        var configuration = configuration
        configuration.reportedEvents = renderer.events
        if case .files(let paths) = source.input {
            let threads = threads ?? Self.automaticThreads(paths, events: configuration.reportedEvents)
            // Zeek's table is one, in packet order: its rows are not split between threads.
            if threads > 1, !configuration.reportedEvents.contains(.zeekRows) { return try trackInParallel(renderer, to: output, configuration: configuration, threads: threads) }
        }
        var analysis = Analysis(renderer: renderer, output: output, configuration: configuration,
                                tunnelPorts: source.tunnelPorts, saysWhatWasSeen: saysWhatWasSeen)
        var progress = Progress(enabled: showsProgress)
        // What was read before a failure is still reported: finish on every
        // exit, after clearing the progress line so stderr messages stand alone.
        defer {
            progress.clear()
            analysis.finish()
        }
        let counts = try source.run({ packet, position in
            analysis.consume(packet)
            progress.tick(bytesRead: position.bytesRead, totalBytes: position.totalBytes,
                          openConnections: analysis.openConnections)
            return !output.isClosed
        }, idle: {
            let now = Self.wallClock()
            analysis.advance(to: now)
            output.flush()
            return Self.wait(from: now, until: analysis.nextDeadline)
        })
        progress.clear()
        analysis.finish()
        analysis.statistics.counted(by: counts).report(as: statisticsFormat)
        return analysis.renderer
    }

    /// Files of at least this many bytes in all are worth several trackers.
    public static let parallelThreshold: Int64 = 64_000_000

    /// A tracker per core for large files when the format draws transitions
    /// or segments, which is where the work is: measured on two cores, the
    /// transitions format ran 1.3-1.5 times as fast with two, while for the
    /// summary, json and zeek, whose tracking is lighter than reading the
    /// file, two were no faster (`make bench`). One otherwise.
    static func automaticThreads(_ paths: [String], events: ReportedEvents) -> Int {
        guard !events.isDisjoint(with: [.transitions, .segments]) else { return 1 }
        var total: Int64 = 0
        for path in paths where path != "-" {
            var info = stat()
            if stat(path, &info) == 0 { total += Int64(info.st_size) }
        }
        return total >= parallelThreshold ? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) : 1
    }

    /// `track` with `threads` trackers: the same output, in the same order.
    private func trackInParallel<Renderer: ConnectionRenderer>(_ renderer: Renderer, to output: LineOutput,
                                                               configuration: TrackerConfiguration, threads: Int)
        throws(CaptureError) -> Renderer {
        let analysis = ParallelAnalysis(renderer: renderer, output: output, configuration: configuration,
                                        tunnelPorts: source.tunnelPorts, threads: threads)
        var progress = Progress(enabled: showsProgress)
        let counts: PacketSource.Counts
        do throws(CaptureError) {
            counts = try source.run({ packet, position in
                analysis.consume(packet)
                progress.tick(bytesRead: position.bytesRead, totalBytes: position.totalBytes, openConnections: nil)
                return !analysis.isOutputClosed
            }, idle: { Self.longestWait })
        } catch {
            // What was read before the failure is still reported.
            progress.clear()
            report(analysis.finish(), packets: analysis.packets, output: output)
            throw error
        }
        progress.clear()
        let finished = analysis.finish()
        report(finished, packets: analysis.packets, output: output)
        RunStatistics(tcpSegments: analysis.segments, undecodable: finished.undecodable,
                      connections: finished.statistics.connections).counted(by: counts).report(as: statisticsFormat)
        return finished.renderer
    }

    /// What `Analysis.finish` says at the end of a run, for a parallel one.
    private func report(_ finished: (renderer: some ConnectionRenderer, statistics: ConnectionTracker.Statistics,
                                     undecodable: UndecodableCount), packets: Int, output: LineOutput) {
        output.flush()
        finished.undecodable.report()
        finished.statistics.reportEvictions(limit: configuration.maximumConnections)
        if saysWhatWasSeen { finished.statistics.sayWhatWasSeen(packets: packets) }
    }

    /// `--format segments`: each decoded segment as a tcpdump-like line, no tracking.
    public func listSegments(to output: LineOutput) throws(CaptureError) {
        var listing = SegmentListing(output: output, tunnelPorts: source.tunnelPorts, saysWhatWasSeen: saysWhatWasSeen)
        defer { listing.finish() }
        let counts = try source.run({ packet, _ in
            listing.consume(packet)
            return !output.isClosed
        }, idle: {
            output.flush()
            return Self.longestWait
        })
        listing.finish()
        listing.statistics.counted(by: counts).report(as: statisticsFormat)
    }

    /// The longest a quiet live capture waits before it looks at its timers
    /// again, so a step of the wall clock is noticed within a second.
    static let longestWait = 1.0

    /// Seconds from `now` to `deadline`, at most `longestWait`.
    static func wait(from now: Timestamp, until deadline: Timestamp?) -> Double {
        guard let deadline else { return longestWait }
        return min(max(Double(deadline - now) / 1e9, 0), longestWait)
    }

    /// Live capture stamps packets with the wall clock, so it is capture time too.
    private static func wallClock() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec))
    }
}
