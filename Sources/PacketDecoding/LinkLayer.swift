import AnalyzerCore

/// Strips link-layer headers: finds the first layer inside a frame of any supported `DLT_*` type,
/// and follows EtherTypes (VLAN tags, MPLS, PPPoE sessions) wherever a tunnel carries them.
enum LinkLayerDecoder {
    /// Stacked 802.1Q / QinQ tags accepted before the frame is called malformed. Real networks use one
    /// or two; the bound keeps a frame of nothing but tags from being walked for long.
    static let maxVLANTags = 8

    /// Finds the first layer of `frame` after its link header. `end` starts as the wire length and
    /// comes back shorter when the link layer says where the packet ends (an NFLOG payload TLV, a
    /// radiotap-announced FCS).
    /// - Throws: `.unsupportedLinkType` for an unknown `linkType`; `.notIP` when the frame carries
    ///   something else; `.undecoded` when it cannot be opened; `.truncated` / `.malformed` when the
    ///   link header is cut or too short on the wire.
    static func firstLayer(in frame: FrameBytes, linkType: LinkType, end: inout Int) throws(DecodeStop) -> Layer {
        switch linkType {
        case .ethernet:
            return try ethernet(frame, at: 0, end: end)
        case .linuxSLL:
            // Packet type, ARPHRD type, address length, 8 address bytes, then the protocol at 14.
            try frame.require(16, within: end, else: .linkHeaderLength)
            return try etherType(try frame.uint16(at: 14), payloadAt: 16, in: frame, end: end)
        case .linuxSLL2:
            // The protocol comes first; reserved, interface index, ARPHRD, type and address follow.
            try frame.require(20, within: end, else: .linkHeaderLength)
            return try etherType(try frame.uint16(at: 0), payloadAt: 20, in: frame, end: end)
        case .raw, .rawOpenBSD, .linktypeRaw:
            try frame.require(1, within: end, else: .linkHeaderLength)
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
            try frame.require(4, within: end, else: .linkHeaderLength)
            // The family is in the capturing host's byte order, which the file does not record. Families
            // are small numbers, so a value above 0xFFFF read one way means the other order was used.
            var family = frame.reader.getUInt32(at: 0, endianness: .little) ?? 0
            if family > 0xFFFF { family = frame.reader.getUInt32(at: 0, endianness: .big) ?? 0 }
            return try addressFamily(family, payloadAt: 4)
        case .loop:
            try frame.require(4, within: end, else: .linkHeaderLength)
            return try addressFamily(try frame.uint32(at: 0), payloadAt: 4)
        case .ppp, .pppSerial:
            return try PPPDecoder.frame(frame, end: end)
        case .ciscoHDLC:
            return try PPPDecoder.ciscoHDLC(frame, end: end)
        case .ieee80211:
            return try WirelessDecoder.dataFrame(frame, at: 0, end: end)
        case .ieee80211Radiotap:
            return try WirelessDecoder.radiotap(frame, end: &end)
        case .ppi:
            return try WirelessDecoder.ppi(frame, end: end)
        case .nflog:
            return try NFLOGDecoder.payload(frame, end: &end)
        default:
            throw .unsupportedLinkType
        }
    }

    /// Reads the Ethernet II header at `start` and follows its EtherType.
    @inline(__always)
    static func ethernet(_ frame: FrameBytes, at start: Int, end: Int) throws(DecodeStop) -> Layer {
        // Destination and source MAC (12 bytes), then the EtherType. `start` is an offset within the
        // frame, so the sums cannot overflow.
        try frame.require(start + 14, within: end, else: .linkHeaderLength)
        return try etherType(try frame.uint16(at: start + 12), payloadAt: start + 14, in: frame, end: end)
    }

    /// Follows an EtherType through any 802.1Q (0x8100) and QinQ (0x88A8, 0x9100) tags to IPv4, IPv6,
    /// MPLS (0x8847, 0x8848) or a PPPoE session (0x8864).
    static func etherType(
        _ firstType: UInt16, payloadAt firstPayload: Int, in frame: FrameBytes, end: Int
    ) throws(DecodeStop) -> Layer {
        var type = firstType
        var payload = firstPayload
        var tags = 0
        while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
            tags += 1
            guard tags <= maxVLANTags else { throw .malformed(.linkTagDepth) }
            // A tag: 2 bytes of priority/VLAN ID, then the next EtherType. `payload` grows by at most
            // 4 * maxVLANTags, so the sums cannot overflow.
            try frame.require(payload + 4, within: end, else: .linkHeaderLength)
            type = try frame.uint16(at: payload + 2)
            payload += 4
        }
        switch type {
        case 0x0800: return .ipv4(payload)
        case 0x86DD: return .ipv6(payload)
        case 0x8847, 0x8848: return .mpls(payload)
        case 0x8864: return try PPPDecoder.pppoeSession(frame, at: payload, end: end)
        default: throw .notIP
        }
    }

    /// Maps a BSD address family to IPv4 or IPv6. `AF_INET6` differs by system: 10 (Linux),
    /// 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD), 30 (macOS, iOS); libpcap accepts all of them.
    private static func addressFamily(
        _ family: UInt32, payloadAt payload: Int
    ) throws(DecodeStop) -> Layer {
        switch family {
        case 2: return .ipv4(payload)
        case 10, 24, 28, 30: return .ipv6(payload)
        default: throw .notIP
        }
    }
}
