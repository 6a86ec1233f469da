import AnalyzerCore

/// The fields of an IPv6 fixed header that decoding needs (RFC 8200 §3), checked against the packet.
struct IPv6Header {
    /// Source address.
    var source: IPAddress
    /// Destination address.
    var destination: IPAddress
    /// The Next Header field of the fixed header.
    var nextHeader: UInt8
    /// Offset just past the payload (`start + 40 + payload length`), never past the wire length.
    var payloadEnd: Int

    /// Length of the fixed header.
    static let fixedLength = 40

    /// Reads and checks the fixed header at `start`; `limit` is where the enclosing layer ends on the
    /// wire (the wire length, or a tunnel's payload end).
    /// - Throws: `.malformed` for a wrong version, a jumbogram, or a payload longer than the wire
    ///   allows; `.truncated` when the fixed header was cut.
    static func parse(_ frame: FrameBytes, at start: Int, limit: Int) throws(DecodeStop) -> IPv6Header {
        // `start` is an offset in the frame and the payload length is 16 bits: the sums cannot overflow.
        try frame.require(start + fixedLength, within: limit, else: .ipv6HeaderLength)
        guard try frame.byte(at: start) >> 4 == 6 else { throw .malformed(.ipVersion) }
        let payloadLength = Int(try frame.uint16(at: start + 4))
        let nextHeader = try frame.byte(at: start + 6)
        // RFC 2675: payload length 0 with a Hop-by-Hop header announces a jumbogram, whose real length
        // is in a Hop-by-Hop option. Jumbograms need links with MTUs above 64 KiB; not supported.
        if payloadLength == 0 && nextHeader == IPv6ExtensionWalker.hopByHop { throw .malformed(.ipv6Jumbogram) }
        let payloadEnd = start + fixedLength + payloadLength
        guard payloadEnd <= limit else { throw .malformed(.ipv6PayloadLength) }
        return IPv6Header(
            source: try frame.ipv6Address(at: start + 8),
            destination: try frame.ipv6Address(at: start + 24),
            nextHeader: nextHeader,
            payloadEnd: payloadEnd
        )
    }
}

/// An IPv6 Fragment header (RFC 8200 §4.5) that makes its packet a fragment.
struct IPv6FragmentHeader {
    /// The Next Header field: the protocol of the reassembled payload.
    var nextHeader: UInt8
    /// Where the fragment's data starts in the frame (just after the Fragment header).
    var dataStart: Int
    /// The fragment offset in bytes.
    var offset: Int
    /// The M flag.
    var moreFragments: Bool
    /// The identification shared by the datagram's fragments.
    var identification: UInt32
}

/// Where an IPv6 extension-header chain leads.
enum IPv6Transport {
    /// A TCP header at this offset.
    case tcp(Int)
    /// A tunnel at this offset: IPv4 (4), IPv6 (41), GRE (47) or UDP (17), the protocol given first.
    case tunnel(UInt8, Int)
    /// The packet is a fragment; the rest of the chain is in the reassembled datagram.
    case fragment(IPv6FragmentHeader)
}

/// Walks the IPv6 extension-header chain to the upper-layer header.
enum IPv6ExtensionWalker {
    /// Hop-by-Hop Options.
    static let hopByHop: UInt8 = 0
    /// Protocol number of TCP.
    static let tcp: UInt8 = 6
    /// Fragment header.
    static let fragment: UInt8 = 44
    /// Authentication Header.
    static let authentication: UInt8 = 51
    /// No Next Header.
    static let noNextHeader: UInt8 = 59
    /// Extension headers walked before the chain is called malformed. RFC 8200 §4.1 expects at most
    /// a handful (Destination Options may appear twice); the bound keeps hostile chains short.
    static let maxExtensionHeaders = 16

    /// Follows the chain that starts after the fixed header at `start`.
    ///
    /// Hop-by-Hop (0), Routing (43), Destination Options (60), Mobility (135), HIP (139), Shim6 (140) and
    /// the experimental values 253/254 share the `(length + 1) * 8` layout; AH (51) counts 4-byte units,
    /// plus 2 (RFC 4302 §2.2). A Fragment header with offset 0 and M clear is an atomic fragment
    /// (RFC 6946) and is stepped over like any other header.
    /// - Throws: `.notTCP` for No Next Header, ESP or any upper layer other than TCP and the tunnels; `.malformed(.ipv6ExtensionChain)`
    ///   when a header reaches past the payload or the chain is too long; `.truncated` when it was cut.
    static func walk(_ frame: FrameBytes, header: IPv6Header, start: Int) throws(DecodeStop) -> IPv6Transport {
        var nextHeader = header.nextHeader
        var position = start + IPv6Header.fixedLength
        let end = header.payloadEnd
        // Each step adds at most (255 + 2) * 8 bytes and `position` never passes `end`: no overflow.
        for _ in 0...maxExtensionHeaders {
            switch nextHeader {
            case tcp:
                return .tcp(position)
            case 4, 41, TunnelDecoder.greProtocol, TunnelDecoder.udpProtocol:
                return .tunnel(nextHeader, position)
            case fragment:
                try frame.require(position + 8, within: end, else: .ipv6ExtensionChain)
                let field = try frame.uint16(at: position + 2)
                let fragmentHeader = IPv6FragmentHeader(
                    nextHeader: try frame.byte(at: position),
                    dataStart: position + 8,
                    offset: Int(field & 0xFFF8),
                    moreFragments: field & 1 != 0,
                    identification: try frame.uint32(at: position + 4)
                )
                if fragmentHeader.offset != 0 || fragmentHeader.moreFragments { return .fragment(fragmentHeader) }
                nextHeader = fragmentHeader.nextHeader
                position += 8
            case hopByHop, 43, 60, 135, 139, 140, 253, 254, authentication:
                try frame.require(position + 2, within: end, else: .ipv6ExtensionChain)
                let lengthField = Int(try frame.byte(at: position + 1))
                let length = nextHeader == authentication ? (lengthField + 2) * 4 : (lengthField + 1) * 8
                try frame.require(position + length, within: end, else: .ipv6ExtensionChain)
                nextHeader = try frame.byte(at: position)
                position += length
            default:
                // No Next Header (59), ESP (50, whose contents are encrypted), UDP, ICMPv6, ...
                throw .notTCP
            }
        }
        throw .malformed(.ipv6ExtensionChain)
    }
}
