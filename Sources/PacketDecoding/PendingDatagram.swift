import AnalyzerCore

/// A datagram being reassembled: copies of the distinct bytes received so far, in order.
///
/// Overlaps keep the first copy (bytes already held are never replaced), so a datagram is complete
/// exactly when the held bytes add up to the length the last fragment announced.
final class PendingDatagram {
    /// A run of held payload bytes.
    struct Piece {
        /// Offset in the datagram's payload.
        var offset: Int
        /// The bytes.
        var bytes: [UInt8]
        /// Offset just past the bytes.
        var end: Int { offset + bytes.count }
    }

    /// Creation order among all datagrams, to find the oldest.
    let sequence: UInt64
    /// Capture time of the first fragment, for the timeout.
    let firstSeen: CaptureTimestamp
    /// Held pieces, sorted by offset, never overlapping.
    private(set) var pieces: [Piece] = []
    /// Sum of the pieces' lengths.
    private(set) var payloadBytesHeld = 0
    /// Offset just past the furthest held byte.
    private(set) var highestEnd = 0
    /// The header from the fragment at offset 0, once it has arrived.
    var header: [UInt8]?
    /// IPv6: the Next Header from the fragment at offset 0.
    var nextHeader: UInt8 = 0
    /// The payload length, once the last fragment has arrived.
    var payloadLength: Int?
    /// Fragments received, duplicates included.
    var fragmentCount = 0

    /// Creates an empty datagram.
    init(sequence: UInt64, firstSeen: CaptureTimestamp) {
        self.sequence = sequence
        self.firstSeen = firstSeen
    }

    /// Bytes this datagram holds: payload pieces plus the saved header.
    var bytesHeld: Int { payloadBytesHeld + (header?.count ?? 0) }

    /// Whether every byte from 0 to the announced length, and the header, are held.
    var isComplete: Bool {
        guard let payloadLength, header != nil else { return false }
        // Pieces never overlap and never pass `payloadLength` (the reassembler rejects fragments that
        // would), so equal sums mean no gaps.
        return payloadBytesHeld == payloadLength
    }

    /// Copies the bytes of `data` (placed at `offset`) that are not held yet.
    /// - Returns: how many bytes were added, and whether a byte already held differed from the new copy.
    func insert(offset start: Int, data: UnsafeRawBufferPointer) -> (added: Int, conflict: Bool) {
        let end = start + data.count
        guard start < end else { return (0, false) }
        var cursor = start
        var conflict = false
        var newPieces: [Piece] = []
        for piece in pieces {
            if piece.end <= cursor { continue }
            if piece.offset >= end { break }
            if piece.offset > cursor {
                newPieces.append(Piece(offset: cursor, bytes: Array(data[(cursor - start)..<(piece.offset - start)])))
                cursor = piece.offset
            }
            let overlapEnd = min(piece.end, end)
            let held = piece.bytes[(cursor - piece.offset)..<(overlapEnd - piece.offset)]
            if !held.elementsEqual(data[(cursor - start)..<(overlapEnd - start)]) { conflict = true }
            cursor = overlapEnd
            if cursor >= end { break }
        }
        if cursor < end {
            newPieces.append(Piece(offset: cursor, bytes: Array(data[(cursor - start)..<(end - start)])))
        }
        let added = newPieces.reduce(0) { $0 + $1.bytes.count }
        if !newPieces.isEmpty {
            pieces.append(contentsOf: newPieces)
            pieces.sort { $0.offset < $1.offset }
        }
        payloadBytesHeld += added
        highestEnd = max(highestEnd, end)
        return (added, conflict)
    }
}
