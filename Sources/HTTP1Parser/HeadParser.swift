/// Turns a complete head, as collected by ``HeadAccumulator`` (which has read its start line and
/// its field lines as they arrived), into a request or response head.
enum HeadParser {
    /// What was odd about the header fields, for anomalies.
    struct FieldDiagnostics: Equatable {
        /// Lines ignored because they are not `name: value` (or continue an ignored line).
        var malformedLines = 0
        /// Whether a value was continued on a following line.
        var usedLineFolding = false
    }

    /// The request head of `head`, whose start line the accumulator read as `line` and whose field
    /// lines it read into `fields`.
    static func parseRequest(_ head: [UInt8], line: StartLineParser.RequestLineParts, fields: consuming HeadFields)
        -> (HTTPRequestHead, FieldDiagnostics) {
        let diagnostics = fields.diagnostics
        let requestHead = HTTPRequestHead(
            method: ASCII.string(head[line.method], usually: "BITS_POST"), target: ASCII.string(head[line.target]),
            version: line.version,
            headers: fields.headers(of: head), headBytes: head.count
        )
        return (requestHead, diagnostics)
    }

    /// The response head of `head`, whose status line the accumulator read as `line` and whose
    /// field lines it read into `fields`.
    static func parseResponse(_ head: [UInt8], line: StartLineParser.StatusLineParts, fields: consuming HeadFields)
        -> (HTTPResponseHead, FieldDiagnostics) {
        let diagnostics = fields.diagnostics
        let responseHead = HTTPResponseHead(
            version: line.version, status: line.status, reason: ASCII.string(head[line.reason], usually: "OK"),
            headers: fields.headers(of: head), headBytes: head.count
        )
        return (responseHead, diagnostics)
    }
}
