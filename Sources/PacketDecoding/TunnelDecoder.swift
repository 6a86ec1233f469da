import AnalyzerCore

/// Tunnels inside IP and MPLS: IP in IP, GRE with ERSPAN, VXLAN and GENEVE over UDP, MPLS label stacks.
/// Each function reads one header in place and says which layer follows.
enum TunnelDecoder {
    /// GRE's IP protocol number.
    static let greProtocol: UInt8 = 47
    /// UDP's IP protocol number.
    static let udpProtocol: UInt8 = 17
    /// VXLAN's UDP destination port (RFC 7348 §5).
    static let vxlanPort: UInt16 = 4789
    /// GENEVE's UDP destination port (RFC 8926 §3.3).
    static let genevePort: UInt16 = 6081

    /// The layer an IP payload of protocol `protocolNumber` at `start` holds, other than TCP: IPv4 (4,
    /// RFC 2003) or IPv6 (41, RFC 2473 / RFC 4213) in IP, GRE (47), or UDP (17) to VXLAN or GENEVE;
    /// `end` is the IP payload's end and may be narrowed to the UDP datagram's.
    /// - Throws: `.notTCP` for any other protocol, and for UDP to other ports.
    static func ipPayload(
        _ protocolNumber: UInt8, _ frame: FrameBytes, at start: Int, end: inout Int
    ) throws(DecodeStop) -> Layer {
        switch protocolNumber {
        case 4: return .ipv4(start)
        case 41: return .ipv6(start)
        case greProtocol: return try gre(frame, at: start, end: end)
        case udpProtocol: return try udp(frame, at: start, end: &end)
        default: throw .notTCP
        }
    }

    /// A GRE header (RFC 2784, with RFC 2890 key and sequence number) at `start`.
    ///
    /// Protocol types: IPv4, IPv6, Transparent Ethernet Bridging (0x6558), MPLS (0x8847, 0x8848),
    /// ERSPAN type I (0x88BE without a sequence number: Ethernet follows at once), type II (0x88BE with
    /// one: an 8-byte header) and type III (0x22EB: a 12-byte header, 8 more when its O bit announces a
    /// platform subheader), after draft-foschiano-erspan-03.
    static func gre(_ frame: FrameBytes, at start: Int, end: Int) throws(DecodeStop) -> Layer {
        try frame.require(start + 4, within: end, else: .tunnelHeaderLength)
        let flags = try frame.uint16(at: start)
        let protocolType = try frame.uint16(at: start + 2)
        let version = flags & 0x7
        guard version == 0 else { throw .undecoded(UndecodedEncapsulation(.greVersion, UInt32(version))) }
        // RFC 1701's routing bit makes the header variable; RFC 2784 reserves it.
        guard flags & 0x4000 == 0 else { throw .undecoded(UndecodedEncapsulation(.greVersion, 0x10000)) }
        let hasSequence = flags & 0x1000 != 0
        // Checksum (C) with its reserved half, key (K), sequence number (S): 4 bytes each.
        var payload = start + 4
        if flags & 0x8000 != 0 { payload += 4 }
        if flags & 0x2000 != 0 { payload += 4 }
        if hasSequence { payload += 4 }
        try frame.require(payload, within: end, else: .tunnelHeaderLength)
        switch protocolType {
        case 0x0800: return .ipv4(payload)
        case 0x86DD: return .ipv6(payload)
        case 0x6558: return .ethernet(payload)
        case 0x8847, 0x8848: return .mpls(payload)
        case 0x88BE:
            guard hasSequence else { return .ethernet(payload) }  // ERSPAN type I
            try frame.require(payload + 8, within: end, else: .tunnelHeaderLength)
            let erspanVersion = try frame.byte(at: payload) >> 4
            guard erspanVersion == 1 else { throw .undecoded(UndecodedEncapsulation(.erspan, UInt32(erspanVersion))) }
            return .ethernet(payload + 8)
        case 0x22EB:
            try frame.require(payload + 12, within: end, else: .tunnelHeaderLength)
            let erspanVersion = try frame.byte(at: payload) >> 4
            guard erspanVersion == 2 else { throw .undecoded(UndecodedEncapsulation(.erspan, UInt32(erspanVersion))) }
            // Byte 10: P (1 bit), frame type (5), hardware ID (2); byte 11: hardware ID (4), D, Gra (2), O.
            let frameType = (try frame.byte(at: payload + 10) >> 2) & 0x1F
            guard frameType == 0 else { throw .undecoded(UndecodedEncapsulation(.erspan, 0x100 + UInt32(frameType))) }
            let platformSubheader = try frame.byte(at: payload + 11) & 0x01 != 0
            return .ethernet(payload + 12 + (platformSubheader ? 8 : 0))
        default:
            throw .undecoded(UndecodedEncapsulation(.greProtocol, UInt32(protocolType)))
        }
    }

    /// A UDP header at `start`: VXLAN (RFC 7348) and GENEVE (RFC 8926) by destination port; other
    /// UDP is not TCP. `end` is narrowed to the datagram's length.
    static func udp(_ frame: FrameBytes, at start: Int, end: inout Int) throws(DecodeStop) -> Layer {
        try frame.require(start + 8, within: end, else: .tunnelHeaderLength)
        let port = try frame.uint16(at: start + 2)
        guard port == vxlanPort || port == genevePort else { throw .notTCP }
        let length = Int(try frame.uint16(at: start + 4))
        guard length >= 8, start + length <= end else { throw .malformed(.udpLength) }
        end = start + length
        let header = start + 8
        // VXLAN and GENEVE both have an 8-byte base header.
        try frame.require(header + 8, within: end, else: .tunnelHeaderLength)
        if port == vxlanPort { return .ethernet(header + 8) }
        // GENEVE: version (2 bits) and option length (6 bits, 4-byte units), flags, protocol type, VNI.
        let first = try frame.byte(at: header)
        guard first >> 6 == 0 else { throw .undecoded(UndecodedEncapsulation(.geneve, 0x10000 + UInt32(first >> 6))) }
        let payload = header + 8 + Int(first & 0x3F) * 4
        try frame.require(payload, within: end, else: .tunnelHeaderLength)
        switch try frame.uint16(at: header + 2) {
        case 0x6558: return .ethernet(payload)
        case 0x0800: return .ipv4(payload)
        case 0x86DD: return .ipv6(payload)
        case let other: throw .undecoded(UndecodedEncapsulation(.geneve, UInt32(other)))
        }
    }

    /// One MPLS label stack entry at `start` (RFC 3032 §2.1). Until the bottom of the stack the next
    /// layer is another entry; after it the payload is guessed by its first nibble, as Wireshark does:
    /// 4 is IPv4, 6 is IPv6, 0 is a pseudowire control word (RFC 4385) followed by Ethernet (RFC 4448).
    static func mpls(_ frame: FrameBytes, at start: Int, end: Int) throws(DecodeStop) -> Layer {
        try frame.require(start + 4, within: end, else: .tunnelHeaderLength)
        let payload = start + 4
        guard try frame.byte(at: start + 2) & 0x01 != 0 else { return .mpls(payload) }  // bottom-of-stack bit
        try frame.require(payload + 1, within: end, else: .tunnelHeaderLength)
        let nibble = try frame.byte(at: payload) >> 4
        switch nibble {
        case 4: return .ipv4(payload)
        case 6: return .ipv6(payload)
        case 0: return .ethernet(payload + 4)
        default: throw .undecoded(UndecodedEncapsulation(.mplsPayload, UInt32(nibble)))
        }
    }
}
