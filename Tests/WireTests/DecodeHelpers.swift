import Wire

/// Decodes `bytes` as a frame of `linkType` at time 0.
func decode(_ bytes: [UInt8], _ linkType: LinkType) throws(DecodeFailure) -> TCPSegment {
    let result: Result<TCPSegment, DecodeFailure> = bytes.withUnsafeBytes { buffer in
        Result { () throws(DecodeFailure) in
            try SegmentDecoder.decode(buffer, linkType: linkType, timestamp: Timestamp(nanosecondsSinceEpoch: 0))
        }
    }
    return try result.get()
}

/// The failure decoding `bytes` produces, or nil if it decodes.
/// Decodes into `segment` in place, as the analysis loop does.
func decode(_ bytes: [UInt8], _ linkType: LinkType, into segment: inout TCPSegment) throws(DecodeFailure) {
    var decoded = segment
    let result: Result<Void, DecodeFailure> = bytes.withUnsafeBytes { buffer in
        Result { () throws(DecodeFailure) in
            try SegmentDecoder.decode(buffer, linkType: linkType, timestamp: Timestamp(nanosecondsSinceEpoch: 0),
                                      into: &decoded)
        }
    }
    try result.get()
    segment = decoded
}

func failure(_ bytes: [UInt8], _ linkType: LinkType) -> DecodeFailure? {
    do {
        _ = try decode(bytes, linkType)
        return nil
    } catch {
        return error
    }
}

extension Array where Element == UInt8 {
    /// A copy with `byte` at `offset`.
    func setting(_ offset: Int, to byte: UInt8) -> [UInt8] {
        var copy = self
        copy[offset] = byte
        return copy
    }
}
