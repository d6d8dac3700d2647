import Capture
import Foundation
import Pipeline
import Report

/// What a pipeline writes, as text: the command's output without the command.
public enum PipelineOutput {
    /// The text `renderer` wrote, and the error that ended the run early, if any.
    public static func text<R: ConnectionRenderer>(of pipeline: Pipeline, _ renderer: R) throws -> (String, CaptureError?) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        let output = LineOutput(fd: handle.fileDescriptor)
        var failure: CaptureError?
        do throws(CaptureError) {
            _ = try pipeline.track(renderer, to: output)
        } catch {
            failure = error
        }
        output.flush()
        try handle.close()
        return (try String(contentsOf: url, encoding: .utf8), failure)
    }
}
