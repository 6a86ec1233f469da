import AnalyzerCore
import TCPReassembly

/// Everything a consumer heard, per direction, in order.
public final class RecordingConsumer: StreamConsumer {
    /// One call the consumer received.
    public enum Event: Equatable {
        case data(FlowDirection, offset: UInt64, [UInt8])
        case gap(FlowDirection, offset: UInt64, length: UInt64)
        case ended(FlowDirection)
    }
    /// Calls in the order received.
    public var events: [Event] = []
    /// The summary, once closed.
    public var summary: ConnectionSummary?
    /// The connection.
    public let info: ConnectionInfo

    /// Creates a consumer for a connection.
    public init(info: ConnectionInfo) { self.info = info }

    /// Records the bytes.
    public func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        events.append(.data(direction, offset: offset, Array(bytes)))
    }
    /// Records the gap.
    public func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        events.append(.gap(direction, offset: offset, length: length))
    }
    /// Records the end.
    public func streamEnded(direction: FlowDirection, time: CaptureTimestamp) { events.append(.ended(direction)) }
    /// Keeps the summary.
    public func connectionClosed(_ summary: ConnectionSummary) { self.summary = summary }

    /// Bytes delivered one way, with `fill` standing in for every gap byte.
    public func stream(_ direction: FlowDirection, gapFill fill: UInt8? = nil) -> [UInt8] {
        var out: [UInt8] = []
        for event in events {
            switch event {
            case .data(direction, let offset, let bytes):
                precondition(offset == UInt64(out.count) || fill == nil, "offsets must be contiguous")
                out += bytes
            case .gap(direction, _, let length):
                if let fill { out += [UInt8](repeating: fill, count: Int(length)) }
            default: break
            }
        }
        return out
    }

    /// Gaps of one direction as (offset, length).
    public func gaps(_ direction: FlowDirection) -> [(UInt64, UInt64)] {
        events.compactMap {
            if case .gap(direction, let offset, let length) = $0 { return (offset, length) }
            return nil
        }
    }

    /// Checks that each direction's data and gaps tile the stream with no hole or overlap.
    public func offsetsAreContiguous() -> Bool {
        for direction in FlowDirection.allCases {
            var expected: UInt64 = 0
            for event in events {
                switch event {
                case .data(direction, let offset, let bytes):
                    if offset != expected { return false }
                    expected += UInt64(bytes.count)
                case .gap(direction, let offset, let length):
                    if offset != expected { return false }
                    expected += length
                default: break
                }
            }
        }
        return true
    }
}

/// Creates a recording consumer per connection and keeps summaries.
public final class RecordingFactory: StreamConsumerFactory {
    /// Every consumer made, in order.
    public var consumers: [RecordingConsumer] = []
    /// Every summary, in order of closing.
    public var summaries: [ConnectionSummary] = []
    /// Creates an empty factory.
    public init() {}
    /// Makes a recording consumer.
    public func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        let consumer = RecordingConsumer(info: connection)
        consumers.append(consumer)
        return consumer
    }
    /// Keeps the summary.
    public func connectionClosed(summary: ConnectionSummary) { summaries.append(summary) }
}
