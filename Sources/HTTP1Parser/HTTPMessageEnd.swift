/// How the length of a message body was determined.
public enum HTTPBodyFraming: Hashable, Sendable {
    /// No body: a request without `Content-Length` or `Transfer-Encoding`, a 1xx/204/304 response,
    /// a response to `HEAD`, or a message whose framing could not be determined.
    case none
    /// A body of exactly this many bytes (`Content-Length`).
    case contentLength(UInt64)
    /// A body in chunked transfer coding.
    case chunked
    /// A response body that runs until the server closes its direction.
    case untilClose
}

/// How one message ended.
public struct HTTPMessageEnd: Hashable, Sendable {
    /// How its body was framed.
    public var framing: HTTPBodyFraming
    /// Body bytes actually carried (after removing chunked framing), missing bytes not included.
    public var bodyBytes: UInt64
    /// Body bytes missing from the capture: gaps skipped inside a known-length body or chunk, or
    /// inside an until-close body.
    public var bodyGapBytes: UInt64
    /// Whether the framing reached its end (for an until-close body: the direction ended). `false`
    /// when the message was cut by the end of the stream, a loss of synchronisation or a limit.
    /// A complete message may still have missing bytes; ``bodyGapBytes`` says how many.
    public var complete: Bool

    /// Creates a message end.
    public init(framing: HTTPBodyFraming, bodyBytes: UInt64, bodyGapBytes: UInt64, complete: Bool) {
        self.framing = framing
        self.bodyBytes = bodyBytes
        self.bodyGapBytes = bodyGapBytes
        self.complete = complete
    }
}
