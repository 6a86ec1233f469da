/// Parses complete request and status lines (line end removed).
enum StartLineParser {
    /// The parts of a request line.
    struct RequestLine {
        /// The method token as sent.
        var method: String
        /// The request target as sent.
        var target: String
        /// The version.
        var version: HTTPVersion
    }

    /// The parts of a status line.
    struct StatusLine {
        /// The version.
        var version: HTTPVersion
        /// The three-digit code.
        var status: Int
        /// The reason phrase, trimmed; may be empty.
        var reason: String
    }

    /// Parses `METHOD SP target SP HTTP/D.D`; `nil` when the line is not one. Any token is a
    /// method; the target is everything between the first and the last space (lenient about
    /// extra spaces) and must not be empty. `requireMajorVersion1` narrows the version to 1.x,
    /// used while resynchronising to avoid matching random text.
    static func parseRequestLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool = false) -> RequestLine? {
        guard let parts = requestLineParts(line, requireMajorVersion1: requireMajorVersion1) else { return nil }
        return RequestLine(method: ASCII.string(line[parts.method]), target: ASCII.string(line[parts.target]),
                           version: parts.version)
    }

    /// Whether `line` is a request line, as ``parseRequestLine(_:requireMajorVersion1:)`` reads it,
    /// without making its strings (the head accumulator checks every start line it collects).
    static func isRequestLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool = false) -> Bool {
        requestLineParts(line, requireMajorVersion1: requireMajorVersion1) != nil
    }

    /// Where a request line's method and target are, and its version; `nil` when it is not one.
    private static func requestLineParts(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool)
        -> (method: Range<Int>, target: Range<Int>, version: HTTPVersion)? {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
              let lastSpace = line.lastIndex(of: ASCII.space),
              firstSpace > line.startIndex,
              lastSpace > firstSpace + 1
        else { return nil }
        let method = line.startIndex..<firstSpace
        let target = (firstSpace + 1)..<lastSpace
        guard line[method].allSatisfy(ASCII.isTokenCharacter),
              !line[target].contains(where: ASCII.isControl),
              let version = parseVersion(line[(lastSpace + 1)...]),
              !requireMajorVersion1 || version.major == 1
        else { return nil }
        return (method, target, version)
    }

    /// Parses `HTTP/D.D SP 3DIGIT [SP reason]`; `nil` when the line is not one.
    static func parseStatusLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool = false) -> StatusLine? {
        guard let parts = statusLineParts(line, requireMajorVersion1: requireMajorVersion1) else { return nil }
        return StatusLine(version: parts.version, status: parts.status, reason: ASCII.string(line[parts.reason]))
    }

    /// Whether `line` is a status line, as ``parseStatusLine(_:requireMajorVersion1:)`` reads it,
    /// without making the reason's string.
    static func isStatusLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool = false) -> Bool {
        statusLineParts(line, requireMajorVersion1: requireMajorVersion1) != nil
    }

    /// A status line's version and code, and where its trimmed reason is; `nil` when it is not one.
    private static func statusLineParts(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool)
        -> (version: HTTPVersion, status: Int, reason: Range<Int>)? {
        let start = line.startIndex
        guard line.count >= 12,
              let version = parseVersion(line[start..<(start + 8)]),
              !requireMajorVersion1 || version.major == 1,
              line[start + 8] == ASCII.space
        else { return nil }
        var status = 0
        for byte in line[(start + 9)..<(start + 12)] {
            guard let digit = ASCII.decimalValue(byte) else { return nil }
            status = status * 10 + Int(digit)  // three digits: at most 999
        }
        let rest = line[(start + 12)...]
        guard !rest.contains(where: ASCII.isControl) else { return nil }
        if let first = rest.first, first != ASCII.space { return nil }
        let reason = ASCII.trimmingWhitespace(rest)
        return (version, status, reason.startIndex..<reason.endIndex)
    }

    /// Parses exactly `HTTP/D.D`; `nil` otherwise.
    static func parseVersion(_ bytes: ArraySlice<UInt8>) -> HTTPVersion? {
        guard bytes.count == 8, bytes.starts(with: ASCII.httpSlash) else { return nil }
        let start = bytes.startIndex
        guard let major = ASCII.decimalValue(bytes[start + 5]),
              bytes[start + 6] == ASCII.dot,
              let minor = ASCII.decimalValue(bytes[start + 7])
        else { return nil }
        return HTTPVersion(major: Int(major), minor: Int(minor))
    }
}
