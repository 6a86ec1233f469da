/// Parses complete request and status lines (line end removed), reading the bytes in place: every
/// head has one, and Collection algorithms on a slice cost several times a plain loop.
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
        line.withUnsafeBufferPointer { requestLine($0, requireMajorVersion1: requireMajorVersion1) }
            .map { RequestLineParts(method: $0.method.shifted(by: line.startIndex), target: $0.target.shifted(by: line.startIndex),
                                    version: $0.version) }
    }

    /// ``requestLine(_:requireMajorVersion1:)`` of a line in a buffer (parts index it). `methodEnd`,
    /// when given, says that the caller has checked the line: its first `methodEnd` bytes (at least
    /// one) are token characters and a space follows them, and no byte is a control byte
    /// (``ASCII/isControl(_:)``); those scans are then not made again.
    static func requestLine(_ bytes: UnsafeBufferPointer<UInt8>, methodEnd: Int? = nil,
                            requireMajorVersion1: Bool = false) -> RequestLineParts? {
        let count = bytes.count
        // The version is the last eight bytes, which hold no space, so the space before them
        // is the line's last one.
        guard count >= 9, bytes[count - 9] == ASCII.space,
              let version = version(bytes, at: count - 8), !requireMajorVersion1 || version.major == 1
        else { return nil }
        let lastSpace = count - 9
        // The method runs to the first space, all token characters (none of which is a space).
        var firstSpace = 0
        if let methodEnd, methodEnd > 0, methodEnd < count, bytes[methodEnd] == ASCII.space {
            // Checked by the caller up to its first space, which may lie past the last one.
            firstSpace = min(methodEnd, lastSpace)
        } else {
            while firstSpace < lastSpace, ASCII.isTokenCharacter(bytes[firstSpace]) { firstSpace += 1 }
        }
        guard firstSpace > 0, bytes[firstSpace] == ASCII.space, lastSpace > firstSpace + 1 else { return nil }
        if methodEnd == nil {
            guard ASCII.firstControl(UnsafeRawBufferPointer(bytes), from: firstSpace + 1, to: lastSpace) == lastSpace else {
                return nil
            }
        }
        return RequestLineParts(method: 0..<firstSpace, target: (firstSpace + 1)..<lastSpace, version: version)
    }

    /// Reads `HTTP/D.D SP 3DIGIT [SP reason]`; `nil` when the line is not one.
    static func statusLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool = false) -> StatusLineParts? {
        line.withUnsafeBufferPointer { statusLine($0, requireMajorVersion1: requireMajorVersion1) }
            .map { StatusLineParts(version: $0.version, status: $0.status, reason: $0.reason.shifted(by: line.startIndex)) }
    }

    /// ``statusLine(_:requireMajorVersion1:)`` of a line in a buffer (parts index it).
    /// `withoutControlBytes`: the caller has checked that no byte is a control byte
    /// (``ASCII/isControl(_:)``), which is then not checked again. `prefixChecked`: the caller has
    /// also checked that the line begins with `HTTP/D.D SP DDD SP` (the sniffer's prefix,
    /// ``StartLineSniffer/statusLineAccepts(_:at:)``), whose digits are then read as they are.
    static func statusLine(_ bytes: UnsafeBufferPointer<UInt8>, withoutControlBytes: Bool = false,
                           prefixChecked: Bool = false, requireMajorVersion1: Bool = false) -> StatusLineParts? {
        let count = bytes.count
        if prefixChecked, withoutControlBytes, count >= StartLineSniffer.statusLinePrefixLength,
           StartLineSniffer.statusLinePrefixLength == 13 {
            // Digits at 5, 7 and 9 to 11 (checked), the space at 12 before the reason.
            let major = Int(bytes[5] &- 0x30)
            guard !requireMajorVersion1 || major == 1 else { return nil }
            let status = Int(bytes[9] &- 0x30) * 100 + Int(bytes[10] &- 0x30) * 10 + Int(bytes[11] &- 0x30)
            return StatusLineParts(version: HTTPVersion(major: major, minor: Int(bytes[7] &- 0x30)), status: status,
                                   reason: ASCII.trimmedRange(bytes, 12..<count))
        }
        guard count >= 12, let version = version(bytes, at: 0), !requireMajorVersion1 || version.major == 1,
              bytes[8] == ASCII.space,
              let hundreds = ASCII.decimalValue(bytes[9]), let tens = ASCII.decimalValue(bytes[10]),
              let units = ASCII.decimalValue(bytes[11])
        else { return nil }
        guard withoutControlBytes || ASCII.firstControl(UnsafeRawBufferPointer(bytes), from: 12, to: count) == count else {
            return nil
        }
        if count > 12, bytes[12] != ASCII.space { return nil }
        return StatusLineParts(version: version, status: Int(hundreds) * 100 + Int(tens) * 10 + Int(units),
                               reason: ASCII.trimmedRange(bytes, 12..<count))
    }

    /// Reads exactly `HTTP/D.D` at `bytes[start..<start + 8]` (which the callers have checked lie
    /// inside `bytes`); `nil` otherwise.
    @inline(__always)
    private static func version(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> HTTPVersion? {
        guard start >= 0, start + 8 <= bytes.count,
              bytes[start] == 0x48, bytes[start + 1] == 0x54, bytes[start + 2] == 0x54, bytes[start + 3] == 0x50,
              bytes[start + 4] == 0x2F,  // "HTTP/"
              let major = ASCII.decimalValue(bytes[start + 5]),
              bytes[start + 6] == ASCII.dot,
              let minor = ASCII.decimalValue(bytes[start + 7])
        else { return nil }
        return HTTPVersion(major: Int(major), minor: Int(minor))
    }
}

private extension Range<Int> {
    /// The range `offset` further on.
    func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}
