import Assertions
import Pipeline
import Report
import Tracker

/// libFuzzer entry point for what `handshake merge`, `check --records` and
/// `--where` read: the bytes' lines as NDJSON connection records, and the
/// first line also as a `--where` expression. A record that reads must
/// render in every format drawn from records, pass `check`'s rules, and
/// read back from its own JSON as the same text; nothing may trap, however
/// large its numbers or deep its nesting.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    var records: [ConnectionRecord] = []
    for line in lines.prefix(200) {
        guard let record = try? ConnectionJSON.record(from: line) else { continue }
        let written = ConnectionJSON.render(record)
        guard let reread = try? ConnectionJSON.record(from: Substring(written)),
              ConnectionJSON.render(reread) == written else {
            fatalError("a record does not read back from its own JSON: \(written)")
        }
        records.append(record)
    }
    let filter = lines.first.flatMap { try? RecordFilter(String($0)) }
    for record in records { _ = filter?.matches(record) }

    let events = records.map(ConnectionEvent.finished)
    for format in OutputFormat.allCases where format.drawsRecordsOnly {
        _ = format.render(events)
    }
    var checker = RuleChecker(rules: Failure.allCases.map(CheckRule.failOn) + [.maximumHandshakeRTT(1_000_000),
                                                                               .expectConnections(1), .expectClose([.fin])],
                              server: nil, expectFile: nil)
    var output = LineBuffer()
    checker.begin(to: &output)
    for event in events { checker.render(event, to: &output) }
    checker.end(to: &output)
    return 0
}
