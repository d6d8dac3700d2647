import Foundation

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
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotOpen(path: path, reason: error.localizedDescription)
        }
        do {
            self = try JSONDecoder().decode(ExpectedConnections.self, from: data)
        } catch {
            throw .notAnExpectFile(path: path, reason: Self.describe(error))
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
        case DecodingError.dataCorrupted:
            return "not valid JSON"
        default:
            return "\(error)"
        }
    }
}
