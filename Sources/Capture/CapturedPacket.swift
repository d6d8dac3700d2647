/// One packet as libpcap or a capture file hands it over. `bytes` points
/// into the reader's buffer and is valid only during the callback that
/// receives it: decode it there, copy nothing.
public struct CapturedPacket {
    /// Seconds since the Unix epoch.
    public var seconds: Int64
    /// Nanoseconds within the second (0 to 999 999 999).
    public var nanoseconds: Int64
    /// The LINKTYPE_ (files) or DLT_ (live) value of the interface it came from.
    public var linkType: UInt32
    /// The captured bytes, at most the snapshot length.
    public var bytes: UnsafeRawBufferPointer
    /// The packet's length on the wire.
    public var originalLength: Int

    public init(seconds: Int64, nanoseconds: Int64, linkType: UInt32,
                bytes: UnsafeRawBufferPointer, originalLength: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.linkType = linkType
        self.bytes = bytes
        self.originalLength = originalLength
    }
}
