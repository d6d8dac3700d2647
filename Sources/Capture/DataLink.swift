import CPcap

/// Names and numbers of link-layer types, as libpcap knows them.
public enum DataLink {
    /// LINKTYPE_ values in files differ from libpcap's DLT_ values below 104;
    /// of those, only raw IP matters here (LINKTYPE_RAW 101 is DLT_RAW 12).
    static func dlt(forLinkType linkType: UInt32) -> Int32 {
        linkType == 101 ? 12 : Int32(bitPattern: linkType)
    }

    /// libpcap's name and description, e.g. `IEEE802_11_RADIO (802.11 plus radiotap header)`.
    /// libpcap's short name for a link type (`LINUX_SLL`), or `linktype-N`.
    public static func shortName(of linkType: UInt32) -> String {
        guard let name = pcap_datalink_val_to_name(dlt(forLinkType: linkType)) else { return "linktype-\(linkType)" }
        return String(cString: name)
    }

    public static func name(of linkType: UInt32) -> String {
        let dlt = dlt(forLinkType: linkType)
        guard let name = pcap_datalink_val_to_name(dlt) else { return "linktype \(linkType)" }
        if let description = pcap_datalink_val_to_description(dlt) {
            return "\(String(cString: name)) (\(String(cString: description)))"
        }
        return String(cString: name)
    }
}
