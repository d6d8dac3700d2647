import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a flag and a callback on a Dispatch queue,
/// outside signal-handler context, so stopping can call into libpcap.
final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    private nonisolated(unsafe) var sources: [DispatchSourceSignal] = []

    /// Watches SIGINT and SIGTERM; `onStop` runs once, on the first of them.
    init(onStop: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                if !self.raised.exchange(true, ordering: .sequentiallyConsistent) { onStop() }
            }
            source.resume()
            sources.append(source)
        }
    }

    var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }
}
