import AnalyzerCore

/// Where the IP header starts in a frame, and which version the link layer says it is.
enum NetworkLayerStart: Equatable {
    /// An IPv4 header at this offset.
    case ipv4(Int)
    /// An IPv6 header at this offset.
    case ipv6(Int)
}

/// Strips link-layer headers: finds the IP header in a frame of any supported `DLT_*` type.
enum LinkLayerDecoder {
    /// Stacked 802.1Q / QinQ tags accepted before the frame is called malformed. Real networks use one
    /// or two; the bound keeps a frame of nothing but tags from being walked for long.
    static let maxVLANTags = 8

    /// Finds the network layer of `frame`.
    /// - Throws: `.unsupportedLinkType` for an unknown `linkType`; `.notIP` when the frame carries
    ///   something else; `.truncated` / `.malformed` when the link header is cut or too short on the wire.
    static func networkLayer(in frame: FrameBytes, linkType: LinkType) throws(DecodeStop) -> NetworkLayerStart {
        switch linkType {
        case .ethernet:
            // Destination and source MAC (12 bytes), then the EtherType.
            try frame.require(14, within: frame.wireLength, else: .linkHeaderLength)
            return try etherType(try frame.uint16(at: 12), payloadAt: 14, in: frame)
        case .linuxSLL:
            // Packet type, ARPHRD type, address length, 8 address bytes, then the protocol at 14.
            try frame.require(16, within: frame.wireLength, else: .linkHeaderLength)
            return try etherType(try frame.uint16(at: 14), payloadAt: 16, in: frame)
        case .linuxSLL2:
            // The protocol comes first; reserved, interface index, ARPHRD, type and address follow.
            try frame.require(20, within: frame.wireLength, else: .linkHeaderLength)
            return try etherType(try frame.uint16(at: 0), payloadAt: 20, in: frame)
        case .raw, .rawOpenBSD, .linktypeRaw:
            try frame.require(1, within: frame.wireLength, else: .linkHeaderLength)
            switch try frame.byte(at: 0) >> 4 {
            case 4: return .ipv4(0)
            case 6: return .ipv6(0)
            default: throw .malformed(.ipVersion)
            }
        case .ipv4:
            return .ipv4(0)
        case .ipv6:
            return .ipv6(0)
        case .null:
            try frame.require(4, within: frame.wireLength, else: .linkHeaderLength)
            // The family is in the capturing host's byte order, which the file does not record. Families
            // are small numbers, so a value above 0xFFFF read one way means the other order was used.
            var family = frame.reader.getUInt32(at: 0, endianness: .little) ?? 0
            if family > 0xFFFF { family = frame.reader.getUInt32(at: 0, endianness: .big) ?? 0 }
            return try addressFamily(family, payloadAt: 4)
        case .loop:
            try frame.require(4, within: frame.wireLength, else: .linkHeaderLength)
            return try addressFamily(try frame.uint32(at: 0), payloadAt: 4)
        default:
            throw .unsupportedLinkType
        }
    }

    /// Follows an EtherType through any 802.1Q (0x8100) and QinQ (0x88A8, 0x9100) tags to IPv4 or IPv6.
    private static func etherType(
        _ firstType: UInt16, payloadAt firstPayload: Int, in frame: FrameBytes
    ) throws(DecodeStop) -> NetworkLayerStart {
        var type = firstType
        var payload = firstPayload
        var tags = 0
        while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
            tags += 1
            guard tags <= maxVLANTags else { throw .malformed(.linkTagDepth) }
            // A tag: 2 bytes of priority/VLAN ID, then the next EtherType. `payload` is at most
            // 20 + 4 * maxVLANTags, so the sums cannot overflow.
            try frame.require(payload + 4, within: frame.wireLength, else: .linkHeaderLength)
            type = try frame.uint16(at: payload + 2)
            payload += 4
        }
        switch type {
        case 0x0800: return .ipv4(payload)
        case 0x86DD: return .ipv6(payload)
        default: throw .notIP
        }
    }

    /// Maps a BSD address family to IPv4 or IPv6. `AF_INET6` differs by system: 10 (Linux),
    /// 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD), 30 (macOS, iOS); libpcap accepts all of them.
    private static func addressFamily(
        _ family: UInt32, payloadAt payload: Int
    ) throws(DecodeStop) -> NetworkLayerStart {
        switch family {
        case 2: return .ipv4(payload)
        case 10, 24, 28, 30: return .ipv6(payload)
        default: throw .notIP
        }
    }
}
