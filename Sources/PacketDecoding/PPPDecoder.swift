import AnalyzerCore

/// PPP framings: PPP links (RFC 1661, with the RFC 1662 HDLC-like header or without), Cisco HDLC
/// (`LINKTYPE_C_HDLC`) and PPPoE sessions (RFC 2516).
enum PPPDecoder {
    /// A PPP frame of `LINKTYPE_PPP` (9) or `LINKTYPE_PPP_HDLC` (50) at the start of `frame`.
    ///
    /// As libpcap describes `DLT_PPP`: `FF 03` first means RFC 1662 framing, and the protocol follows;
    /// otherwise the frame starts with the protocol. A protocol whose first byte is odd is one byte
    /// long (RFC 1661 §6.5 Protocol-Field-Compression). A first byte of `0x0F` or `0x8F` is a Cisco
    /// HDLC frame, which `LINKTYPE_PPP_HDLC` captures may hold.
    static func frame(_ frame: FrameBytes, end: Int) throws(DecodeStop) -> Layer {
        try frame.require(2, within: end, else: .linkHeaderLength)
        let first = try frame.byte(at: 0)
        if first == 0x0F || first == 0x8F { return try ciscoHDLC(frame, end: end) }
        let second = try frame.byte(at: 1)
        let start = first == 0xFF && second == 0x03 ? 2 : 0
        try frame.require(start + 1, within: end, else: .linkHeaderLength)
        let protocolByte = try frame.byte(at: start)
        if protocolByte & 1 == 1 { return try network(UInt16(protocolByte), payloadAt: start + 1) }
        try frame.require(start + 2, within: end, else: .linkHeaderLength)
        return try network(try frame.uint16(at: start), payloadAt: start + 2)
    }

    /// A Cisco HDLC frame at the start of `frame`: address (`0x0F` unicast, `0x8F` broadcast), control,
    /// then an EtherType.
    static func ciscoHDLC(_ frame: FrameBytes, end: Int) throws(DecodeStop) -> Layer {
        try frame.require(4, within: end, else: .linkHeaderLength)
        return try LinkLayerDecoder.etherType(try frame.uint16(at: 2), payloadAt: 4, in: frame, end: end)
    }

    /// A PPPoE session header (EtherType 0x8864) at `start`: version and type `0x11`, code 0, session
    /// ID, length, then the PPP protocol (RFC 2516 §4, §5).
    static func pppoeSession(_ frame: FrameBytes, at start: Int, end: Int) throws(DecodeStop) -> Layer {
        try frame.require(start + 8, within: end, else: .linkHeaderLength)
        guard try frame.byte(at: start) == 0x11, try frame.byte(at: start + 1) == 0 else { throw .notIP }
        // The length counts the PPP protocol and payload; Ethernet padding may follow it.
        let length = Int(try frame.uint16(at: start + 4))
        // Checked against the wire only: the snapshot length may have cut the payload.
        guard length >= 2, start + 6 + length <= end else { throw .malformed(.linkHeaderLength) }
        return try network(try frame.uint16(at: start + 6), payloadAt: start + 8)
    }

    /// Maps a PPP protocol number to the layer it carries: IPv4 (0x0021), IPv6 (0x0057), MPLS
    /// (0x0281, 0x0283). Anything else (LCP, IPCP, other network protocols) is not IP.
    private static func network(_ protocolNumber: UInt16, payloadAt payload: Int) throws(DecodeStop) -> Layer {
        switch protocolNumber {
        case 0x0021: return .ipv4(payload)
        case 0x0057: return .ipv6(payload)
        case 0x0281, 0x0283: return .mpls(payload)
        default: throw .notIP
        }
    }
}
