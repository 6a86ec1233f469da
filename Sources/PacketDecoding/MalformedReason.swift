/// Why a packet was judged malformed. The raw value is a stable short name for counters and output.
public enum MalformedReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The packet is shorter on the wire than its link-layer header (for raw IP: it is empty).
    case linkHeaderLength = "link-header-length"
    /// More than 8 stacked 802.1Q / QinQ tags.
    case linkTagDepth = "link-tag-depth"
    /// The IP version nibble does not match the link layer's protocol (or is neither 4 nor 6 on raw IP).
    case ipVersion = "ip-version"
    /// IPv4 header length below 20 bytes, or the packet is too short on the wire for an IPv4 header.
    case ipv4HeaderLength = "ipv4-header-length"
    /// IPv4 total length below the header length, or longer than the packet on the wire.
    case ipv4TotalLength = "ipv4-total-length"
    /// The packet is too short on the wire for the 40-byte IPv6 header.
    case ipv6HeaderLength = "ipv6-header-length"
    /// The IPv6 payload length reaches past the end of the packet on the wire.
    case ipv6PayloadLength = "ipv6-payload-length"
    /// IPv6 payload length 0 with a Hop-by-Hop header: a jumbogram (RFC 2675), which is not supported.
    case ipv6Jumbogram = "ipv6-jumbogram"
    /// An IPv6 extension header reaches past the payload, or the chain is longer than allowed.
    case ipv6ExtensionChain = "ipv6-extension-chain"
    /// The IP payload is shorter than the 20-byte TCP header.
    case tcpHeaderLength = "tcp-header-length"
    /// TCP data offset below 5 words, or reaching past the end of the segment.
    case tcpDataOffset = "tcp-data-offset"
    /// A fragment (or the reassembled datagram) reaches past the largest datagram IP allows.
    case fragmentOffset = "fragment-offset"
    /// A fragment that is not the last has a length that is not a multiple of 8.
    case fragmentLength = "fragment-length"
    /// Fragments disagree about where the datagram ends; the datagram was dropped.
    case fragmentEndConflict = "fragment-end-conflict"
    /// A fragment overlaps bytes already held with different content; the first copy was kept.
    case fragmentOverlapConflict = "fragment-overlap-conflict"
    /// A reassembled datagram is itself a fragment (a nested IPv6 Fragment header).
    case fragmentNested = "fragment-nested"
    /// More nested layers (tunnels, MPLS labels) than ``Encapsulation/maxDepth``.
    case encapsulationDepth = "encapsulation-depth"
    /// A tunnel header (GRE, ERSPAN, UDP, VXLAN, GENEVE, MPLS) reaches past the packet that carries it.
    case tunnelHeaderLength = "tunnel-header-length"
    /// A UDP length field below 8 or past the end of the IP payload.
    case udpLength = "udp-length"
    /// An NFLOG TLV shorter than its own header or reaching past the packet.
    case nflogTLV = "nflog-tlv"

    /// The stable short name.
    public var description: String { rawValue }
}
