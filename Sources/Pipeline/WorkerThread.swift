#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own for one long task (a tracker of `ParallelAnalysis`),
/// joined when it is done. Not a Dispatch queue: the tasks wait on each
/// other, and a pool the size of the cores could leave one unscheduled.
final class WorkerThread {
    private final class Task {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    #if canImport(Glibc)
    private var thread = pthread_t()
    #else
    private var thread: pthread_t?
    #endif

    /// Starts `body` on a new thread. What it captures must be safe to use there.
    init(_ body: @escaping () -> Void) {
        let task = Unmanaged.passRetained(Task(body)).toOpaque()
        let created = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Task>.fromOpaque(argument).takeRetainedValue().body()
            return nil
        }, task)
        precondition(created == 0, "pthread_create failed: \(created)")
    }

    /// Waits for the thread to finish.
    func join() {
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        if let thread { pthread_join(thread, nil) }
        #endif
    }
}
