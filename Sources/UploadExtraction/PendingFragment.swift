import AnalyzerCore

/// A fragment between its head and the server's verdict: where its body bytes went.
///
/// Its bytes go either straight into its session's file (``Destination/session(_:)``: only at
/// offsets the session has not stored yet, zeroed again unless the verdict keeps them) or, when its
/// session is not known yet or already has such a fragment, into a spool file of its own, copied
/// into the session's file at the verdict.
final class PendingFragment {
    /// Where the bytes are written while the verdict is pending.
    enum Destination: Equatable {
        /// Into the file of the tracker's session at this index, at their upload offsets.
        case session(Int)
        /// Into spool file number `serial`, one after the other.
        case spool(Int)
    }

    /// A run of captured body bytes: upload offsets `[fileOffset, fileOffset + length)`, at
    /// `spoolOffset` in the spool (for a spooled fragment).
    struct Piece: Equatable {
        var fileOffset: UInt64
        var length: UInt64
        var spoolOffset: UInt64

        /// The upload offsets it covers (`fileOffset + length` ≤ the fragment's usable end).
        var fileRange: Range<UInt64> { fileOffset..<(fileOffset + length) }
    }

    /// The upload offsets the body may fill: the range, cut at the file size limit.
    let usable: Range<UInt64>
    /// Where its bytes go.
    let destination: Destination
    /// When the request began (for findings).
    let time: CaptureTimestamp
    /// The body's captured runs, in order (upload offsets only grow: a body arrives in order).
    private(set) var pieces: [Piece] = []
    /// Bytes spooled so far (the next spool offset).
    private(set) var spooled: UInt64 = 0
    /// The write buffer, while it has one.
    var buffer: UnsafeMutableRawBufferPointer?
    /// Bytes in the buffer.
    var buffered = 0
    /// Destination offset of the buffer's first byte.
    var bufferOffset: UInt64 = 0
    /// Whether it still may take a write buffer (not after its body ended).
    var receiving = true

    /// Creates the record of a fragment whose bytes may fill `usable`.
    init(usable: Range<UInt64>, destination: Destination, time: CaptureTimestamp) {
        self.usable = usable
        self.destination = destination
        self.time = time
    }

    /// The upload offsets of body bytes at `bodyOffset` with `count` bytes that fall in ``usable``,
    /// or `nil` when none do.
    func fileRange(bodyOffset: UInt64, count: Int) -> Range<UInt64>? {
        let room = UInt64(usable.count)
        guard bodyOffset < room, count > 0 else { return nil }
        let length = min(UInt64(count), room - bodyOffset)
        let start = usable.lowerBound + bodyOffset  // bodyOffset < room: below usable.upperBound
        return start..<(start + length)
    }

    /// Records a run at upload offsets `range` and returns its destination offset (the upload offset,
    /// or the spool offset), or `nil` when a new piece would pass `limit` pieces.
    func record(_ range: Range<UInt64>, limit: Int) -> UInt64? {
        let spoolOffset = spooled
        if let last = pieces.last, last.fileOffset + last.length == range.lowerBound,
           isDirect || last.spoolOffset + last.length == spoolOffset {
            pieces[pieces.count - 1].length += UInt64(range.count)
        } else {
            guard pieces.count < limit else { return nil }
            pieces.append(Piece(fileOffset: range.lowerBound, length: UInt64(range.count), spoolOffset: spoolOffset))
        }
        guard !isDirect else { return range.lowerBound }
        spooled += UInt64(range.count)
        return spoolOffset
    }

    /// Whether it writes straight into a session's file.
    var isDirect: Bool {
        if case .session = destination { return true }
        return false
    }

    /// Calls `body` with each part of `range` that the capture showed, and where it is in the
    /// destination (its upload offset, or its spool offset).
    func forEachCaptured(in range: Range<UInt64>, _ body: (Range<UInt64>, UInt64) throws -> Void) rethrows {
        for piece in pieces {
            let low = max(piece.fileOffset, range.lowerBound)
            let high = min(piece.fileRange.upperBound, range.upperBound)
            guard low < high else { continue }
            let source = isDirect ? low : piece.spoolOffset + (low - piece.fileOffset)
            try body(low..<high, source)
        }
    }
}
