import Tracker
import Wire

/// One connection record as one line of JSON (NDJSON), with the fields and
/// names DESIGN.md fixes as the contract, in its order.
public enum ConnectionJSON {
    /// Written after `encapsulation` only where the path was full
    /// (`EncapsulationPath.unlistedSegments`), as Zeek's JSON leaves out a field with no value.
    static let unlistedEncapsulationKey = "encapsulation_unlisted_segments"

    public static func render(_ record: ConnectionRecord) -> String {
        line(record).text
    }

    static func line(_ record: ConnectionRecord) -> TextLine {
        var line = TextLine(capacity: 1024)
        line.append("{\"id\":")
        line.writeDecimal(record.id)
        line.append(",\"ip_version\":")
        line.append(Int(record.ipVersion))
        line.append(",\"client\":")
        append(record.client, to: &line)
        line.append(",\"server\":")
        append(record.server, to: &line)
        line.append(record.initiatorKnown ? ",\"initiator_known\":true" : ",\"initiator_known\":false")
        line.append(",\"first_seen\":")
        appendSeconds(record.firstSeen, to: &line)
        line.append(",\"last_seen\":")
        appendSeconds(record.lastSeen, to: &line)
        line.append(",\"handshake\":\"")
        line.append(contentsOf: record.handshake.rawValue)
        line.append("\",\"close\":\"")
        line.append(contentsOf: record.close.rawValue)
        line.append("\",\"client_state\":")
        append(record.clientState, to: &line)
        line.append(",\"server_state\":")
        append(record.serverState, to: &line)
        line.append(",\"client_transitions\":")
        append(record.clientTransitions, to: &line)
        line.append(",\"server_transitions\":")
        append(record.serverTransitions, to: &line)
        line.append(",\"rtt\":{\"syn_synack\":")
        appendDuration(record.synToSynAck, to: &line)
        line.append(",\"synack_ack\":")
        appendDuration(record.synAckToAck, to: &line)
        // Derived from the transitions, so not read back: merge derives it again.
        let connect = record.connectTimes
        line.append("},\"connect_time\":{\"client\":")
        appendDuration(connect.client, to: &line)
        line.append(",\"server\":")
        appendDuration(connect.server, to: &line)
        line.append("},\"client_packets\":")
        line.append(record.clientPackets)
        line.append(",\"server_packets\":")
        line.append(record.serverPackets)
        line.append(",\"client_bytes\":")
        line.append(record.clientBytes)
        line.append(",\"server_bytes\":")
        line.append(record.serverBytes)
        line.append(",\"client_ip_bytes\":")
        line.append(record.clientIPBytes)
        line.append(",\"server_ip_bytes\":")
        line.append(record.serverIPBytes)
        line.append(",\"syn_retransmissions\":")
        line.append(record.synRetransmissions)
        line.append(",\"anomalies\":[")
        for (index, anomaly) in record.anomalies.enumerated() {
            if index > 0 { line.append(",") }
            append(anomaly, to: &line)
        }
        line.append("],\"zeek_conn_state\":")
        line.appendJSONString(record.zeekConnState)
        line.append(",\"zeek_history\":")
        line.appendJSONString(record.zeekHistory)
        line.append(",\"end_reason\":\"")
        line.append(contentsOf: record.finishReason.rawValue)
        line.append("\",\"encapsulation\":[")
        for (index, layer) in record.encapsulation.layers.enumerated() {
            if index > 0 { line.append(",") }
            line.appendJSONString(layer.description)
        }
        line.append("]")
        if record.encapsulation.unlistedSegments > 0 {
            line.append(",\"")
            line.append(contentsOf: unlistedEncapsulationKey)
            line.append("\":")
            line.append(record.encapsulation.unlistedSegments)
        }
        line.append("}")
        return line
    }

    static func appendSeconds(_ time: Timestamp, to line: inout TextLine) {
        line.append(time, fractionDigits: TimeText.fractionDigits(time))
    }

    static func appendDuration(_ nanoseconds: Int64?, to line: inout TextLine) {
        guard let nanoseconds else { return line.append("null") }
        appendSeconds(Timestamp(nanosecondsSinceEpoch: nanoseconds), to: &line)
    }

    static func append(_ state: TCPState?, to line: inout TextLine) {
        guard let state else { return line.append("null") }
        line.append("\"")
        line.append(contentsOf: state.rawValue)
        line.append("\"")
    }

    static func append(_ transitions: EndpointTransitions, to line: inout TextLine) {
        line.append("[")
        for (index, transition) in transitions.enumerated() {
            line.append(index == 0 ? "{\"t\":" : ",{\"t\":")
            appendSeconds(transition.time, to: &line)
            line.append(",\"state\":\"")
            line.append(contentsOf: transition.state.rawValue)
            line.append(transition.inferred ? "\",\"inferred\":true" : "\",\"inferred\":false")
            line.append(transition.assumed ? ",\"assumed\":true}" : ",\"assumed\":false}")
        }
        line.append("]")
    }

    static func append(_ endpoint: Endpoint, to line: inout TextLine) {
        line.append("{\"ip\":\"")
        line.append(endpoint.address)
        line.append("\",\"port\":")
        line.append(Int(endpoint.port))
        line.append("}")
    }

    static func append(_ anomaly: Anomaly, to line: inout TextLine) {
        line.append("{\"kind\":\"")
        line.append(contentsOf: anomaly.kind.rawValue)
        line.append("\",\"from\":\"")
        line.append(contentsOf: anomaly.sender.rawValue)
        line.append("\",\"first_seen\":")
        appendSeconds(anomaly.firstSeen, to: &line)
        line.append(",\"count\":")
        line.append(anomaly.count)
        line.append("}")
    }
}
