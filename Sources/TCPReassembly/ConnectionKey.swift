import AnalyzerCore

/// Identifies a TCP connection regardless of direction: both directions of a connection map to the
/// same key, because the endpoints are stored in a canonical order.
public struct ConnectionKey: Hashable, Sendable {
    /// The smaller endpoint (by ``Endpoint``'s ordering).
    public let lower: Endpoint
    /// The larger endpoint.
    public let upper: Endpoint

    /// Makes the key of the connection between `a` and `b`, in either order.
    public init(_ a: Endpoint, _ b: Endpoint) {
        if a < b {
            lower = a
            upper = b
        } else {
            lower = b
            upper = a
        }
    }
}
