import Dispatch
import Synchronization

/// A request to stop a live capture, from any thread: Ctrl-C (the command
/// forwards its signals here), `--duration`, or a front end's own reason.
/// The capture checks it between packets, and a blocking read is broken by
/// the action the capture registers.
public final class CaptureStop: Sendable {
    private let raised = Atomic<Bool>(false)
    private let action = Mutex<(@Sendable () -> Void)?>(nil)

    public init() {}

    /// Stops the capture; only the first request runs the capture's action.
    public func raise() {
        guard !raised.exchange(true, ordering: .sequentiallyConsistent) else { return }
        action.withLock { $0 }?()
    }

    /// Stops after `seconds` (`check --duration`).
    public func raise(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in self.raise() }
    }

    public var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }

    /// Runs `stopping` when the stop is raised, or now if it already was:
    /// how a live capture breaks libpcap's blocking read.
    func onRaise(_ stopping: @escaping @Sendable () -> Void) {
        action.withLock { $0 = stopping }
        if isRaised { stopping() }
    }
}
