import AnalyzerCore

/// What one packet of a rendered conversation is, so tests can pick packets without decoding them.
public struct RenderedPacketInfo: Hashable, Sendable {
    /// The direction it travels.
    public var direction: FlowDirection
    /// What it is.
    public var role: PacketRole
    /// Its TCP flags.
    public var flags: TCPFlags
    /// Its TCP sequence number.
    public var sequenceNumber: UInt32
    /// Its TCP acknowledgment number.
    public var acknowledgmentNumber: UInt32
    /// Offsets into the sender's payload (from its first byte, ISN + 1) carried by the whole segment,
    /// whichever fragment this packet is; empty for segments without data.
    public var payloadOffsets: Range<Int>
    /// Index of this packet among its IP fragments, or `nil` when the segment was not fragmented.
    public var fragmentIndex: Int?
    /// How many IP fragments the segment was split into (1 when not fragmented).
    public var fragmentCount: Int

    /// Creates a description.
    public init(
        direction: FlowDirection, role: PacketRole, flags: TCPFlags, sequenceNumber: UInt32,
        acknowledgmentNumber: UInt32, payloadOffsets: Range<Int>, fragmentIndex: Int?, fragmentCount: Int
    ) {
        self.direction = direction
        self.role = role
        self.flags = flags
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.payloadOffsets = payloadOffsets
        self.fragmentIndex = fragmentIndex
        self.fragmentCount = fragmentCount
    }
}
