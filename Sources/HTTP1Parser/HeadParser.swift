/// Turns a complete head, as collected by ``HeadAccumulator`` (which has read its start line), into a
/// request or response head.
enum HeadParser {
    /// What was odd about the header fields, for anomalies.
    struct FieldDiagnostics: Equatable {
        /// Lines ignored because they are not `name: value` (or continue an ignored line).
        var malformedLines = 0
        /// Whether a value was continued on a following line.
        var usedLineFolding = false
    }

    /// The request head of `head`, whose start line the accumulator read as `line` and whose
    /// field lines begin at `fieldsStart`.
    static func parseRequest(_ head: [UInt8], line: StartLineParser.RequestLineParts, fieldsStart: Int)
        -> (HTTPRequestHead, FieldDiagnostics) {
        let (headers, diagnostics) = parseFields(head, from: fieldsStart)
        let requestHead = HTTPRequestHead(
            method: ASCII.string(head[line.method]), target: ASCII.string(head[line.target]), version: line.version,
            headers: headers, headBytes: head.count
        )
        return (requestHead, diagnostics)
    }

    /// The response head of `head`, whose status line the accumulator read as `line` and whose
    /// field lines begin at `fieldsStart`.
    static func parseResponse(_ head: [UInt8], line: StartLineParser.StatusLineParts, fieldsStart: Int)
        -> (HTTPResponseHead, FieldDiagnostics) {
        let (headers, diagnostics) = parseFields(head, from: fieldsStart)
        let responseHead = HTTPResponseHead(
            version: line.version, status: line.status, reason: ASCII.string(head[line.reason]), headers: headers,
            headBytes: head.count
        )
        return (responseHead, diagnostics)
    }

    /// Parses field lines from `start` up to the empty line (or the end of the bytes). The headers
    /// keep `head` and point into it: no `String` is made here.
    static func parseFields(_ head: [UInt8], from start: Int) -> (HTTPHeaders, FieldDiagnostics) {
        var spans: [HTTPHeaders.Span] = []
        // One allocation for a typical head (BITS messages carry 5 to 12 fields), not one per doubling.
        spans.reserveCapacity(16)
        var diagnostics = FieldDiagnostics()
        var foldedLines: [(field: Int, text: Range<Int>)] = []
        var lastLineWasField = false
        head.withUnsafeBufferPointer { bytes in
            var lineStart = start
            while lineStart < bytes.count {
                let lineEnd = HeadAccumulator.firstLineFeed(in: UnsafeRawBufferPointer(bytes), from: lineStart) ?? bytes.count
                let next = lineEnd + 1
                // The line's content: without its line feed and the carriage return before it.
                var contentEnd = min(lineEnd, bytes.count)
                if contentEnd > lineStart, bytes[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
                defer { lineStart = next }
                guard contentEnd > lineStart else { break }
                if ASCII.isWhitespace(bytes[lineStart]) {
                    // Obsolete line folding (RFC 9112 §5.2): join to the previous value with one space.
                    guard lastLineWasField else {
                        diagnostics.malformedLines += 1
                        continue
                    }
                    diagnostics.usedLineFolding = true
                    foldedLines.append((spans.count - 1, ASCII.trimmedRange(bytes, lineStart..<contentEnd)))
                    continue
                }
                // The name runs to the line's first colon and must be all token characters: both
                // checked in one pass.
                guard let colon = ASCII.fieldNameEnd(bytes, from: lineStart, to: contentEnd) else {
                    diagnostics.malformedLines += 1
                    lastLineWasField = false
                    continue
                }
                let value = ASCII.trimmedRange(bytes, (colon + 1)..<contentEnd)
                spans.append(HTTPHeaders.Span(nameStart: lineStart, nameEnd: colon,
                                              valueStart: value.lowerBound, valueEnd: value.upperBound))
                lastLineWasField = true
            }
        }
        var headers = HTTPHeaders(storage: head, spans: spans)
        for folded in foldedLines {
            headers.continueValue(ofField: folded.field, with: head[folded.text])
        }
        return (headers, diagnostics)
    }
}
