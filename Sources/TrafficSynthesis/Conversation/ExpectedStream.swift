/// What a perfect reassembler must deliver for one direction of a rendered conversation.
///
/// Offsets are counted from the stream's start, which is fixed the way a reassembler can fix it
/// from the capture alone:
/// - when the direction's SYN (or SYN-ACK) was captured, offset 0 is the byte at ISN + 1;
/// - otherwise (a mid-stream capture) offset 0 is the byte the sequence number of the direction's
///   first captured packet points at, whatever that packet carries. Bytes below it are not part of
///   the stream even if a later retransmission carries them.
///
/// The stream ends at the highest sequence number a captured packet proves was sent (end of its
/// payload on the wire, or a FIN/RST; pure ACKs do not count). Between start and end every byte is
/// either delivered or in a gap: lost by the capture, cut off by the snapshot length, or inside IP fragments that cannot
/// be reassembled because one was cut. A packet counts only when its link, IP and whole TCP header
/// were captured; with the header cut, a decoder cannot know its sequence number.
public struct ExpectedStream: Hashable, Sendable {
    /// A run of offsets that are all delivered or all missing.
    public struct Piece: Hashable, Sendable {
        /// Offset of the run's first byte.
        public var offset: Int
        /// Bytes in the run (at least 1).
        public var length: Int
        /// Whether the run is missing from the capture.
        public var isGap: Bool

        /// Creates a piece.
        public init(offset: Int, length: Int, isGap: Bool) {
            self.offset = offset
            self.length = length
            self.isGap = isGap
        }
    }

    /// The sequence number of offset 0.
    public var baseSequenceNumber: UInt32
    /// Whether offset 0 comes from a captured SYN (`false`: from a mid-stream pickup).
    public var startsWithHandshake: Bool
    /// Bytes the side sent before offset 0, not part of this stream.
    public var skippedLeadingBytes: Int
    /// The stream from offset 0 to its end as alternating delivered and missing runs.
    public var pieces: [Piece]
    /// Every delivered byte in stream order (gaps simply left out).
    public var deliveredBytes: [UInt8]
    /// Bytes inside gaps.
    public var gapBytes: Int

    /// Bytes delivered (each counted once, however often it was captured).
    public var uniqueBytes: Int { deliveredBytes.count }
    /// Offset of the stream's end: delivered plus gap bytes.
    public var length: Int { uniqueBytes + gapBytes }
    /// How many separate gaps the stream has.
    public var gapCount: Int { pieces.filter(\.isGap).count }

    /// Creates a description directly; ``TCPConversation/render(encapsulation:impairments:random:)``
    /// computes it from what it captured.
    public init(
        baseSequenceNumber: UInt32,
        startsWithHandshake: Bool,
        skippedLeadingBytes: Int,
        pieces: [Piece],
        deliveredBytes: [UInt8],
        gapBytes: Int
    ) {
        self.baseSequenceNumber = baseSequenceNumber
        self.startsWithHandshake = startsWithHandshake
        self.skippedLeadingBytes = skippedLeadingBytes
        self.pieces = pieces
        self.deliveredBytes = deliveredBytes
        self.gapBytes = gapBytes
    }
}

/// What the capture shows of one TCP segment, as far as the stream is concerned.
struct SegmentObservation {
    /// Whether a decoder can read the segment's headers (and, if fragmented, reassemble it).
    var visible: Bool
    /// Whether it is a SYN or SYN-ACK.
    var isSYN: Bool
    /// Whether it is a FIN or RST.
    var isClose: Bool
    /// Payload offset its sequence number points at (for a SYN: 0, the byte after it).
    var offset: Int
    /// Payload bytes it carries on the wire.
    var wireLength: Int
    /// Payload bytes of it that were captured (a prefix of the wire payload).
    var capturedLength: Int
}

extension ExpectedStream {
    /// The stream a reassembler following the documented convention gets from `observations`
    /// (one direction's segments, in capture order) of `payload`, sent from initial sequence
    /// number `isn`.
    init(payload: [UInt8], isn: UInt32, observations: [SegmentObservation]) {
        let visible = observations.filter(\.visible)
        let startsWithHandshake = visible.contains(where: \.isSYN)
        let base = startsWithHandshake ? 0 : (visible.first?.offset ?? 0)
        var end = base
        var captured: [Range<Int>] = []
        for observation in visible where !observation.isSYN {
            // Only data, FIN and RST prove how far the stream went: the ACK after a FIN has a
            // sequence number one past the FIN.
            if observation.wireLength > 0 || observation.isClose {
                end = max(end, observation.offset + observation.wireLength)
            }
            let start = max(base, observation.offset)
            let capturedEnd = min(observation.offset + observation.capturedLength, payload.count)
            if start < capturedEnd { captured.append(start..<capturedEnd) }
        }
        end = min(end, payload.count)
        // Merge the captured ranges, then walk base..<end alternating delivered runs and gaps.
        captured.sort { $0.lowerBound < $1.lowerBound }
        var pieces: [Piece] = []
        var delivered: [UInt8] = []
        var gapBytes = 0
        var offset = base
        func add(_ range: Range<Int>, isGap: Bool) {
            guard !range.isEmpty else { return }
            if let last = pieces.last, last.isGap == isGap, last.offset + last.length == range.lowerBound - base {
                pieces[pieces.count - 1].length += range.count
            } else {
                pieces.append(Piece(offset: range.lowerBound - base, length: range.count, isGap: isGap))
            }
            if isGap { gapBytes += range.count } else { delivered += payload[range] }
        }
        for range in captured where range.upperBound > offset && range.lowerBound < end {
            add(offset..<max(offset, range.lowerBound), isGap: true)
            let upper = min(range.upperBound, end)
            add(max(offset, range.lowerBound)..<upper, isGap: false)
            offset = max(offset, upper)
        }
        add(offset..<end, isGap: true)
        self.init(
            baseSequenceNumber: ConversationPlanner.sequenceNumber(isn: isn, offset: base),
            startsWithHandshake: startsWithHandshake, skippedLeadingBytes: base, pieces: pieces,
            deliveredBytes: delivered, gapBytes: gapBytes
        )
    }
}
