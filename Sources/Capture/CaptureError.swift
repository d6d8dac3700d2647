/// Everything that can go wrong reading or capturing packets, with the
/// system's or libpcap's own words where there are any.
public enum CaptureError: Error, Equatable, Sendable {
    /// The file could not be opened: missing, a directory, no permission.
    case cannotOpen(path: String, reason: String)
    /// The bytes at the start are neither pcap nor pcapng.
    case notACapture(path: String, reason: String)
    /// The file ends inside a header or a record: what came before was read.
    case truncated(path: String, offset: Int64, packetsRead: Int)
    /// A header or block contradicts itself; what came before was read.
    case corrupt(path: String, offset: Int64, reason: String, packetsRead: Int)
    /// The file or interface has a link layer the decoder does not know.
    case unsupportedLinkType(path: String, name: String)
    /// Reading failed below the format (an I/O error).
    case readFailed(path: String, reason: String)
    /// libpcap could not compile the filter expression.
    case badFilter(expression: String, reason: String)
    /// The interface does not exist.
    case noSuchInterface(name: String, reason: String)
    /// Capturing needs privileges this process does not have.
    case permissionDenied(interface: String, reason: String)
    /// Opening or running a live capture failed for another reason.
    case liveCaptureFailed(interface: String, reason: String)
    /// The interface went away or errored while capturing.
    case interfaceFailed(interface: String, reason: String)
    /// Writing the `-w` file failed.
    case writeFailed(path: String, reason: String)
}

extension CaptureError {
    /// Whether it stops only the file it names: the next file of a run
    /// can still be read (a damaged file among rotated captures).
    public var stopsOnlyItsFile: Bool {
        switch self {
        case .notACapture, .truncated, .corrupt, .unsupportedLinkType, .readFailed: true
        case .cannotOpen, .badFilter, .noSuchInterface, .permissionDenied, .liveCaptureFailed, .interfaceFailed,
             .writeFailed: false
        }
    }
}

extension CaptureError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open \(path): \(reason)"
        case .notACapture(let path, let reason):
            "\(path) is not a pcap or pcapng capture: \(reason)"
        case .truncated(let path, let offset, let packets):
            "\(path) is truncated: it ends inside a record at byte \(offset), after \(packets) packets"
        case .corrupt(let path, let offset, let reason, let packets):
            "\(path) is damaged at byte \(offset) (\(reason)), after \(packets) packets"
        case .unsupportedLinkType(let path, let name):
            "\(path) has link type \(name), which handshake cannot decode"
        case .readFailed(let path, let reason):
            "reading \(path): \(reason)"
        case .badFilter(let expression, let reason):
            "bad filter '\(expression)': \(reason)"
        case .noSuchInterface(let name, let reason):
            "no such interface \(name): \(reason)"
        case .permissionDenied(let interface, let reason):
            "no permission to capture on \(interface) (needs root or CAP_NET_RAW and CAP_NET_ADMIN): \(reason)"
        case .liveCaptureFailed(let interface, let reason):
            "cannot capture on \(interface): \(reason)"
        case .interfaceFailed(let interface, let reason):
            "capture on \(interface) failed: \(reason)"
        case .writeFailed(let path, let reason):
            "writing \(path): \(reason)"
        }
    }
}
