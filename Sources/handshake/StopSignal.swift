import Dispatch
import Pipeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a `CaptureStop` request on a Dispatch queue,
/// outside signal-handler context, so stopping can call into libpcap.
enum StopSignal {
    /// Keeps the signal sources alive for the life of the process.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// From now on, SIGINT and SIGTERM raise `stop` instead of ending the process.
    static func forward(to stop: CaptureStop) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.raise() }
            source.resume()
            sources.append(source)
        }
    }
}
