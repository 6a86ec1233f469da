/// Why a message could not be read.
enum HTTPReadError: Error, CustomStringConvertible {
    /// The bytes are not HTTP/1.1 as this reader accepts it.
    case malformed(String)
    /// The head or body exceeds the reader's bound.
    case tooLarge(String)
    /// The peer closed the connection in the middle of a message.
    case truncated

    /// A one-line explanation.
    var description: String {
        switch self {
        case .malformed(let why): return "malformed HTTP message: \(why)"
        case .tooLarge(let why): return "HTTP message too large: \(why)"
        case .truncated: return "connection closed in the middle of a message"
        }
    }
}

/// Reads successive HTTP/1.1 messages from a connected socket (keep-alive). Header names are matched
/// case-insensitively; bodies are delimited by Content-Length only (chunked coding is refused).
final class HTTPMessageReader {
    /// Largest accepted start line plus headers.
    static let maxHeadBytes = 64 * 1024
    /// Largest accepted body.
    static let maxBodyBytes = 64 * 1024 * 1024

    private let socket: TCPSocket
    private var buffer: [UInt8] = []
    /// Where the unread bytes in `buffer` start.
    private var readIndex = 0
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// A reader of `socket`, which the caller keeps open.
    init(socket: TCPSocket) { self.socket = socket }

    /// The next message, or nil when the peer closed the connection between messages. Throws
    /// `HTTPReadError` for bad input and `SocketError` for timeouts and socket failures.
    func next() throws -> HTTPMessage? {
        var scanFrom = readIndex
        var headEnd: (headLength: Int, bodyStart: Int)?
        while true {
            headEnd = findHeadEnd(scanningFrom: &scanFrom)
            if headEnd != nil { break }
            guard buffer.count - readIndex <= Self.maxHeadBytes else {
                throw HTTPReadError.tooLarge("head over \(Self.maxHeadBytes) bytes")
            }
            guard try fill() else {
                if buffer.count == readIndex { return nil }
                throw HTTPReadError.truncated
            }
        }
        guard let (headLength, bodyStart) = headEnd else { throw HTTPReadError.truncated }
        guard headLength <= Self.maxHeadBytes else { throw HTTPReadError.tooLarge("head of \(headLength) bytes") }
        var message = try parseHead(buffer[readIndex..<(readIndex + headLength)])
        let bodyLength = try contentLength(of: message)
        while buffer.count - bodyStart < bodyLength {
            guard try fill() else { throw HTTPReadError.truncated }
        }
        message.body = Array(buffer[bodyStart..<(bodyStart + bodyLength)])
        readIndex = bodyStart + bodyLength
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        return message
    }

    /// Appends what the socket has; false at end of stream.
    private func fill() throws -> Bool {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        let count = try socket.receive(into: &chunk)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Finds the blank line ending the head (CRLF CRLF, or bare LF LF from lenient peers). Returns the
    /// head's length (excluding the blank line) and where the body starts, or nil if not yet received.
    /// Leading empty lines before a start line are skipped (RFC 9112 §2.2).
    private func findHeadEnd(scanningFrom scan: inout Int) -> (Int, Int)? {
        while readIndex < buffer.count, buffer[readIndex] == 0x0D || buffer[readIndex] == 0x0A {
            readIndex += 1
        }
        scan = max(scan, readIndex)
        while scan < buffer.count {
            guard buffer[scan] == 0x0A else {
                scan += 1
                continue
            }
            var next = scan + 1
            if next < buffer.count, buffer[next] == 0x0D { next += 1 }
            // Stay on this line end until the byte after it has arrived.
            guard next < buffer.count else { return nil }
            if buffer[next] == 0x0A { return (scan - readIndex, next + 1) }
            scan += 1
        }
        return nil
    }

    private func parseHead(_ bytes: ArraySlice<UInt8>) throws -> HTTPMessage {
        // Split bytes, not a String: Swift reads CR LF as one Character.
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            Substring(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        guard !lines.isEmpty else { throw HTTPReadError.malformed("empty head") }
        let start = lines.removeFirst()
        let parts = start.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.contains("\t") }) else {
            throw HTTPReadError.malformed("start line \"\(start.prefix(80))\"")
        }
        let third = parts.count == 3 ? String(parts[2]) : ""
        guard parts[0].hasPrefix("HTTP/1.") || third.hasPrefix("HTTP/1.") else {
            throw HTTPReadError.malformed("not HTTP/1.x: \"\(start.prefix(80))\"")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let first = line.first, first != " ", first != "\t" else {
                throw HTTPReadError.malformed("empty or folded header line")
            }
            guard let colon = line.firstIndex(of: ":") else { throw HTTPReadError.malformed("header without colon") }
            let name = line[..<colon]
            guard !name.contains(" "), !name.contains("\t") else { throw HTTPReadError.malformed("space in header name") }
            let value = line[line.index(after: colon)...].trimmingSpacesAndTabs()
            headers.append((String(name), value))
        }
        return HTTPMessage(startLine: (String(parts[0]), String(parts[1]), third), headers: headers, body: [])
    }

    /// The body length: Content-Length (several equal copies allowed), 0 when absent. Throws for
    /// Transfer-Encoding, a non-decimal or conflicting value, or one beyond `maxBodyBytes`.
    private func contentLength(of message: HTTPMessage) throws -> Int {
        if message.header("Transfer-Encoding") != nil {
            throw HTTPReadError.malformed("Transfer-Encoding is not supported")
        }
        let values = Set(message.headers.filter { $0.name.lowercased() == "content-length" }.map(\.value))
        guard let value = values.first else { return 0 }
        guard values.count == 1 else { throw HTTPReadError.malformed("conflicting Content-Length headers") }
        guard !value.isEmpty, value.count <= 19, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let length = Int(value) else {
            throw HTTPReadError.malformed("Content-Length \"\(value.prefix(40))\"")
        }
        guard length <= Self.maxBodyBytes else { throw HTTPReadError.tooLarge("body of \(length) bytes") }
        return length
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs (HTTP optional whitespace).
    func trimmingSpacesAndTabs() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
