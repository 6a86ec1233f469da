/// One header line of a ``SyntheticHTTPMessage``, spelled exactly as it goes on the wire.
public struct SyntheticHeaderField: Hashable, Sendable {
    /// The field name, in the case it is sent.
    public var name: String
    /// The field value, without surrounding white space.
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP/1.1 request or response the generator sends, kept as parts so that any of them can be
/// overridden before it becomes bytes.
///
/// Nothing is checked: a scenario may build a deliberately broken message (a wrong Content-Length,
/// a header with no value). ``bytes`` writes exactly what the parts say.
public struct SyntheticHTTPMessage: Hashable, Sendable {
    /// The request line (`BITS_POST /upload/a.bin HTTP/1.1`) or status line (`HTTP/1.1 200 OK`),
    /// without its CRLF.
    public var startLine: String
    /// The header fields in the order they are sent.
    public var headers: [SyntheticHeaderField]
    /// The body (empty for none).
    public var body: [UInt8]

    /// Creates a message from its parts.
    public init(startLine: String, headers: [SyntheticHeaderField] = [], body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    /// The message as sent: start line, header lines, an empty line (all ending in CRLF), the body.
    public var bytes: [UInt8] {
        var text = startLine + "\r\n"
        for field in headers { text += field.name + ": " + field.value + "\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    /// The value of the first header named `name` (compared case-insensitively), or `nil` when
    /// there is none.
    public func value(of name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value
    }

    /// Sets header `name` to `value`: the first field of that name (any case) takes the new name
    /// and value in place and any further ones go; with none, the field is appended.
    public mutating func setHeader(_ name: String, _ value: String) {
        guard let index = headers.firstIndex(where: { Self.sameName($0.name, name) }) else {
            headers.append(SyntheticHeaderField(name, value))
            return
        }
        headers[index] = SyntheticHeaderField(name, value)
        var position = headers.index(after: index)
        while position < headers.endIndex {
            if Self.sameName(headers[position].name, name) { headers.remove(at: position) } else { position += 1 }
        }
    }

    /// Removes every header named `name` (compared case-insensitively).
    public mutating func removeHeader(_ name: String) {
        headers.removeAll { Self.sameName($0.name, name) }
    }

    /// Inserts a header before the first field named `successor`, or at the end when there is none.
    public mutating func insertHeader(_ name: String, _ value: String, before successor: String) {
        let index = headers.firstIndex { Self.sameName($0.name, successor) } ?? headers.endIndex
        headers.insert(SyntheticHeaderField(name, value), at: index)
    }

    /// Replaces the body and sets `Content-Length` to its length.
    public mutating func setBody(_ body: [UInt8]) {
        self.body = body
        setHeader("Content-Length", String(body.count))
    }

    /// The status code of a response's status line, or `nil` for a request or an unreadable line.
    public var statusCode: Int? {
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    /// Replaces a response's status line with `HTTP/1.1 <status> <reason>`; the reason defaults to
    /// the standard phrase for `status`.
    public mutating func setStatus(_ status: Int, reason: String? = nil) {
        startLine = "HTTP/1.1 \(status) \(reason ?? Self.reasonPhrase(for: status))"
    }

    /// The reason phrase IIS sends with `status` (`Unknown` for a status it does not name).
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 206: return "Partial Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Request Entity Too Large"
        case 416: return "Requested Range Not Satisfiable"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        default: return "Unknown"
        }
    }

    /// ASCII case-insensitive equality of header names.
    private static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.lowercased() == rhs.lowercased()
    }
}
