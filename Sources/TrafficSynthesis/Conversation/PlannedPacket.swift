import AnalyzerCore

/// What a rendered packet is in its conversation.
public enum PacketRole: Hashable, Sendable {
    /// SYN, SYN-ACK, or the ACK completing the handshake.
    case handshake
    /// An original data segment.
    case data
    /// A pure ACK (no data), including the ACK of the peer's FIN.
    case acknowledgment
    /// An exact copy of an earlier data segment.
    case duplicate
    /// A retransmission re-cut so that it overlaps other segments.
    case overlap
    /// A FIN.
    case finish
    /// A RST.
    case reset
}

/// One TCP segment of a conversation before it becomes bytes: what the script and the impairments
/// decided, in capture order.
struct PlannedPacket: Sendable {
    /// The direction the segment travels.
    var direction: FlowDirection
    /// What the segment is.
    var role: PacketRole
    /// The TCP flags.
    var flags: TCPFlags
    /// The TCP sequence number on the wire.
    var sequenceNumber: UInt32
    /// The TCP acknowledgment number on the wire.
    var acknowledgmentNumber: UInt32
    /// Offsets of the sender's payload this segment carries; when empty, its lower bound is where
    /// the sender's stream stood (the payload offset the sequence number points at).
    var payloadRange: Range<Int>
    /// TCP options.
    var options: [UInt8] = []
    /// Intended capture time, microseconds after the conversation's start.
    var time: Int64
    /// Whether impairments must leave this packet where it is and captured: in a mid-stream capture,
    /// the first packet and the first data segment of each direction, which fix where its stream starts.
    var pinned = false

    /// Whether the segment carries payload.
    var isData: Bool { !payloadRange.isEmpty }
    /// Whether the segment is a SYN or SYN-ACK.
    var isSYN: Bool { flags.contains(.syn) }
    /// Whether the segment closes its direction (FIN) or the connection (RST).
    var isClose: Bool { flags.contains(.fin) || flags.contains(.rst) }
}
