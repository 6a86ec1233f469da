import AnalyzerCore

/// Bytes of one direction that arrived ahead of a hole, copied and held until the hole fills.
struct HeldSegment {
    /// Stream offset of the first byte.
    var offset: Int64
    /// The captured bytes (a prefix of the segment's range).
    var bytes: [UInt8]
    /// Length on the wire; bytes past `bytes.count` were sent but not captured (snapshot length).
    var length: Int

    /// Offset just past the segment.
    var end: Int64 { offset + Int64(length) }
}

/// Sequence-space state of one direction of a connection.
///
/// Offsets are 64-bit and relative to the first byte seen in this direction, so the stream never
/// wraps even when the 32-bit sequence numbers do (practice 11 of the model-codebases note). A wire
/// sequence number maps to an offset through its signed 32-bit distance from `nextSequence`, which
/// is exact for any segment within 2 GiB of the point the stream has reached.
struct HalfStream {
    /// Whether the sequence base is known (from a SYN, or from the first packet seen).
    var synchronized = false
    /// The initial sequence number, when the SYN was seen.
    var initialSequence: UInt32?
    /// Wire sequence number of `nextOffset`.
    var nextSequence: UInt32 = 0
    /// Offset of the next byte to deliver; everything before it was delivered or skipped as a gap.
    var nextOffset: Int64 = 0
    /// Offset at which the FIN sits, once seen.
    var finOffset: Int64?
    /// Offset a RST points at, once seen: the sender had sent everything before it.
    var resetOffset: Int64?
    /// The highest stream offset the receiver acknowledged (exclusive), once an ACK covered data.
    var acknowledgedOffset: Int64 = 0
    /// Whether `streamEnded` was delivered for this direction.
    var ended = false
    /// Out-of-order segments, sorted by offset, never overlapping each other, all past `nextOffset`.
    var held: [HeldSegment] = []
    /// Captured bytes in `held`.
    var heldBytes = 0
    /// Counters reported in the connection summary.
    var statistics = DirectionStatistics()

    /// Starts the stream so that `sequence` is offset 0.
    mutating func synchronize(at sequence: UInt32) {
        synchronized = true
        nextSequence = sequence
        nextOffset = 0
    }

    /// The stream offset of a wire sequence number.
    func offset(of sequence: UInt32) -> Int64 {
        // `&-` on UInt32 is the intended modular distance; Int32(bitPattern:) makes it signed.
        nextOffset + Int64(Int32(bitPattern: sequence &- nextSequence))
    }

    /// Moves the delivery point forward by `count` bytes.
    mutating func advance(by count: Int) {
        nextOffset += Int64(count)
        // Sequence numbers are modular by definition: wrapping is the intended behaviour.
        nextSequence = nextSequence &+ UInt32(truncatingIfNeeded: count)
    }

    /// Index of the first held segment that ends after `offset` (binary search).
    func firstHeldIndex(endingAfter offset: Int64) -> Int {
        var low = 0
        var high = held.count
        while low < high {
            let middle = (low + high) / 2
            if held[middle].end <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Counts bytes that differ between two copies of the same stream range, where both were captured.
///
/// - Parameters:
///   - first: captured bytes of the first copy, starting at stream offset `firstOffset`.
///   - second: captured bytes of the second copy, starting at `secondOffset`.
///   - range: the overlapping stream range to compare.
func conflictingByteCount(
    _ first: UnsafeRawBufferPointer,
    at firstOffset: Int64,
    _ second: UnsafeRawBufferPointer,
    at secondOffset: Int64,
    in range: Range<Int64>
) -> Int {
    let low = max(range.lowerBound, firstOffset, secondOffset)
    let high = min(range.upperBound, firstOffset + Int64(first.count), secondOffset + Int64(second.count))
    guard low < high else { return 0 }
    // Both ranges were checked above: every index below lies inside its buffer.
    let firstStart = Int(low - firstOffset)
    let secondStart = Int(low - secondOffset)
    var differing = 0
    for index in 0..<Int(high - low) where first[firstStart + index] != second[secondStart + index] {
        differing += 1
    }
    return differing
}
