import AnalyzerCore

/// What decoding one captured packet produced.
public enum DecodeOutcome {
    /// A TCP segment. Its payload borrows the packet's bytes or the decoder's reassembly buffer and is
    /// valid until the next ``PacketDecoder/decode(_:)`` call. `payloadLength > payload.count` when the
    /// snapshot length cut the packet inside the payload (also counted in ``DecodeStatistics/truncated``).
    case tcp(TCPSegment)
    /// Not a TCP segment: a non-IP frame, another IP protocol, or an IPv6 chain that ends without TCP.
    case notTCP
    /// An IP fragment taken by the reassembler: held until its datagram completes (or, when a limit is
    /// hit, dropped with the drop counted and reported).
    case fragmentHeld
    /// The snapshot length cut the packet inside a link, IP or TCP header: what is left cannot be decoded.
    case truncated
    /// The packet's own lengths or fields contradict each other or the packet's length on the wire.
    case malformed(MalformedReason)
    /// The link-layer type is not one the decoder knows.
    case unsupportedLinkType
    /// A link layer or tunnel the decoder recognises but cannot open (see ``UndecodedEncapsulation``).
    case undecoded(UndecodedEncapsulation)
}
