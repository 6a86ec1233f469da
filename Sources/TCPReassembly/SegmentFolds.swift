import AnalyzerCore

/// A segment's endpoints folded (``ConnectionKey/fold(_:)``) and its slot in the reassembler's
/// recent-connection cache: the first thing the reassembler works out for every segment, made a
/// value so that a threaded run works it out on the reading thread, which has room, and hands it
/// over with the segment, off the analysing thread, which bounds the run.
public struct SegmentFolds: Equatable, Sendable {
    /// The source endpoint folded.
    let source: UInt64
    /// The destination endpoint folded.
    let destination: UInt64
    /// The segment's slot in the recent-connection cache (``ConnectionKey/cacheSlot(folded:_:)``).
    let slot: Int

    /// The folds and cache slot of the segment at `segment`.
    @inlinable @inline(__always)
    public init(of segment: UnsafePointer<TCPSegment>) {
        self.init(segment.pointee.source, segment.pointee.destination)
    }

    /// The folds and cache slot of a segment from `source` to `destination`.
    @usableFromInline
    init(_ source: Endpoint, _ destination: Endpoint) {
        self.source = ConnectionKey.fold(source)
        self.destination = ConnectionKey.fold(destination)
        slot = ConnectionKey.cacheSlot(folded: self.source, self.destination)
    }
}
