import Tracker
import Wire

/// `--format steps`: each connection as the study note's step table
/// (`단계 | 클라이언트 상태 | 서버 상태 | 설명`), describing what actually
/// happened on the wire: one row per segment that changed a state, runs of
/// data segments folded into one row, and TIME_WAIT's end as the last row.
public struct StepTable: ConnectionRenderer {
    public enum Language: String, Sendable, CaseIterable {
        case en, ko
    }

    public var language: Language
    private var histories = ConnectionHistories()
    public var events: ReportedEvents { [.segments, .transitions] }

    public init(language: Language) {
        self.language = language
    }

    public mutating func render(_ event: ConnectionEvent, to output: inout some LineSink) {
        guard let (record, history) = histories.record(event) else { return }
        for line in table(record, history) { output.write(line) }
        output.write("")
    }

    func table(_ record: ConnectionRecord, _ history: ConnectionHistories.History) -> [String] {
        let words = Words(language)
        var lines = ["### \(words.connection) \(record.id): \(record.client) → \(record.server)", ""]
        lines.append("| \(words.step) | \(words.clientState) | \(words.serverState) | \(words.description) |")
        lines.append("|------|----------------|-----------|------|")
        // Before its first change each side was in the state that change
        // left: CLOSED for a client, LISTEN for a server that answered,
        // CLOSED for one that opened too (simultaneous open).
        let changes = history.steps.flatMap(\.transitions) + history.closing
        func before(_ role: Role) -> String {
            history.initial.last { $0.role == role }.map { LadderDiagram.mark($0.transition) }
                ?? changes.first { $0.role == role }?.from.rawValue ?? "-"
        }
        var client = before(.client)
        var server = before(.server)
        var number = 0
        var folded = 0
        // A run that is all SYNs from one side is retransmissions, not data.
        var foldedSYNs: (fromClient: Bool, count: Int)?
        var sequence = RelativeSequence()
        func row(_ label: String, _ text: String, client shownClient: String? = nil, server shownServer: String? = nil) {
            lines.append("| \(label) | `\(shownClient ?? client)` | `\(shownServer ?? server)` | \(text) |")
        }
        func flushData() {
            guard folded > 0 else { return }
            number += 1
            if let syns = foldedSYNs, syns.count == folded {
                row(words.stepLabel(number), words.synAgain(syns.fromClient, syns.count))
            } else {
                row(words.stepLabel(number), words.data(folded))
            }
            folded = 0
            foldedSYNs = nil
        }
        for step in history.steps {
            let fromClient = step.sender == .client
            let numbers = sequence.describe(step.segment, fromClient: fromClient)
            guard !step.transitions.isEmpty else {
                folded += 1
                if step.segment.flags == .syn, foldedSYNs.map({ $0.fromClient == fromClient }) ?? true {
                    foldedSYNs = (fromClient, (foldedSYNs?.count ?? 0) + 1)
                }
                continue
            }
            flushData()
            // A side moved twice by one segment (FIN_WAIT_1→CLOSING) shows both states.
            let clientChain = LadderDiagram.chain(step.transitions, .client)
            let serverChain = LadderDiagram.chain(step.transitions, .server)
            for change in step.transitions {
                if change.role == .client { client = LadderDiagram.mark(change.transition) }
                else { server = LadderDiagram.mark(change.transition) }
            }
            number += 1
            row(words.stepLabel(number), words.sends(fromClient, FlagWords.words(step.segment.flags), numbers),
                client: clientChain.isEmpty ? nil : clientChain, server: serverChain.isEmpty ? nil : serverChain)
        }
        flushData()
        if history.omitted > 0 { lines.append("| … | | | \(words.omitted(history.omitted)) |") }
        for change in history.closing {
            if change.role == .client { client = LadderDiagram.mark(change.transition) }
            else { server = LadderDiagram.mark(change.transition) }
            row(change.transition.state == .closed && change.from == .timeWait ? words.done : "…",
                words.closing(change))
        }
        if LadderDiagram.hasMarks(record) { lines += ["", words.legend] }
        return lines
    }

    /// The table's words in English or in the study note's Korean.
    struct Words {
        let language: Language
        init(_ language: Language) { self.language = language }

        var korean: Bool { language == .ko }
        var connection: String { korean ? "연결" : "Connection" }
        var step: String { korean ? "단계" : "Step" }
        var clientState: String { korean ? "클라이언트 상태" : "Client state" }
        var serverState: String { korean ? "서버 상태" : "Server state" }
        var description: String { korean ? "설명" : "Description" }
        var done: String { korean ? "**완료**" : "**Done**" }
        var legend: String { korean ? "\\* 이후 세그먼트로 추론, ~ 가정" : "\\* inferred from later segments, ~ assumed" }

        func stepLabel(_ number: Int) -> String { korean ? "**\(number)단계**" : "**Step \(number)**" }

        func sends(_ fromClient: Bool, _ flags: String, _ numbers: String) -> String {
            if korean { return "\(fromClient ? "클라이언트" : "서버")가 \(flags) 전송 (\(numbers))" }
            return "\(fromClient ? "Client" : "Server") sends \(flags) (\(numbers))"
        }

        func data(_ count: Int) -> String {
            korean ? "데이터와 ACK 교환 (세그먼트 \(count)개)" : "Data and ACKs (\(count) segments)"
        }

        func synAgain(_ fromClient: Bool, _ count: Int) -> String {
            if korean { return "\(fromClient ? "클라이언트" : "서버")가 SYN 재전송 (\(count)회)" }
            return "\(fromClient ? "Client" : "Server") sends SYN again (\(count) retransmissions)"
        }

        func omitted(_ count: Int) -> String {
            korean ? "세그먼트 \(count)개 생략" : "\(count) more segments not shown"
        }

        func closing(_ change: TransitionEvent) -> String {
            let who = change.role == .client ? (korean ? "클라이언트" : "Client") : (korean ? "서버" : "Server")
            if change.from == .timeWait, change.transition.state == .closed {
                if change.cause != nil { return korean ? "새 SYN이 포트 재사용: \(who) TIME_WAIT 종료" : "A new SYN reuses the ports: \(who.lowercased()) leaves TIME_WAIT" }
                return korean ? "2MSL 경과: \(who) TIME_WAIT 종료, 연결 완전 종료" : "2×MSL later: \(who.lowercased()) leaves TIME_WAIT, the connection is fully closed"
            }
            return korean ? "캡처 종료 시 전달된 것으로 간주 (추정)" : "Taken as delivered at the end of the capture (inferred)"
        }
    }
}
