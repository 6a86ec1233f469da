/// Why decoding of one packet stopped without a TCP segment. Thrown with typed throws (no boxing,
/// no allocation) and turned into a ``DecodeOutcome`` and a counter by ``PacketDecoder``.
enum DecodeStop: Error {
    /// The capture was cut inside a header.
    case truncated
    /// The packet contradicts itself.
    case malformed(MalformedReason)
    /// The link layer carries something other than IP.
    case notIP
    /// IP carries something other than TCP.
    case notTCP
    /// The link-layer type is unknown.
    case unsupportedLinkType
    /// The packet was an IP fragment and the reassembler took it.
    case fragmentHeld
    /// A link layer or tunnel the decoder recognises but cannot follow (an unknown GRE protocol, an
    /// encrypted 802.11 frame, ...).
    case undecoded(UndecodedEncapsulation)
}
