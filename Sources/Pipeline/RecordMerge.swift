import Report
import Tracker
import Wire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Connection records read back from NDJSON files (`--format json` of
/// several shards, runs or sensors) and rendered as one run:
/// `handshake merge`, and `handshake check --records`. Only what a record
/// holds can be rendered: the summary, the table, Zeek's conn.log, JSON,
/// the rules of `check`; not the formats drawn from segments.
public struct RecordMerge {
    /// Files of NDJSON records; `-` is standard input.
    public var paths: [String]

    public init(paths: [String]) {
        self.paths = paths
    }

    /// Why the records could not be read.
    public enum Failure: Error, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        case notARecord(path: String, line: Int, reason: String)
        /// Reading stopped before the end: an I/O error, or no memory for a line.
        case readFailed(path: String, line: Int, reason: String)

        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
            case .notARecord(let path, let line, let reason): "\(path), line \(line): not a connection record: \(reason)"
            case .readFailed(let path, let line, let reason): "reading \(path), line \(line): \(reason)"
            }
        }
    }

    /// Every record of every file, ordered by first-seen time, then id, so
    /// the result does not depend on how the records were split or in what
    /// order the files are named.
    public func records() throws(Failure) -> [ConnectionRecord] {
        var records: [ConnectionRecord] = []
        for path in paths { try read(path, into: &records) }
        records.sort { ($0.firstSeen, $0.id) < ($1.firstSeen, $1.id) }
        return records
    }

    /// Renders the records with `renderer` to `output`, as `Pipeline.track`
    /// renders a capture's, and returns the renderer as it stands at the end.
    public func track<Renderer: ConnectionRenderer>(_ renderer: Renderer,
                                                    to output: LineOutput) throws(Failure) -> Renderer {
        let records = try records()
        var renderer = renderer
        var sink = output
        renderer.begin(to: &sink)
        for record in records { renderer.render(.finished(record), to: &sink) }
        renderer.end(to: &sink)
        sink.flush()
        return renderer
    }

    private func read(_ path: String, into records: inout [ConnectionRecord]) throws(Failure) {
        guard let file = path == "-" ? fdopen(dup(STDIN_FILENO), "r") : fopen(path, "r") else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var number = 0
        while true {
            errno = 0
            let length = getline(&buffer, &capacity, file)
            guard length >= 0, let buffer else {
                // getline says -1 at the end, and also when it could not grow its buffer (ENOMEM).
                guard feof(file) != 0, ferror(file) == 0 else {
                    throw .readFailed(path: path, line: number + 1, reason: String(cString: strerror(errno == 0 ? EIO : errno)))
                }
                break
            }
            number += 1
            let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
            // "\r\n" is one Character, so a CRLF line end goes in one step too.
            let text = line.hasSuffix("\n") || line.hasSuffix("\r\n") ? line.dropLast() : Substring(line)
            if text.allSatisfy(\.isWhitespace) { continue }
            do throws(ConnectionJSON.ReadError) {
                records.append(try ConnectionJSON.record(from: text))
            } catch {
                throw .notARecord(path: path, line: number, reason: error.description)
            }
        }
    }
}
