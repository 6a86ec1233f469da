import AnalyzerCore
import TrafficSynthesis

/// Rebuilds one direction's stream from decoded segments, following the convention documented on
/// ``ExpectedStream``, and checks every captured byte against what was really sent.
struct StreamOracle {
    /// Delivered bytes in order.
    var delivered: [UInt8] = []
    /// Runs of delivered / missing offsets from the base.
    var pieces: [ExpectedStream.Piece] = []
    var gapBytes = 0
    var baseSequenceNumber: UInt32 = 0
    var startsWithHandshake = false
    /// Captured payload bytes (at any offset, even before the base) that differ from the true payload.
    var wrongBytes = 0
    /// Captured payload bytes in total, copies included.
    var capturedBytes = 0

    /// Reconstructs the stream `sender` sent as `segments` show it; `payload` is the truth and `isn`
    /// the sender's initial sequence number.
    init(segments: [TestDecoder.Segment], sender: Endpoint, payload: [UInt8], isn: UInt32) {
        let mine = segments.filter { $0.source == sender }
        let syn = mine.first { $0.flags & 0x02 != 0 }
        startsWithHandshake = syn != nil
        guard let base = syn.map({ $0.sequenceNumber &+ 1 }) ?? mine.first?.sequenceNumber else {
            baseSequenceNumber = isn &+ 1
            return
        }
        baseSequenceNumber = base
        var byte: [Int: UInt8] = [:]
        var end = 0
        for segment in mine where segment.flags & 0x02 == 0 {
            let relative = Int(Int32(bitPattern: segment.sequenceNumber &- base))
            let truth = Int(segment.sequenceNumber &- (isn &+ 1))
            // Data, FIN and RST prove how far the stream went; a pure ACK (like the one after a FIN,
            // whose sequence number is one past the FIN) does not.
            if !segment.payload.isEmpty || segment.wirePayloadLength > 0 || segment.flags & 0x05 != 0 {
                end = max(end, relative + segment.wirePayloadLength)
            }
            for (index, value) in segment.payload.enumerated() {
                capturedBytes += 1
                if truth + index >= payload.count || payload[truth + index] != value { wrongBytes += 1 }
                if relative + index >= 0 { byte[relative + index] = value }
            }
        }
        var offset = 0
        while offset < end {
            let isGap = byte[offset] == nil
            var runEnd = offset
            while runEnd < end, (byte[runEnd] == nil) == isGap {
                if !isGap { delivered.append(byte[runEnd]!) }
                runEnd += 1
            }
            pieces.append(ExpectedStream.Piece(offset: offset, length: runEnd - offset, isGap: isGap))
            if isGap { gapBytes += runEnd - offset }
            offset = runEnd
        }
    }

    /// Whether this reconstruction is exactly what `expected` promises.
    func matches(_ expected: ExpectedStream) -> Bool { mismatch(with: expected) == nil }

    /// A short description of the first difference from `expected`, or `nil` when there is none.
    func mismatch(with expected: ExpectedStream) -> String? {
        if baseSequenceNumber != expected.baseSequenceNumber {
            return "base \(baseSequenceNumber) != \(expected.baseSequenceNumber)"
        }
        if startsWithHandshake != expected.startsWithHandshake { return "startsWithHandshake differs" }
        if pieces != expected.pieces {
            let index = firstDifference(pieces, expected.pieces)
            return "pieces differ at \(index): oracle \(pieces.dropFirst(index).prefix(2)) expected "
                + "\(expected.pieces.dropFirst(index).prefix(2)) (counts \(pieces.count) / \(expected.pieces.count))"
        }
        if gapBytes != expected.gapBytes { return "gap bytes \(gapBytes) != \(expected.gapBytes)" }
        if delivered != expected.deliveredBytes {
            let index = firstDifference(delivered, expected.deliveredBytes)
            return "delivered bytes differ at \(index) (counts \(delivered.count) / \(expected.deliveredBytes.count))"
        }
        return nil
    }
}

extension RenderedConversation {
    /// Decodes this conversation's packets with the test decoder.
    var decodedSegments: [TestDecoder.Segment] { TestDecoder.segments(of: packets, encapsulation: encapsulation) }

    /// The oracle's reconstruction of `direction`.
    func oracle(_ direction: FlowDirection, clientISN: UInt32, serverISN: UInt32) -> StreamOracle {
        StreamOracle(
            segments: decodedSegments, sender: direction == .clientToServer ? client : server,
            payload: payload(direction), isn: direction == .clientToServer ? clientISN : serverISN
        )
    }
}
