/// Counters of everything a ``PacketDecoder`` has decoded.
///
/// Every call to ``PacketDecoder/decode(_:)`` counts once in ``packets`` and once in exactly one of
/// ``tcpSegments``, ``nonIP``, ``nonTCP``, ``fragmentsHeld``, ``malformed``, ``unsupportedLinkType``,
/// ``undecoded`` or (`truncated - truncatedPayloads`). The other counters give detail.
public struct DecodeStatistics: Sendable, Hashable {
    /// Packets handed to the decoder.
    public var packets = 0
    /// Packets that produced a TCP segment (including those with a truncated payload).
    public var tcpSegments = 0
    /// Packets whose link layer carried something other than IPv4 or IPv6.
    public var nonIP = 0
    /// IP packets (or reassembled datagrams) that carried something other than TCP.
    public var nonTCP = 0
    /// Packets the snapshot length cut: those cut inside a header (outcome `.truncated`) plus TCP
    /// segments cut inside the payload (``truncatedPayloads``).
    public var truncated = 0
    /// TCP segments delivered with fewer payload bytes than were on the wire.
    public var truncatedPayloads = 0
    /// Packets judged malformed.
    public var malformed = 0
    /// Packets of a link-layer type the decoder does not know.
    public var unsupportedLinkType = 0
    /// TCP segments with at least one malformed option (the segment is still decoded).
    public var tcpOptionErrors = 0
    /// Packets that were IP fragments, whatever became of them.
    public var ipFragments = 0
    /// Fragments taken by the reassembler with outcome `.fragmentHeld`.
    public var fragmentsHeld = 0
    /// Datagrams completed from fragments.
    public var datagramsReassembled = 0
    /// Datagrams in progress dropped because a fragment limit was hit.
    public var fragmentDatagramsDropped = 0
    /// Datagrams in progress dropped because their fragments disagreed about the end.
    public var fragmentDatagramsRejected = 0
    /// Datagrams in progress dropped because they waited longer than the timeout.
    public var fragmentDatagramsExpired = 0
    /// Fragments that overlapped held bytes with different content (the first copy was kept).
    public var fragmentOverlapConflicts = 0
    /// IPv4 TCP packets with a total length of 0, read as running to the end of the frame: segments
    /// captured on the sending host before segmentation offload (TSO) set the length.
    public var offloadedSegments = 0
    /// Packets of a recognised link layer or tunnel the decoder could not open (an unknown GRE protocol,
    /// an encrypted 802.11 frame, ...); see ``undecodedEncapsulations``.
    public var undecoded = 0
    /// What could not be decoded, with packet counts: the ``undecoded`` packets and those of an
    /// unsupported link type.
    public var undecodedEncapsulations = UndecodedTable()

    /// All counters zero.
    public init() {}
}
