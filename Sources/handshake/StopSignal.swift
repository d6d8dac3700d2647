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

    private let onStop: @Sendable () -> Void

    /// Watches SIGINT and SIGTERM; `onStop` runs once, on the first of them.
    init(onStop: @escaping @Sendable () -> Void) {
        self.onStop = onStop
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in self.raise() }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops as a signal would; only the first stop calls `onStop`.
    func raise() {
        if !raised.exchange(true, ordering: .sequentiallyConsistent) { onStop() }
    }

    /// Stops after `seconds` (`handshake check --duration`).
    func raise(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in self.raise() }
    }

    var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }
}
