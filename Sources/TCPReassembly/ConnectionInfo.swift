import AnalyzerCore

/// What is known about a connection when it first appears; handed to the consumer factory.
public struct ConnectionInfo: Hashable, Sendable {
    /// The connection's number: 1 for the first connection seen in the capture, and so on.
    public var id: Int
    /// The side that sent the SYN, or (without a handshake in the capture) the side with the
    /// higher port; on equal ports, the sender of the first packet seen.
    public var client: Endpoint
    /// The other side.
    public var server: Endpoint
    /// Time of the first packet seen.
    public var firstTime: CaptureTimestamp
    /// Whether the connection's SYN or SYN-ACK was seen, i.e. it was not picked up mid-stream.
    public var handshakeSeen: Bool

    /// Creates a record.
    public init(id: Int, client: Endpoint, server: Endpoint, firstTime: CaptureTimestamp, handshakeSeen: Bool) {
        self.id = id
        self.client = client
        self.server = server
        self.firstTime = firstTime
        self.handshakeSeen = handshakeSeen
    }
}

/// How a connection came to an end in the analysis.
public enum ConnectionEnd: String, Sendable, CaseIterable {
    /// Both sides sent FIN.
    case fin
    /// A RST was seen.
    case reset = "rst"
    /// No packet for longer than the idle timeout (capture time).
    case idleTimeout = "idle-timeout"
    /// Still open when the capture ended.
    case captureEnd = "capture-end"
    /// Ended early because the connection table was full (`limit-connections`).
    case evicted
    /// A new SYN reused the same addresses and ports.
    case reused
}

/// Counters of one direction of a connection.
public struct DirectionStatistics: Hashable, Sendable {
    /// Packets sent this way (all of them, with or without payload).
    public var packets = 0
    /// Unique payload bytes delivered in order (retransmitted copies not counted, gaps not counted).
    public var payloadBytes: UInt64 = 0
    /// Bytes of segments that brought nothing new (whole retransmissions).
    public var retransmittedBytes: UInt64 = 0
    /// Already-seen bytes at the edges of segments that also brought new bytes (partial overlaps).
    public var overlapBytes: UInt64 = 0
    /// Of the retransmitted and overlapping bytes, those whose content differed from the first copy,
    /// where both copies were in memory to compare (the first copy wins).
    public var conflictingBytes: UInt64 = 0
    /// Bytes never seen that the stream skipped as gaps (holes that never filled, uncaptured tails).
    public var gapBytes: UInt64 = 0
    /// Of the gap bytes, those sent on the wire but cut off by the snapshot length.
    public var uncapturedBytes: UInt64 = 0
    /// Number of gaps declared.
    public var gaps = 0
    /// Payload bytes the receiver acknowledged (its highest TCP ACK, from the first byte seen in
    /// this direction; SYN and FIN not counted): the bytes the sender is known to have delivered.
    public var acknowledgedBytes: UInt64 = 0
    /// Of the gap bytes, those the receiver had acknowledged: sent and received, but not in the
    /// capture (capture loss, as Zeek's `capture_loss` counts it), never the snapshot length's cuts.
    public var acknowledgedGapBytes: UInt64 = 0
    /// Whether this direction ended with a FIN.
    public var finSeen = false

    /// All zeros.
    public init() {}
}

/// Everything the reassembler knows of a connection once it is removed from the table.
public struct ConnectionSummary: Hashable, Sendable {
    /// Identity and endpoints.
    public var info: ConnectionInfo
    /// Time of the last packet seen.
    public var lastTime: CaptureTimestamp
    /// Counters from client to server.
    public var clientToServer: DirectionStatistics
    /// Counters from server to client.
    public var serverToClient: DirectionStatistics
    /// How it ended.
    public var end: ConnectionEnd
    /// The direction the capture lacks entirely, when the other one proved the peer sent
    /// (see ``StreamConsumer/directionNotCaptured(_:time:)``).
    public var missingDirection: FlowDirection?

    /// Creates a summary.
    public init(
        info: ConnectionInfo,
        lastTime: CaptureTimestamp,
        clientToServer: DirectionStatistics,
        serverToClient: DirectionStatistics,
        end: ConnectionEnd
    ) {
        self.info = info
        self.lastTime = lastTime
        self.clientToServer = clientToServer
        self.serverToClient = serverToClient
        self.end = end
    }

    /// The counters of one direction.
    public subscript(direction: FlowDirection) -> DirectionStatistics {
        direction == .clientToServer ? clientToServer : serverToClient
    }
}
