/// Counters of the reassembler as a whole.
public struct ReassemblyStatistics: Hashable, Sendable {
    /// Segments processed.
    public var segments = 0
    /// Connections created (including ones picked up mid-stream).
    public var connections = 0
    /// Connections whose handshake was not in the capture.
    public var midstreamPickups = 0
    /// Connections ended early because the table was full.
    public var connectionsEvicted = 0
    /// Times a connection's own out-of-order limit forced a hole to become a gap.
    public var connectionLimitHits = 0
    /// Times the total out-of-order limit forced a connection's holes to become gaps.
    public var totalLimitHits = 0
    /// The most out-of-order bytes held at once, all connections together.
    public var peakHeldBytes = 0
    /// The most connections tracked at once.
    public var peakConnections = 0
    /// Connections of which the capture holds one direction only (see `capture-one-sided`).
    public var oneSidedConnections = 0
    /// Payload bytes the receivers acknowledged, over all removed connections, indexed by
    /// ``FlowDirection/rawValue`` (see ``DirectionStatistics/acknowledgedBytes``).
    public var acknowledgedBytes: [UInt64] = [0, 0]
    /// Of those, bytes the capture lacks (capture loss), indexed by ``FlowDirection/rawValue`` (see
    /// ``DirectionStatistics/acknowledgedGapBytes``).
    public var acknowledgedGapBytes: [UInt64] = [0, 0]

    /// All zeros.
    public init() {}
}
