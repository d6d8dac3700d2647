import Tracker
import Wire

/// One connection record as one line of JSON (NDJSON), with the fields and
/// names DESIGN.md fixes as the contract.
public enum ConnectionJSON {
    public static func render(_ record: ConnectionRecord) -> String {
        var fields: [String] = []
        fields.reserveCapacity(24)
        fields.append("\"id\":\(record.id)")
        fields.append("\"ip_version\":\(record.ipVersion)")
        fields.append("\"client\":" + endpoint(record.client))
        fields.append("\"server\":" + endpoint(record.server))
        fields.append("\"initiator_known\":\(record.initiatorKnown)")
        fields.append("\"first_seen\":" + JSONText.seconds(record.firstSeen))
        fields.append("\"last_seen\":" + JSONText.seconds(record.lastSeen))
        fields.append("\"handshake\":" + JSONText.string(record.handshake.rawValue))
        fields.append("\"close\":" + JSONText.string(record.close.rawValue))
        fields.append("\"client_state\":" + (record.clientState.map { JSONText.string($0.rawValue) } ?? "null"))
        fields.append("\"server_state\":" + (record.serverState.map { JSONText.string($0.rawValue) } ?? "null"))
        fields.append("\"client_transitions\":" + transitions(record.clientTransitions))
        fields.append("\"server_transitions\":" + transitions(record.serverTransitions))
        let synToSynAck = record.synToSynAck.map { JSONText.seconds(nanoseconds: $0) } ?? "null"
        let synAckToAck = record.synAckToAck.map { JSONText.seconds(nanoseconds: $0) } ?? "null"
        fields.append("\"rtt\":{\"syn_synack\":\(synToSynAck),\"synack_ack\":\(synAckToAck)}")
        fields.append("\"client_packets\":\(record.clientPackets)")
        fields.append("\"server_packets\":\(record.serverPackets)")
        fields.append("\"client_bytes\":\(record.clientBytes)")
        fields.append("\"server_bytes\":\(record.serverBytes)")
        fields.append("\"syn_retransmissions\":\(record.synRetransmissions)")
        fields.append("\"anomalies\":[" + record.anomalies.map(anomaly).joined(separator: ",") + "]")
        fields.append("\"zeek_conn_state\":" + JSONText.string(record.zeekConnState))
        fields.append("\"zeek_history\":" + JSONText.string(record.zeekHistory))
        fields.append("\"end_reason\":" + JSONText.string(record.finishReason.rawValue))
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func endpoint(_ endpoint: Endpoint) -> String {
        "{\"ip\":" + JSONText.string(endpoint.address.description) + ",\"port\":\(endpoint.port)}"
    }

    static func transitions(_ transitions: [StateTransition]) -> String {
        "[" + transitions.map { transition in
            "{\"t\":" + JSONText.seconds(transition.time) + ",\"state\":" + JSONText.string(transition.state.rawValue)
                + ",\"inferred\":\(transition.inferred),\"assumed\":\(transition.assumed)}"
        }.joined(separator: ",") + "]"
    }

    static func anomaly(_ anomaly: Anomaly) -> String {
        "{\"kind\":" + JSONText.string(anomaly.kind.rawValue) + ",\"from\":" + JSONText.string(anomaly.sender.rawValue)
            + ",\"first_seen\":" + JSONText.seconds(anomaly.firstSeen) + ",\"count\":\(anomaly.count)}"
    }
}
