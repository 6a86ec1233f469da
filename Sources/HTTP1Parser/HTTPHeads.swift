/// The start line and header block of a request.
public struct HTTPRequestHead: Hashable, Sendable {
    /// The method token exactly as sent (`BITS_POST`, `GET`, or any other token, any case).
    public var method: String
    /// The request target exactly as sent.
    public var target: String
    /// The version from the request line.
    public var version: HTTPVersion
    /// The header fields.
    public var headers: HTTPHeaders
    /// Bytes of the start line, the header fields and the empty line that ends them (blank lines
    /// before the start line not included).
    public var headBytes: Int

    /// Creates a request head.
    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders, headBytes: Int) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.headBytes = headBytes
    }
}

/// The status line and header block of a response.
public struct HTTPResponseHead: Hashable, Sendable {
    /// The version from the status line.
    public var version: HTTPVersion
    /// The three-digit status code.
    public var status: Int
    /// The reason phrase, empty when none was sent.
    public var reason: String
    /// The header fields.
    public var headers: HTTPHeaders
    /// Bytes of the status line, the header fields and the empty line that ends them.
    public var headBytes: Int

    /// Creates a response head.
    public init(version: HTTPVersion, status: Int, reason: String, headers: HTTPHeaders, headBytes: Int) {
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.headBytes = headBytes
    }

    /// Whether this is an interim (1xx) response that leaves its request waiting for the final one.
    /// `101 Switching Protocols` is not interim: it is the last HTTP response on the connection.
    public var isInterim: Bool { (100...199).contains(status) && status != 101 }
}
