/// The next layer to decode inside a frame: the state of ``PacketDecoder``'s bounded loop over
/// nested headers (link layer, tunnels, IP), which ends at the innermost IP packet carrying TCP.
enum Layer: Equatable {
    /// An Ethernet II header at this offset (inside a tunnel: TEB, VXLAN, ERSPAN, an MPLS pseudowire).
    case ethernet(Int)
    /// An MPLS label stack entry at this offset (RFC 3032).
    case mpls(Int)
    /// An IPv4 header at this offset.
    case ipv4(Int)
    /// An IPv6 header at this offset.
    case ipv6(Int)
}

/// Bounds of decoding nested encapsulations.
public enum Encapsulation {
    /// Layers (an IP header, a tunnel's inner Ethernet header, one MPLS label) the decoder steps
    /// through in one packet before it calls the packet malformed (`encapsulation-depth`). Real
    /// captures nest a handful: Ethernet, outer IP, GRE or UDP, inner Ethernet, inner IP; a label
    /// stack adds one per label. The bound keeps a hostile packet of nothing but tunnel headers
    /// (IP in IP in IP ...) from being walked for long.
    public static let maxDepth = 16
}
