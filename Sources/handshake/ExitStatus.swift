import ArgumentParser
import Capture
import Pipeline

/// The exit codes, one per kind of failure, so scripts can tell them apart.
/// A test holds the README's table to this list.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// Reserved for `handshake check`: a rule about the traffic was broken.
    case ruleBroken = 1
    case cannotOpenFile = 3
    case notACapture = 4
    case damagedCapture = 5
    case unsupportedLinkType = 6
    case badFilter = 7
    case noSuchInterface = 8
    case permissionDenied = 9
    case captureFailed = 10
    case writeFailed = 11
    /// `handshake check --expect` was given a file that is not an expect file.
    case badExpectation = 12
    /// `handshake check` judged no connection (without `--allow-empty`).
    case nothingJudged = 13
    /// `handshake merge` (or `check --records`) was given a line that is not a connection record.
    case notARecord = 14
    /// ArgumentParser's code for a usage error (EX_USAGE).
    case usage = 64

    init(_ error: CaptureError) {
        switch error {
        case .cannotOpen, .readFailed: self = .cannotOpenFile
        case .notACapture: self = .notACapture
        case .unsupportedLinkType: self = .unsupportedLinkType
        case .truncated, .corrupt: self = .damagedCapture
        case .badFilter: self = .badFilter
        case .noSuchInterface: self = .noSuchInterface
        case .permissionDenied: self = .permissionDenied
        case .liveCaptureFailed, .interfaceFailed: self = .captureFailed
        case .writeFailed: self = .writeFailed
        }
    }

    var exitCode: ExitCode { ExitCode(rawValue) }
}

/// A failure the command reports in one line on stderr before exiting.
struct CommandFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var description: String

    init(_ status: ExitStatus, _ description: String) {
        self.status = status
        self.description = description
    }

    init(_ error: CaptureError) {
        self.init(ExitStatus(error), error.description)
    }

    init(_ error: RecordMerge.Failure) {
        switch error {
        case .cannotOpen, .readFailed: self.init(.cannotOpenFile, error.description)
        case .notARecord: self.init(.notARecord, error.description)
        }
    }

    /// Fails if standard output could not be written, for another reason
    /// than a closed pipe, which is a quiet end (`| head`).
    static func check(_ output: LineOutput) throws(CommandFailure) {
        if let failure = output.failure {
            throw CommandFailure(.writeFailed, "writing standard output: \(failure)")
        }
    }
}
