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
    /// Whether the total length field was 0 and the length was taken from the capture instead: a TCP
    /// segment captured on the sending host before segmentation offload (TSO/GSO) filled the field in.
    var lengthFromCapture: Bool

    /// Whether this packet is a fragment of a larger datagram.
    var isFragment: Bool { moreFragments || fragmentOffset != 0 }

    /// Protocol number of TCP.
    static let tcpProtocol: UInt8 = 6
    /// The longest packet a total length of 0 is taken to announce: libpcap's largest snapshot length
    /// (`MAXIMUM_SNAPLEN`), above the 64 KiB of TSO and most of Linux BIG TCP. It keeps the segment
    /// length the reassembler sees bounded when a record claims an absurd length on the wire.
    static let maxOffloadedLength = 262_144

    /// Reads and checks the header at `start`; `limit` is where the enclosing layer ends on the wire
    /// (the wire length, or a tunnel's payload end).
    ///
    /// The total length must fit before `limit`; bytes after it (Ethernet padding, a trailing FCS) are
    /// ignored. Options are skipped, not interpreted. A total length of 0 on an unfragmented TCP
    /// packet is what a capture on the sending host shows before segmentation offload (TSO) fills the
    /// field in; as Wireshark does, the packet is then taken to run to `limit` (at most
    /// ``maxOffloadedLength`` bytes).
    /// - Throws: `.malformed` for a wrong version, a header length below 20, or a total length that is
    ///   shorter than the header or longer than the wire allows; `.truncated` when the header was cut.
    static func parse(_ frame: FrameBytes, at start: Int, limit: Int) throws(DecodeStop) -> IPv4Header {
        // `start` and `limit` are at most the wire length (a 32-bit value) and every field added to
        // them is at most 16 bits wide, so no sum below can overflow Int.
        try frame.require(start + 20, within: limit, else: .ipv4HeaderLength)
        let versionAndLength = try frame.byte(at: start)
        guard versionAndLength >> 4 == 4 else { throw .malformed(.ipVersion) }
        let headerLength = Int(versionAndLength & 0x0F) * 4
        guard headerLength >= 20 else { throw .malformed(.ipv4HeaderLength) }
        var totalLength = Int(try frame.uint16(at: start + 2))
        let protocolNumber = try frame.byte(at: start + 9)
        let fragmentField = try frame.uint16(at: start + 6)
        var lengthFromCapture = false
        if totalLength == 0, protocolNumber == tcpProtocol, fragmentField & 0x3FFF == 0 {
            totalLength = min(limit - start, maxOffloadedLength)
            lengthFromCapture = true
        }
        guard totalLength >= headerLength, start + totalLength <= limit else {
            throw .malformed(.ipv4TotalLength)
        }
        // Options must have been captured; the total length already covers them.
        try frame.require(start + headerLength, within: start + totalLength, else: .ipv4HeaderLength)
        return IPv4Header(
            source: try frame.ipv4Address(at: start + 12),
            destination: try frame.ipv4Address(at: start + 16),
            protocolNumber: protocolNumber,
            headerLength: headerLength,
            totalLength: totalLength,
            identification: try frame.uint16(at: start + 4),
            moreFragments: fragmentField & 0x2000 != 0,
            fragmentOffset: Int(fragmentField & 0x1FFF) * 8,
            lengthFromCapture: lengthFromCapture
        )
    }
}
