import CPcap

/// The `errbuf` libpcap's open calls fill with a message on failure.
struct PcapErrorBuffer {
    var bytes = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))

    var text: String {
        String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
