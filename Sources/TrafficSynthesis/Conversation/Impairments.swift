import AnalyzerCore

/// What to do to a rendered TCP conversation on its way into the capture, as networks and capture
/// points do. Every choice is drawn from the random generator given to
/// ``TCPConversation/render(encapsulation:impairments:random:)``, so a seed reproduces it exactly.
public struct Impairments: Hashable, Sendable {
    /// Chance, per data segment, that it swaps places with the next packet when that is a data
    /// segment of the same direction. The handshake stays first; FIN and RST stay after the data.
    public var reorderProbability: Double
    /// Chance, per data segment, that an exact copy is retransmitted one to three packets later.
    public var duplicateProbability: Double
    /// Chance, per data segment, that it is retransmitted one to three packets later re-cut from the
    /// true stream so that it overlaps its neighbours (or, with no room, a part of itself): the
    /// overlapping bytes are the same bytes.
    public var overlapProbability: Double
    /// How many data segments the capture misses for good. Models capture loss: the peer got them
    /// (its ACKs cover them) but they are in no packet, not even a retransmission or overlap, so
    /// their bytes are gaps. Only segments whose loss the sequence numbers reveal are chosen (not a
    /// direction's last segment unless that direction's FIN or RST follows); fewer are lost when
    /// fewer qualify.
    public var lossCount: Int
    /// Start the capture mid-stream: the handshake and the packets up to and including the second
    /// data segment (fewer when there are fewer) are not captured.
    public var dropHandshake: Bool
    /// When set, the capture was taken on the client with segmentation offload (TSO/GSO, and GRO for
    /// what it receives): segments carry up to this many payload bytes (capped at the generator's
    /// largest MSS, 65,000) instead of the MSS, and every second IPv4 data segment the client sends
    /// whose datagram is over 1,500 bytes carries a total length of 0, as captures before the NIC
    /// fills it in show. Counted in ``GeneratedStatistics/zeroLengthSegments``.
    public var offloadSegmentSize: Int?
    /// When set, every IP packet whose IP payload carries TCP data and is longer than this is
    /// fragmented into pieces of at most this many bytes (rounded down to a multiple of 8).
    public var ipFragmentPayload: Int?
    /// When set, every frame is cut to this many bytes as a capture with that snaplen would store it.
    public var snapshotLength: Int?
    /// Data segments the capture misses for good, chosen by a byte they carry: the peer got them (its
    /// ACKs cover them), as with ``lossCount``, but at exactly these places (a request's head, the
    /// tail of a body, an Ack), including a direction's last segment.
    public var missedSegments: [MissedSegment] = []
    /// When set, only the packets travelling this way are captured (a tap or SPAN port that
    /// mirrors one direction).
    public var capturedDirection: FlowDirection?

    /// Creates a set of impairments; the defaults impair nothing.
    public init(
        reorderProbability: Double = 0,
        duplicateProbability: Double = 0,
        overlapProbability: Double = 0,
        lossCount: Int = 0,
        dropHandshake: Bool = false,
        ipFragmentPayload: Int? = nil,
        snapshotLength: Int? = nil,
        offloadSegmentSize: Int? = nil
    ) {
        self.reorderProbability = reorderProbability
        self.duplicateProbability = duplicateProbability
        self.overlapProbability = overlapProbability
        self.lossCount = lossCount
        self.dropHandshake = dropHandshake
        self.ipFragmentPayload = ipFragmentPayload
        self.snapshotLength = snapshotLength
        self.offloadSegmentSize = offloadSegmentSize
    }

    /// Impairments that only miss `segments`.
    public static func missing(_ segments: [MissedSegment]) -> Impairments {
        var impairments = Impairments()
        impairments.missedSegments = segments
        return impairments
    }

    /// No impairment: the conversation is captured exactly as sent.
    public static let none = Impairments()
}

/// A data segment the capture misses: the one carrying byte `offset` of the `direction` stream.
public struct MissedSegment: Hashable, Sendable {
    /// The direction whose stream the byte belongs to.
    public var direction: FlowDirection
    /// The byte's payload offset (0 is the first byte that side sent).
    public var offset: Int

    /// Names the segment carrying byte `offset` of `direction`.
    public init(_ direction: FlowDirection, offset: Int) {
        self.direction = direction
        self.offset = offset
    }
}
