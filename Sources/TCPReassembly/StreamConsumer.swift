import AnalyzerCore

/// Receives the reassembled byte streams of one connection.
///
/// Lifecycle: the reassembler asks its ``StreamConsumerFactory`` for a consumer when a connection
/// first appears; then calls ``streamData(_:direction:offset:time:)`` and
/// ``streamGap(length:direction:offset:time:)`` zero or more times per direction, each direction's
/// calls in stream order and all calls in capture order; then ``streamEnded(direction:time:)`` at
/// most once per direction; then ``connectionClosed(_:)`` exactly once, after which the consumer is
/// released.
///
/// Buffer ownership: the bytes passed to `streamData` are borrowed (from libpcap's buffer or from
/// the reassembler's out-of-order store) and valid only during the call. Copy what must be kept.
public protocol StreamConsumer: AnyObject {
    /// The next bytes of one direction, starting at stream offset `offset` (bytes since the first
    /// byte of that direction seen in the capture, gaps included).
    func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp)

    /// `length` bytes of one direction, starting at `offset`, that will never be seen: lost from
    /// the capture or cut off by the snapshot length. The stream continues after them.
    func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp)

    /// One direction is finished: a FIN was reached, a RST was seen, or the connection is being removed.
    func streamEnded(direction: FlowDirection, time: CaptureTimestamp)

    /// The capture lacks every packet of `direction`: the other direction acknowledged bytes the
    /// peer sent while no packet of the peer was ever seen (a tap or SPAN port mirroring one way).
    /// Called at most once, before the bytes of the packet that proved it.
    func directionNotCaptured(_ direction: FlowDirection, time: CaptureTimestamp)

    /// The connection is leaving the table for `reason`: the ``streamEnded(direction:time:)`` calls
    /// that follow, for directions no FIN or RST ended, mark the removal, not the peer's close.
    /// ``connectionClosed(_:)`` comes right after them.
    func connectionRemoving(reason: ConnectionEnd)

    /// The connection left the table; final counters and how it ended.
    func connectionClosed(_ summary: ConnectionSummary)
}

extension StreamConsumer {
    /// By default a one-sided connection is consumed like any other.
    public func directionNotCaptured(_ direction: FlowDirection, time: CaptureTimestamp) {}
    /// By default a removal is told by ``connectionClosed(_:)`` alone.
    public func connectionRemoving(reason: ConnectionEnd) {}
}

/// Makes one consumer per connection.
public protocol StreamConsumerFactory: AnyObject {
    /// Returns the consumer for a new connection, or `nil` to follow it without delivering bytes
    /// (its counters are still kept and reported through ``connectionClosed(summary:)``).
    func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)?

    /// Called for every connection when it leaves the table, whether or not it had a consumer.
    func connectionClosed(summary: ConnectionSummary)
}
