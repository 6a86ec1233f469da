/// One HTTP/1.1 request or response as read from (or written to) a socket.
struct HTTPMessage {
    /// The three parts of the start line: method, target, version for a request; version, status,
    /// reason for a response (the reason may contain spaces and may be empty).
    var startLine: (String, String, String)
    /// Header fields in the order received, names as sent.
    var headers: [(name: String, value: String)]
    /// The body (Content-Length bytes).
    var body: [UInt8]

    /// The value of the first header named `name` (compared case-insensitively), or nil if absent.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The response status code, or nil if the start line is not a response's.
    var statusCode: Int? {
        guard startLine.0.hasPrefix("HTTP/"), startLine.1.count == 3 else { return nil }
        return Int(startLine.1)
    }

    /// The message in wire form: start line, headers, blank line, body.
    var wireBytes: [UInt8] {
        var head = "\(startLine.0) \(startLine.1) \(startLine.2)\r\n"
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}
