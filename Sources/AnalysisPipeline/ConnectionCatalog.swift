import AnalyzerCore
import TCPReassembly

/// Keeps the summary of every connection, in the order connections opened, and passes consumer
/// creation on to another factory (so that listing streams combines with following one).
public final class ConnectionCatalog: StreamConsumerFactory {
    private let next: (any StreamConsumerFactory)?
    private var closed: [ConnectionSummary] = []

    /// Creates a catalog.
    /// - Parameter next: the factory whose consumers receive the streams, if any.
    public init(forwardingTo next: (any StreamConsumerFactory)? = nil) {
        self.next = next
    }

    /// Summaries of the connections closed so far, ordered by connection number.
    public var summaries: [ConnectionSummary] { closed.sorted { $0.info.id < $1.info.id } }

    /// Asks the next factory, if any, for a consumer.
    public func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        next?.makeConsumer(for: connection)
    }

    /// Records the summary and passes it on.
    public func connectionClosed(summary: ConnectionSummary) {
        closed.append(summary)
        next?.connectionClosed(summary: summary)
    }
}
