/// The byte order a capture file was written in. pcap and pcapng files are
/// written in the writer's native order and say which by their magic.
struct FileByteOrder {
    var isLittleEndian: Bool

    func u16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return isLittleEndian ? UInt16(littleEndian: raw) : UInt16(bigEndian: raw)
    }

    func u32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return isLittleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw)
    }

    func u64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return isLittleEndian ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw)
    }
}
