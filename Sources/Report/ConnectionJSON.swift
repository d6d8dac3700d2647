import Tracker
import Wire

/// One connection record as one line of JSON (NDJSON), with the fields and
/// names DESIGN.md fixes as the contract.
public enum ConnectionJSON {
    public static func render(_ record: ConnectionRecord) -> String {
        var text = ""
        text.reserveCapacity(1024)
        text += "{\"id\":" + String(record.id)
        text += ",\"ip_version\":" + String(record.ipVersion)
        text += ",\"client\":" + endpoint(record.client)
        text += ",\"server\":" + endpoint(record.server)
        text += record.initiatorKnown ? ",\"initiator_known\":true" : ",\"initiator_known\":false"
        text += ",\"first_seen\":"
        JSONText.appendSeconds(record.firstSeen, to: &text)
        text += ",\"last_seen\":"
        JSONText.appendSeconds(record.lastSeen, to: &text)
        text += ",\"handshake\":\"" + record.handshake.rawValue + "\""
        text += ",\"close\":\"" + record.close.rawValue + "\""
        text += ",\"client_state\":" + (record.clientState.map { "\"" + $0.rawValue + "\"" } ?? "null")
        text += ",\"server_state\":" + (record.serverState.map { "\"" + $0.rawValue + "\"" } ?? "null")
        text += ",\"client_transitions\":"
        appendTransitions(record.clientTransitions, to: &text)
        text += ",\"server_transitions\":"
        appendTransitions(record.serverTransitions, to: &text)
        text += ",\"rtt\":{\"syn_synack\":"
        appendDuration(record.synToSynAck, to: &text)
        text += ",\"synack_ack\":"
        appendDuration(record.synAckToAck, to: &text)
        text += "},\"client_packets\":" + String(record.clientPackets)
        text += ",\"server_packets\":" + String(record.serverPackets)
        text += ",\"client_bytes\":" + String(record.clientBytes)
        text += ",\"server_bytes\":" + String(record.serverBytes)
        text += ",\"syn_retransmissions\":" + String(record.synRetransmissions)
        text += ",\"anomalies\":[" + record.anomalies.map(anomaly).joined(separator: ",") + "]"
        text += ",\"zeek_conn_state\":" + JSONText.string(record.zeekConnState)
        text += ",\"zeek_history\":" + JSONText.string(record.zeekHistory)
        text += ",\"end_reason\":\"" + record.finishReason.rawValue + "\"}"
        return text
    }

    static func appendDuration(_ nanoseconds: Int64?, to text: inout String) {
        guard let nanoseconds else { return text += "null" }
        JSONText.appendSeconds(Timestamp(nanosecondsSinceEpoch: nanoseconds), to: &text)
    }

    static func appendTransitions(_ transitions: TransitionLog, to text: inout String) {
        text += "["
        for (index, transition) in transitions.enumerated() {
            text += index == 0 ? "{\"t\":" : ",{\"t\":"
            JSONText.appendSeconds(transition.time, to: &text)
            text += ",\"state\":\"" + transition.state.rawValue + "\""
            text += transition.inferred ? ",\"inferred\":true" : ",\"inferred\":false"
            text += transition.assumed ? ",\"assumed\":true}" : ",\"assumed\":false}"
        }
        text += "]"
    }

    static func endpoint(_ endpoint: Endpoint) -> String {
        "{\"ip\":" + JSONText.string(endpoint.address.description) + ",\"port\":\(endpoint.port)}"
    }

    static func anomaly(_ anomaly: Anomaly) -> String {
        "{\"kind\":" + JSONText.string(anomaly.kind.rawValue) + ",\"from\":" + JSONText.string(anomaly.sender.rawValue)
            + ",\"first_seen\":" + JSONText.seconds(anomaly.firstSeen) + ",\"count\":\(anomaly.count)}"
    }
}
