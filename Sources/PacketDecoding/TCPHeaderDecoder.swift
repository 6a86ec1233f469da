import AnalyzerCore

/// Decodes a TCP header (RFC 9293 §3.1) in place into a ``TCPSegment`` that borrows the payload.
enum TCPHeaderDecoder {
    /// What one TCP header decoded to.
    struct Decoded {
        /// The segment, borrowing the frame's bytes.
        var segment: TCPSegment
        /// The options.
        var options: TCPOptions
        /// Whether the snapshot length cut the payload.
        var payloadTruncated: Bool
    }

    /// Decodes the TCP header at `start`; `end` is where the IP layer says the segment ends on the wire
    /// (already checked against the wire length).
    /// - Throws: `.malformed` when the segment is shorter than 20 bytes or the data offset is below 5 or
    ///   past `end`; `.truncated` when the header (options included) was cut.
    static func decode(
        _ frame: FrameBytes,
        at start: Int,
        end: Int,
        source: IPAddress,
        destination: IPAddress,
        timestamp: CaptureTimestamp
    ) throws(DecodeStop) -> Decoded {
        // `start` and `end` are at most the wire length plus 16-bit fields; the sums cannot overflow.
        try frame.require(start + 20, within: end, else: .tcpHeaderLength)
        let headerLength = Int(try frame.byte(at: start + 12) >> 4) * 4
        guard headerLength >= 20 else { throw .malformed(.tcpDataOffset) }
        let payloadStart = start + headerLength
        try frame.require(payloadStart, within: end, else: .tcpDataOffset)
        // Whatever of the payload was captured; the IP lengths say how much was sent.
        let capturedEnd = min(end, frame.capturedCount)
        let payload = try frame.slice(from: payloadStart, to: capturedEnd)
        let segment = TCPSegment(
            source: Endpoint(address: source, port: try frame.uint16(at: start)),
            destination: Endpoint(address: destination, port: try frame.uint16(at: start + 2)),
            sequenceNumber: try frame.uint32(at: start + 4),
            acknowledgmentNumber: try frame.uint32(at: start + 8),
            flags: TCPFlags(rawValue: try frame.byte(at: start + 13)),
            window: try frame.uint16(at: start + 14),
            payload: payload,
            payloadLength: end - payloadStart,
            timestamp: timestamp
        )
        return Decoded(
            segment: segment,
            options: TCPOptions.parse(frame.reader, from: start + 20, to: payloadStart),
            payloadTruncated: capturedEnd < end
        )
    }
}
