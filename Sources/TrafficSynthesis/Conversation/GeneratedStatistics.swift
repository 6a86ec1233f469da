/// What the generator did to one direction of a conversation, for checking an analyzer's counters.
public struct GeneratedStatistics: Hashable, Sendable {
    /// Payload bytes the side sent (the length of its payload).
    public var payloadBytes = 0
    /// Original data segments the script produced, before any impairment.
    public var dataSegments = 0
    /// Data segments sent before a mid-stream capture began (not captured).
    public var droppedLeadingSegments = 0
    /// Data segments the capture lost for good.
    public var lostSegments = 0
    /// Payload bytes of the lost segments.
    public var lostBytes = 0
    /// Data segments captured out of order (two per swap).
    public var reorderedSegments = 0
    /// Exact copies added.
    public var duplicateSegments = 0
    /// Overlapping re-cut retransmissions added.
    public var overlapSegments = 0
    /// Payload bytes carried by duplicates and overlaps together.
    public var retransmittedBytes = 0
    /// IP packets of this direction that were split into fragments.
    public var fragmentedPackets = 0
    /// Frames of this direction cut by the snapshot length.
    public var truncatedFrames = 0
    /// IPv4 segments written with a total length of 0 (``Impairments/offloadSegmentSize``).
    public var zeroLengthSegments = 0

    /// All zero.
    public init() {}
}
