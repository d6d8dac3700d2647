import Tracker
import Wire

/// `--format mermaid`: each connection as a Mermaid `sequenceDiagram` in a
/// fenced block, ready to paste into Markdown.
public struct MermaidDiagram: ConnectionRenderer {
    private var histories = ConnectionHistories()
    public var events: ReportedEvents { [.segments, .transitions] }

    public init() {}

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard let (record, history) = histories.record(event) else { return }
        output.write("```mermaid")
        for line in Self.source(record, history) { output.write(line) }
        output.write("```")
        output.write("")
    }

    /// The diagram's source, without the fence: also what the HTML report offers to copy.
    static func source(_ record: ConnectionRecord, _ history: ConnectionHistories.History) -> [String] {
        var lines = ["sequenceDiagram", "    title Connection \(record.id): \(record.client) → \(record.server)",
                     "    participant C as Client \(record.client)", "    participant S as Server \(record.server)"]
        lines += history.initial.map(note)
        var sequence = RelativeSequence()
        for step in history.steps {
            let fromClient = step.sender == .client
            let label = FlagWords.words(step.segment.flags) + " " + sequence.describe(step.segment, fromClient: fromClient)
            lines.append("    \(fromClient ? "C->>S" : "S->>C"): \(label)")
            lines += step.transitions.map(note)
        }
        if history.omitted > 0 { lines.append("    Note over C,S: \(history.omitted) more segments not drawn") }
        lines += history.closing.map(note)
        return lines
    }

    private static func note(_ change: TransitionEvent) -> String {
        let side = change.role == .client ? "left of C" : "right of S"
        let suffix = change.transition.assumed ? " (assumed)" : change.transition.inferred ? " (inferred)" : ""
        return "    Note \(side): \(change.transition.state.rawValue)\(suffix)"
    }
}
