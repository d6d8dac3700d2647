import ArgumentParser
import Tracker

/// `--idle-timeout`: seconds for every phase (`300`), or per phase
/// (`handshake=30,established=600,closing=120`).
struct IdleTimeouts: ExpressibleByArgument {
    var handshake: Int64?
    var established: Int64?
    var closing: Int64?

    init?(argument: String) {
        if let seconds = Self.nanoseconds(argument) {
            (handshake, established, closing) = (seconds, seconds, seconds)
            return
        }
        for part in argument.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Self.nanoseconds(pair[1]) else { return nil }
            switch pair[0] {
            case "handshake": handshake = value
            case "established": established = value
            case "closing": closing = value
            default: return nil
            }
        }
    }

    private static func nanoseconds(_ text: some StringProtocol) -> Int64? {
        guard let seconds = Double(text), seconds > 0, seconds < 1e9 else { return nil }
        return Int64(seconds * Double(TrackerConfiguration.second))
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
