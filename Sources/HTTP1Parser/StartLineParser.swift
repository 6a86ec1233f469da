/// Parses complete request and status lines (line end removed).
enum StartLineParser {
    /// Where the parts of a request line are (indices of the bytes the line was a slice of).
    struct RequestLineParts {
        /// The method token.
        var method: Range<Int>
        /// The request target.
        var target: Range<Int>
        /// The version.
        var version: HTTPVersion
    }

    /// A status line's numbers, and where its reason phrase is.
    struct StatusLineParts {
        /// The version.
        var version: HTTPVersion
        /// The three-digit code.
        var status: Int
        /// The reason phrase, trimmed; may be empty.
        var reason: Range<Int>
    }

    /// Reads `METHOD SP target SP HTTP/D.D`; `nil` when the line is not one. Any token is a
    /// method; the target is everything between the first and the last space (lenient about
    /// extra spaces) and must not be empty. `requireMajorVersion1` narrows the version to 1.x,
    /// used while resynchronising to avoid matching random text. No `String` is made: the head
    /// parser makes the method's and target's once the head is complete.
    static func requestLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool = false) -> RequestLineParts? {
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
        return RequestLineParts(method: method, target: target, version: version)
    }

    /// Reads `HTTP/D.D SP 3DIGIT [SP reason]`; `nil` when the line is not one.
    static func statusLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool = false) -> StatusLineParts? {
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
        return StatusLineParts(version: version, status: status, reason: reason.startIndex..<reason.endIndex)
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
