/// Reads pcapng files block by block: section headers (either byte order),
/// interface descriptions (each with its own link type and timestamp
/// resolution), enhanced, simple and obsolete packet blocks. Other blocks
/// are skipped by their length.
///
/// libpcap 1.10 refuses a section whose interfaces have different link
/// types ("an interface has a type … different from the type of the first
/// interface"); multi-interface captures from dumpcap have exactly that, so
/// this reader keeps one description per interface instead.
final class PcapngBlockReader {
    enum BlockType {
        static let sectionHeader: UInt32 = 0x0A0D_0D0A
        static let interfaceDescription: UInt32 = 1
        static let obsoletePacket: UInt32 = 2
        static let simplePacket: UInt32 = 3
        static let enhancedPacket: UInt32 = 6
    }
    enum OptionCode {
        static let end: UInt16 = 0
        static let timestampResolution: UInt16 = 9
        static let timestampOffset: UInt16 = 14
    }
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    /// A block longer than this is a damaged length field.
    static let maximumBlockLength = 16 << 20

    /// What a packet block needs from its interface description block.
    struct Interface {
        var linkType: UInt32
        var snapLength: UInt32
        /// Timestamp units per second: 10^exponent, or 2^exponent if binary.
        var resolutionExponent: UInt8 = 6
        var resolutionIsBinary = false
        var offsetSeconds: Int64 = 0

        /// Splits a timestamp in this interface's units into seconds and nanoseconds.
        func time(ofUnits units: UInt64) -> (seconds: Int64, nanoseconds: Int64) {
            let exponent = Int(resolutionExponent)
            let whole: UInt64, nanoseconds: UInt64
            if resolutionIsBinary {
                whole = units >> exponent
                let fraction = units & ((1 << exponent) - 1)
                let product = fraction.multipliedFullWidth(by: 1_000_000_000)
                nanoseconds = exponent == 0 ? 0 : (product.low >> exponent) | (product.high << (64 - exponent))
            } else {
                var perSecond: UInt64 = 1
                for _ in 0..<exponent { perSecond *= 10 }
                whole = units / perSecond
                let fraction = units % perSecond
                var scale: UInt64 = 1
                for _ in 0..<abs(9 - exponent) { scale *= 10 }
                nanoseconds = exponent <= 9 ? fraction * scale : fraction / scale
            }
            // Seconds beyond Int64 (a resolution and count of absurd size, or
            // an extreme if_tsoffset) saturate rather than wrap.
            let seconds = Int64(exactly: whole).map { $0.addingReportingOverflow(offsetSeconds) }
            guard let seconds, !seconds.overflow else { return (offsetSeconds < 0 && whole == 0 ? .min : .max, 0) }
            return (seconds.partialValue, Int64(nanoseconds))
        }
    }

    private let stream: ByteStream
    private var order = FileByteOrder(isLittleEndian: true)
    private(set) var interfaces: [Interface] = []

    init(stream: ByteStream) {
        self.stream = stream
    }

    /// The next packet, or nil at a clean end of file.
    func next(packetsRead: Int) throws(CaptureError) -> CapturedPacket? {
        while true {
            guard try stream.fill(8) else {
                if stream.available == 0 { return nil }
                throw .truncated(path: stream.path, offset: stream.offset, packetsRead: packetsRead)
            }
            let type = order.u32(stream.peek(8), 0)
            if type == BlockType.sectionHeader {
                try readSectionOrder(packetsRead: packetsRead)
            }
            let length = Int(order.u32(stream.peek(8), 4))
            guard length >= 12, length % 4 == 0, length <= Self.maximumBlockLength else {
                throw corrupt("block length \(length) is not a multiple of 4 between 12 and 16 MiB", packetsRead)
            }
            guard try stream.fill(length) else {
                throw .truncated(path: stream.path, offset: stream.offset, packetsRead: packetsRead)
            }
            let block = stream.peek(length)
            guard order.u32(block, length - 4) == UInt32(length) else {
                throw corrupt("block's trailing length differs from its leading length", packetsRead)
            }
            let packet: CapturedPacket?
            switch type {
            case BlockType.sectionHeader:
                interfaces.removeAll()
                packet = nil
            case BlockType.interfaceDescription:
                try readInterface(block, packetsRead: packetsRead)
                packet = nil
            case BlockType.enhancedPacket:
                packet = try readPacket(block, interfaceID: order.u32(block, 8), timestampAt: 12, lengthsAt: 20,
                                        dataAt: 28, packetsRead: packetsRead)
            case BlockType.obsoletePacket:
                packet = try readPacket(block, interfaceID: UInt32(order.u16(block, 8)), timestampAt: 12,
                                        lengthsAt: 20, dataAt: 28, packetsRead: packetsRead)
            case BlockType.simplePacket:
                packet = try readSimplePacket(block, packetsRead: packetsRead)
            default:
                packet = nil
            }
            stream.skip(length)
            if let packet { return packet }
        }
    }

    private func corrupt(_ reason: String, _ packetsRead: Int) -> CaptureError {
        .corrupt(path: stream.path, offset: stream.offset, reason: reason, packetsRead: packetsRead)
    }

    /// A section header's byte-order magic sets the order of everything in its section.
    private func readSectionOrder(packetsRead: Int) throws(CaptureError) {
        guard try stream.fill(12) else {
            throw .truncated(path: stream.path, offset: stream.offset, packetsRead: packetsRead)
        }
        for candidate in [FileByteOrder(isLittleEndian: true), FileByteOrder(isLittleEndian: false)]
        where candidate.u32(stream.peek(12), 8) == Self.byteOrderMagic {
            order = candidate
            return
        }
        throw corrupt("section header has no byte-order magic", packetsRead)
    }

    private func readInterface(_ block: UnsafeRawBufferPointer, packetsRead: Int) throws(CaptureError) {
        guard block.count >= 20 else { throw corrupt("interface description block too short", packetsRead) }
        var interface = Interface(linkType: UInt32(order.u16(block, 8)), snapLength: order.u32(block, 12))
        var offset = 16
        while offset + 4 <= block.count - 4 {
            let code = order.u16(block, offset)
            let length = Int(order.u16(block, offset + 2))
            if code == OptionCode.end { break }
            guard offset + 4 + length <= block.count - 4 else {
                throw corrupt("interface option runs past its block", packetsRead)
            }
            switch (code, length) {
            case (OptionCode.timestampResolution, 1):
                let value = block[offset + 4]
                interface.resolutionIsBinary = value & 0x80 != 0
                interface.resolutionExponent = value & 0x7F
                guard interface.resolutionIsBinary ? interface.resolutionExponent < 64 : interface.resolutionExponent <= 19
                else { throw corrupt("timestamp resolution \(value) is out of range", packetsRead) }
            case (OptionCode.timestampOffset, 8):
                interface.offsetSeconds = Int64(bitPattern: order.u64(block, offset + 4))
            default:
                break
            }
            offset += 4 + (length + 3) & ~3
        }
        interfaces.append(interface)
    }

    private func readPacket(_ block: UnsafeRawBufferPointer, interfaceID: UInt32, timestampAt: Int, lengthsAt: Int,
                            dataAt: Int, packetsRead: Int) throws(CaptureError) -> CapturedPacket {
        guard block.count >= dataAt + 4 else { throw corrupt("packet block too short", packetsRead) }
        guard Int(interfaceID) < interfaces.count else {
            throw corrupt("packet names interface \(interfaceID), but only \(interfaces.count) are described", packetsRead)
        }
        let interface = interfaces[Int(interfaceID)]
        let capturedLength = Int(order.u32(block, lengthsAt))
        guard capturedLength <= block.count - dataAt - 4 else {
            throw corrupt("packet's captured length \(capturedLength) runs past its block", packetsRead)
        }
        let units = UInt64(order.u32(block, timestampAt)) << 32 | UInt64(order.u32(block, timestampAt + 4))
        let time = interface.time(ofUnits: units)
        return CapturedPacket(seconds: time.seconds, nanoseconds: time.nanoseconds, linkType: interface.linkType,
                              bytes: UnsafeRawBufferPointer(rebasing: block[dataAt..<(dataAt + capturedLength)]),
                              originalLength: Int(order.u32(block, lengthsAt + 4)))
    }

    /// A simple packet block has no timestamp and no captured length: the
    /// length is the smaller of the original length, the block and the snaplen.
    private func readSimplePacket(_ block: UnsafeRawBufferPointer, packetsRead: Int) throws(CaptureError) -> CapturedPacket {
        guard let interface = interfaces.first, block.count >= 16 else {
            throw corrupt("simple packet block before any interface description", packetsRead)
        }
        let originalLength = Int(order.u32(block, 8))
        var capturedLength = min(originalLength, block.count - 16)
        if interface.snapLength > 0 { capturedLength = min(capturedLength, Int(interface.snapLength)) }
        return CapturedPacket(seconds: 0, nanoseconds: 0, linkType: interface.linkType,
                              bytes: UnsafeRawBufferPointer(rebasing: block[12..<(12 + capturedLength)]),
                              originalLength: originalLength)
    }
}
