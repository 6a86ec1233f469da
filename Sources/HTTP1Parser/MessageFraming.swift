import AnalyzerCore

/// Decides how a message body is delimited (RFC 9112 §6.3), from the head and, for a response,
/// the request it answers.
enum MessageFraming {
    /// The framing, or `nil` when it cannot be known (the message must be abandoned), plus
    /// anything odd found on the way.
    struct Decision {
        /// The framing; `nil` when unknown.
        var framing: HTTPBodyFraming?
        /// Oddities to report, in order.
        var anomalies: [HTTPAnomaly] = []
    }

    /// A request: chunked when the last transfer coding is chunked, else `Content-Length`, else no body.
    static func request(_ head: HTTPRequestHead) -> Decision {
        decide(head.headers, withoutLength: .none, unsupportedCodingIsFatal: true)
    }

    /// A response: no body for 1xx (except 101), 204, 304 and answers to `HEAD`; everything after a
    /// 101 belongs to the switched-to protocol (treated as a body running until close); otherwise
    /// chunked, else `Content-Length`, else until close.
    static func response(_ head: HTTPResponseHead, answersHEAD: Bool) -> Decision {
        if head.status == 101 { return Decision(framing: .untilClose) }
        if head.isInterim || head.status == 204 || head.status == 304 || answersHEAD {
            return Decision(framing: HTTPBodyFraming.none)
        }
        return decide(head.headers, withoutLength: .untilClose, unsupportedCodingIsFatal: false)
    }

    private static func decide(
        _ headers: HTTPHeaders, withoutLength: HTTPBodyFraming, unsupportedCodingIsFatal: Bool
    ) -> Decision {
        // Most messages have no `Transfer-Encoding`: settled by its slot here, without the call
        // and the empty list of codings.
        if headers.contains(.transferEncoding), let last = transferCodings(headers).last {
            if last == "chunked" {
                let anomalies: [HTTPAnomaly] = headers.contains(.contentLength) ? [.contentLengthWithChunked] : []
                return Decision(framing: .chunked, anomalies: anomalies)
            }
            let value = headers.values(for: .transferEncoding).joined(separator: ", ")
            let anomaly = HTTPAnomaly.unsupportedTransferEncoding(ASCII.evidence(value.utf8))
            // A request's length is then unknowable (RFC 9112 §6.3 rule 4); a response runs to close.
            return Decision(framing: unsupportedCodingIsFatal ? nil : .untilClose, anomalies: [anomaly])
        }
        switch contentLength(headers) {
        case .absent:
            return Decision(framing: withoutLength)
        case .length(let length):
            return Decision(framing: .contentLength(length))
        case .invalid(let value):
            return Decision(framing: nil, anomalies: [.invalidContentLength(ASCII.evidence(value.utf8))])
        case .conflicting(let values):
            let evidence = values.prefix(8).map { ASCII.evidence($0.utf8) }
            return Decision(framing: nil, anomalies: [.conflictingContentLength(Array(evidence))])
        }
    }

    /// The transfer codings named in every `Transfer-Encoding` field, lower-cased, parameters dropped.
    static func transferCodings(_ headers: HTTPHeaders) -> [String] {
        // Most messages have none: settled by their slot, without building an empty list twice.
        guard headers.contains(.transferEncoding) else { return [] }
        var codings: [String] = []
        for value in headers.values(for: .transferEncoding) {
            for element in value.utf8.split(separator: ASCII.comma, omittingEmptySubsequences: false) {
                let name = element.split(separator: ASCII.semicolon, maxSplits: 1, omittingEmptySubsequences: false)
                    .first ?? element
                let trimmed = ASCII.trimmingWhitespace(ArraySlice(name))
                if !trimmed.isEmpty { codings.append(ASCII.string(trimmed.map(ASCII.lowercased))) }
            }
        }
        return codings
    }

    /// What the `Content-Length` fields say.
    enum ContentLength: Equatable {
        /// No `Content-Length` field.
        case absent
        /// One agreed length.
        case length(UInt64)
        /// A value that is not 1*DIGIT below 2^64 (the whole field value).
        case invalid(String)
        /// Valid numbers that differ (the field values).
        case conflicting([String])
    }

    /// Reads every `Content-Length` field. A field may hold a list of identical values (`5, 5`),
    /// which counts as one (RFC 9110 §8.6); differing values conflict.
    static func contentLength(_ headers: HTTPHeaders) -> ContentLength {
        // The common case first, without the lists below: one field holding plain digits.
        guard headers.contains(.contentLength) else { return .absent }
        // The value lent in place: a slice of it would retain and release the head's bytes.
        if !headers.isRepeated(.contentLength), let length = headers.withValueBytes(.contentLength, { $0.flatMap(DecimalText.parse) }) {
            return .length(length)
        }
        let values = headers.values(for: .contentLength)
        guard !values.isEmpty else { return .absent }
        var agreed: UInt64?
        var conflict = false
        for value in values {
            for element in value.utf8.split(separator: ASCII.comma, omittingEmptySubsequences: false) {
                guard let number = parseDecimal(ASCII.trimmingWhitespace(ArraySlice(element))) else {
                    return .invalid(value)
                }
                if let agreed, agreed != number { conflict = true }
                agreed = agreed ?? number
            }
        }
        if conflict { return .conflicting(values) }
        return agreed.map { .length($0) } ?? .invalid(values[0])
    }

    /// `1*DIGIT` as a `UInt64`; `nil` when empty, not all digits, or too large.
    static func parseDecimal(_ digits: ArraySlice<UInt8>) -> UInt64? { DecimalText.parse(digits) }
}
