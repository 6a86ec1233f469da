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

    /// The request head whose start line the accumulator read as `line`, whose fields are `headers`
    /// (their storage holds the head as sent, `headBytes` long, which `line` indexes). A target
    /// spelled as `usualTarget` (the last request's on the connection: a BITS upload repeats its
    /// URL in every request) is that string itself, not a new one.
    static func request(_ headers: consuming HTTPHeaders, line: StartLineParser.RequestLineParts, headBytes: Int,
                        usualTarget: String = "") -> HTTPRequestHead {
        let storage = headers.storage
        return HTTPRequestHead(
            method: ASCII.string(storage[line.method], usually: "BITS_POST"),
            target: ASCII.string(storage[line.target], usually: usualTarget),
            version: line.version, headers: headers, headBytes: headBytes
        )
    }

    /// The response head whose status line the accumulator read as `line`, whose fields are
    /// `headers` (their storage holds the head as sent, `headBytes` long, which `line` indexes).
    static func response(_ headers: consuming HTTPHeaders, line: StartLineParser.StatusLineParts, headBytes: Int)
        -> HTTPResponseHead {
        let storage = headers.storage
        return HTTPResponseHead(
            version: line.version, status: line.status, reason: ASCII.string(storage[line.reason], usually: "OK"),
            headers: headers, headBytes: headBytes
        )
    }
}
