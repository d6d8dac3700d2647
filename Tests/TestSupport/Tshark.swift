import Foundation

/// tshark as an oracle: its fields for each TCP packet of a capture. The
/// Makefile installs it for `make test`; where it is missing, a test that
/// asks for it fails and says so.
public enum Tshark {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "tshark is not installed (make test installs it: apt-get install tshark)" }
    }

    /// One row per TCP packet, `fields` in order (`-e` names), empty where a field is absent.
    public static func fields(_ path: String, _ fields: [String], filter: String = "tcp") throws -> [[String]] {
        let executable = "/usr/bin/tshark"
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw Missing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-r", path, "-Y", filter, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
                             "-E", "aggregator=,"] + fields.flatMap { ["-e", $0] }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}
