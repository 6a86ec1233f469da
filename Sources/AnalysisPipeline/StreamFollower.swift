import AnalyzerCore
import TCPReassembly

/// One thing that happened on a followed connection, in capture order.
public enum FollowEvent {
    /// The connection appeared.
    case opened(ConnectionInfo)
    /// Bytes of one direction; borrowed, valid only during the handler call.
    case data(FlowDirection, UnsafeRawBufferPointer, offset: UInt64, time: CaptureTimestamp)
    /// Bytes of one direction missing from the capture.
    case gap(FlowDirection, length: UInt64, offset: UInt64, time: CaptureTimestamp)
    /// One direction ended.
    case ended(FlowDirection, time: CaptureTimestamp)
    /// The connection closed.
    case closed(ConnectionSummary)
}

/// Follows one connection (by number) and hands its events to a handler as they happen, so that
/// even a long connection is never held in memory.
public final class StreamFollower: StreamConsumerFactory, StreamConsumer {
    /// The connection number followed.
    public let connectionID: Int
    private let handler: (FollowEvent) -> Void
    /// Whether the connection was seen.
    public private(set) var found = false

    /// Creates a follower of connection `connectionID` that calls `handler` for each event.
    public init(connectionID: Int, handler: @escaping (FollowEvent) -> Void) {
        self.connectionID = connectionID
        self.handler = handler
    }

    /// Returns itself for the followed connection, `nil` for any other.
    public func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        guard connection.id == connectionID else { return nil }
        found = true
        handler(.opened(connection))
        return self
    }

    /// Nothing to do for other connections' summaries.
    public func connectionClosed(summary: ConnectionSummary) {}

    /// Passes bytes on.
    public func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        handler(.data(direction, bytes, offset: offset, time: time))
    }

    /// Passes a gap on.
    public func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        handler(.gap(direction, length: length, offset: offset, time: time))
    }

    /// Passes a direction's end on.
    public func streamEnded(direction: FlowDirection, time: CaptureTimestamp) {
        handler(.ended(direction, time: time))
    }

    /// Passes the summary on.
    public func connectionClosed(_ summary: ConnectionSummary) {
        handler(.closed(summary))
    }
}
