import Foundation

/// A minimal, strict HTTP/1.1 message splitter for checking generated streams: start line, header
/// lines up to an empty line, then exactly Content-Length body bytes (0 when absent).
enum HTTPTestParser {
    struct Message {
        var startLine: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        /// Offset of the message's first byte in the stream.
        var offset: Int

        func value(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var status: Int? {
            let parts = startLine.split(separator: " ")
            return parts.count >= 2 && parts[0] == "HTTP/1.1" ? Int(parts[1]) : nil
        }

        var method: String? {
            startLine.hasPrefix("HTTP/") ? nil : startLine.split(separator: " ").first.map(String.init)
        }
    }

    /// The messages of `stream`, or a description of where it stops parsing.
    static func messages(_ stream: [UInt8]) -> Result<[Message], ParseFailure> {
        var messages: [Message] = []
        var offset = 0
        while offset < stream.count {
            guard let headEnd = find([13, 10, 13, 10], in: stream, from: offset) else {
                return .failure(ParseFailure(reason: "no end of header at \(offset)"))
            }
            let head = String(decoding: stream[offset..<headEnd], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            guard let startLine = lines.first, startLine.hasSuffix("HTTP/1.1") || startLine.hasPrefix("HTTP/1.1 ")
            else { return .failure(ParseFailure(reason: "bad start line at \(offset)")) }
            var headers: [(name: String, value: String)] = []
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else {
                    return .failure(ParseFailure(reason: "bad header line \(line)"))
                }
                let value = line[line.index(after: colon)...].drop { $0 == " " }
                headers.append((String(line[..<colon]), String(value)))
            }
            let lengthText = headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0"
            guard let length = Int(lengthText), length >= 0, headEnd + 4 + length <= stream.count else {
                return .failure(ParseFailure(reason: "body of \(startLine) does not fit its Content-Length"))
            }
            let body = Array(stream[(headEnd + 4)..<(headEnd + 4 + length)])
            messages.append(Message(startLine: startLine, headers: headers, body: body, offset: offset))
            offset = headEnd + 4 + length
        }
        return .success(messages)
    }

    struct ParseFailure: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
