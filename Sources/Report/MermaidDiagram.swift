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
        output.write("sequenceDiagram")
        output.write("    title Connection \(record.id): \(record.client) → \(record.server)")
        output.write("    participant C as Client \(record.client)")
        output.write("    participant S as Server \(record.server)")
        for change in history.initial { output.write(note(change)) }
        var sequence = RelativeSequence()
        for step in history.steps {
            let fromClient = step.sender == .client
            let label = FlagWords.words(step.segment.flags) + " " + sequence.describe(step.segment, fromClient: fromClient)
            output.write("    \(fromClient ? "C->>S" : "S->>C"): \(label)")
            for change in step.transitions { output.write(note(change)) }
        }
        if history.omitted > 0 { output.write("    Note over C,S: \(history.omitted) more segments not drawn") }
        for change in history.closing { output.write(note(change)) }
        output.write("```")
        output.write("")
    }

    private func note(_ change: TransitionEvent) -> String {
        let side = change.role == .client ? "left of C" : "right of S"
        let suffix = change.transition.assumed ? " (assumed)" : change.transition.inferred ? " (inferred)" : ""
        return "    Note \(side): \(change.transition.state.rawValue)\(suffix)"
    }
}
