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
        let (method, target) = headers.storage.withUnsafeBufferPointer { bytes in
            (text(bytes, line.method, usually: "BITS_POST"), text(bytes, line.target, usually: usualTarget))
        }
        return HTTPRequestHead(method: method, target: target, version: line.version, headers: headers, headBytes: headBytes)
    }

    /// The response head whose status line the accumulator read as `line`, whose fields are
    /// `headers` (their storage holds the head as sent, `headBytes` long, which `line` indexes).
    static func response(_ headers: consuming HTTPHeaders, line: StartLineParser.StatusLineParts, headBytes: Int)
        -> HTTPResponseHead {
        let reason = headers.storage.withUnsafeBufferPointer { text($0, line.reason, usually: "OK") }
        return HTTPResponseHead(version: line.version, status: line.status, reason: reason, headers: headers,
                                headBytes: headBytes)
    }

    /// `range` of `bytes` (a part of the start line) as text, `usual` itself when spelled so; a
    /// range outside `bytes` traps, as a slice of the storage would.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, usually usual: String) -> String {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "a start line part outside its head")
        return ASCII.string(UnsafeBufferPointer(rebasing: bytes[range]), usually: usual)
    }
}
