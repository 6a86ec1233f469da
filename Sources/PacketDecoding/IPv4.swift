import AnalyzerCore

/// The fields of an IPv4 header that decoding needs (RFC 791 §3.1), checked against the packet.
struct IPv4Header {
    /// Source address.
    var source: IPAddress
    /// Destination address.
    var destination: IPAddress
    /// The protocol of the payload (6 is TCP).
    var protocolNumber: UInt8
    /// Header length in bytes, options included (20...60).
    var headerLength: Int
    /// Total length in bytes, header included (`headerLength...65_535`).
    var totalLength: Int
    /// The identification shared by a datagram's fragments.
    var identification: UInt16
    /// The More Fragments flag.
    var moreFragments: Bool
    /// The fragment offset in bytes (the field times 8).
    var fragmentOffset: Int

    /// Whether this packet is a fragment of a larger datagram.
    var isFragment: Bool { moreFragments || fragmentOffset != 0 }

    /// Protocol number of TCP.
    static let tcpProtocol: UInt8 = 6

    /// Reads and checks the header at `start`.
    ///
    /// The total length must fit in the packet's length on the wire; bytes after it (Ethernet padding,
    /// a trailing FCS) are ignored. Options are skipped, not interpreted.
    /// - Throws: `.malformed` for a wrong version, a header length below 20, or a total length that is
    ///   shorter than the header or longer than the wire allows; `.truncated` when the header was cut.
    static func parse(_ frame: FrameBytes, at start: Int) throws(DecodeStop) -> IPv4Header {
        // `start` is a link-header length (at most a few dozen bytes) and every field added to it is
        // at most 16 bits wide, so no sum below can overflow Int.
        try frame.require(start + 20, within: frame.wireLength, else: .ipv4HeaderLength)
        let versionAndLength = try frame.byte(at: start)
        guard versionAndLength >> 4 == 4 else { throw .malformed(.ipVersion) }
        let headerLength = Int(versionAndLength & 0x0F) * 4
        guard headerLength >= 20 else { throw .malformed(.ipv4HeaderLength) }
        let totalLength = Int(try frame.uint16(at: start + 2))
        guard totalLength >= headerLength, start + totalLength <= frame.wireLength else {
            throw .malformed(.ipv4TotalLength)
        }
        // Options must have been captured; the total length already covers them.
        try frame.require(start + headerLength, within: start + totalLength, else: .ipv4HeaderLength)
        let fragmentField = try frame.uint16(at: start + 6)
        return IPv4Header(
            source: try frame.ipv4Address(at: start + 12),
            destination: try frame.ipv4Address(at: start + 16),
            protocolNumber: try frame.byte(at: start + 9),
            headerLength: headerLength,
            totalLength: totalLength,
            identification: try frame.uint16(at: start + 4),
            moreFragments: fragmentField & 0x2000 != 0,
            fragmentOffset: Int(fragmentField & 0x1FFF) * 8
        )
    }
}
