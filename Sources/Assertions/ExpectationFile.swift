import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an expect file (`check --expect FILE`) could not be used.
public enum ExpectationFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read; `reason` is the system's.
    case cannotOpen(path: String, reason: String)
    /// It was read but is not an expect file; `reason` says where it goes wrong.
    case notAnExpectFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .notAnExpectFile(let path, let reason): "\(path) is not an expect file: \(reason)"
        }
    }
}

extension ExpectedConnections {
    /// Reads an expect file.
    public init(contentsOf path: String) throws(ExpectationFileError) {
        let data = try Self.contents(of: path)
        do {
            self = try JSONDecoder().decode(ExpectedConnections.self, from: data)
        } catch {
            throw .notAnExpectFile(path: path, reason: Self.describe(error))
        }
    }

    /// The file's bytes, read with the system's calls so that a failure
    /// says why in its words ("No such file or directory"), where
    /// Foundation's said "The operation could not be completed".
    private static func contents(of path: String) throws(ExpectationFileError) -> Data {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                return data
            } else if errno != EINTR {
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }

    /// JSONDecoder's errors, in one line.
    private static func describe(_ error: Error) -> String {
        let path = { (context: DecodingError.Context) in
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"" + (context.codingPath.isEmpty ? "" : " in " + path(context))
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at " + path(context)
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : path(context) + ": " + context.debugDescription
        default:
            return "\(error)"
        }
    }
}
