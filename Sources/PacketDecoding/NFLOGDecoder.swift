import AnalyzerCore

/// Linux netfilter log records (`LINKTYPE_NFLOG`, tcpdump.org/linktypes/LINKTYPE_NFLOG.html): a
/// 4-byte header (address family, version, resource ID) then TLVs whose length and type are in the
/// capturing host's byte order; the `NFULA_PAYLOAD` TLV (type 9) holds the packet from its IP header.
enum NFLOGDecoder {
    /// The `NFULA_PAYLOAD` TLV type.
    static let payloadType: UInt16 = 9

    /// Finds the payload TLV; `end` becomes the TLV's end, where the IP packet ends on the wire.
    static func payload(_ frame: FrameBytes, end: inout Int) throws(DecodeStop) -> Layer {
        try frame.require(4, within: end, else: .linkHeaderLength)
        let family = try frame.byte(at: 0)
        guard family == 2 || family == 10 else {
            throw .undecoded(UndecodedEncapsulation(.nflog, UInt32(family)))
        }
        // TLV types are small numbers: a type above 0xFF read as little-endian means the capturing host
        // was big-endian. The top bit (NLA_F_NESTED) is masked off before comparing.
        try frame.require(8, within: end, else: .nflogTLV)
        let order: Endianness = (try read(frame, at: 6, .little)) & 0x7FFF <= 0xFF ? .little : .big
        var offset = 4
        // Each TLV advances at least 4 bytes and never past `end`: the loop ends within the packet.
        while offset + 4 <= end {
            try frame.require(offset + 4, within: end, else: .nflogTLV)
            let length = Int(try read(frame, at: offset, order))
            guard length >= 4, offset + length <= end else { throw .malformed(.nflogTLV) }
            if try read(frame, at: offset + 2, order) & 0x7FFF == payloadType {
                end = offset + length
                return family == 2 ? .ipv4(offset + 4) : .ipv6(offset + 4)
            }
            offset += (length + 3) & ~3  // TLVs are padded to 4 bytes
        }
        throw .undecoded(UndecodedEncapsulation(.nflog, 0x10000))
    }

    private static func read(_ frame: FrameBytes, at offset: Int, _ order: Endianness) throws(DecodeStop) -> UInt16 {
        guard let value = frame.reader.getUInt16(at: offset, endianness: order) else { throw .truncated }
        return value
    }
}
