/// Turns a complete head, as collected by ``HeadAccumulator``, into a request or response head.
enum HeadParser {
    /// What was odd about the header fields, for anomalies.
    struct FieldDiagnostics: Equatable {
        /// Lines ignored because they are not `name: value` (or continue an ignored line).
        var malformedLines = 0
        /// Whether a value was continued on a following line.
        var usedLineFolding = false
    }

    /// Parses a complete request head; `nil` when its start line is not a request line.
    static func parseRequest(_ head: [UInt8]) -> (HTTPRequestHead, FieldDiagnostics)? {
        let (startLine, fieldBytes) = splitStartLine(head[...])
        guard let line = StartLineParser.parseRequestLine(startLine) else { return nil }
        let (headers, diagnostics) = parseFields(fieldBytes)
        let requestHead = HTTPRequestHead(
            method: line.method, target: line.target, version: line.version, headers: headers, headBytes: head.count
        )
        return (requestHead, diagnostics)
    }

    /// Parses a complete response head; `nil` when its start line is not a status line.
    static func parseResponse(_ head: [UInt8]) -> (HTTPResponseHead, FieldDiagnostics)? {
        let (startLine, fieldBytes) = splitStartLine(head[...])
        guard let line = StartLineParser.parseStatusLine(startLine) else { return nil }
        let (headers, diagnostics) = parseFields(fieldBytes)
        let responseHead = HTTPResponseHead(
            version: line.version, status: line.status, reason: line.reason, headers: headers, headBytes: head.count
        )
        return (responseHead, diagnostics)
    }

    /// The start line's content and the bytes after its line end.
    private static func splitStartLine(_ head: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        guard let lineFeed = head.firstIndex(of: ASCII.lineFeed) else {
            return (HeadAccumulator.content(of: head), head[head.endIndex...])
        }
        return (HeadAccumulator.content(of: head[...lineFeed]), head[(lineFeed + 1)...])
    }

    /// Parses field lines up to the empty line (or the end of the bytes).
    static func parseFields(_ bytes: ArraySlice<UInt8>) -> (HTTPHeaders, FieldDiagnostics) {
        var headers = HTTPHeaders()
        var diagnostics = FieldDiagnostics()
        var lastLineWasField = false
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: ASCII.lineFeed) ?? (bytes.endIndex - 1)
            let line = HeadAccumulator.content(of: bytes[lineStart...lineEnd])
            lineStart = lineEnd + 1
            guard let first = line.first else { break }
            if ASCII.isWhitespace(first) {
                // Obsolete line folding (RFC 9112 §5.2): join to the previous value with one space.
                guard lastLineWasField else {
                    diagnostics.malformedLines += 1
                    continue
                }
                diagnostics.usedLineFolding = true
                headers.continueLastValue(with: ASCII.string(ASCII.trimmingWhitespace(line)))
                continue
            }
            guard let colon = line.firstIndex(of: ASCII.colon), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(ASCII.isTokenCharacter)
            else {
                diagnostics.malformedLines += 1
                lastLineWasField = false
                continue
            }
            let name = ASCII.string(line[line.startIndex..<colon])
            let value = ASCII.string(ASCII.trimmingWhitespace(line[(colon + 1)...]))
            headers.append(name: name, value: value)
            lastLineWasField = true
        }
        return (headers, diagnostics)
    }
}
