import AnalyzerCore

/// Why a direction lost track of message boundaries because of missing bytes.
public enum HTTPDesyncReason: Hashable, Sendable, CustomStringConvertible {
    /// A gap fell inside a start line or header block that had begun.
    case gapInHead
    /// A gap fell where the next start line was due.
    case gapBetweenMessages
    /// A gap ran past the end of a `Content-Length` body into whatever followed it.
    case gapPastBodyEnd
    /// A gap fell in chunked framing (a chunk-size line, the line end after chunk data, the
    /// trailer) or ran past the end of a chunk.
    case gapInChunkedFraming
    /// Bytes of unknown number were lost inside a body read until the connection closes (only a
    /// loss of unknown size, such as plaintext of TLS records that could not be decrypted, can
    /// cut such a body: a counted gap just leaves a hole in it).
    case lossInUntilCloseBody

    /// Kebab-case name, e.g. `gap-in-head`.
    public var description: String {
        switch self {
        case .gapInHead: return "gap-in-head"
        case .gapBetweenMessages: return "gap-between-messages"
        case .gapPastBodyEnd: return "gap-past-body-end"
        case .gapInChunkedFraming: return "gap-in-chunked-framing"
        case .lossInUntilCloseBody: return "loss-in-until-close-body"
        }
    }
}

/// How many bytes of a direction are missing: a number, when the capture says (a TCP sequence gap),
/// or unknown (plaintext of TLS records lost to a capture gap or failing authentication, whose
/// length the ciphertext does not tell exactly).
public enum HTTPGapSize: Hashable, Sendable, CustomStringConvertible {
    /// This many bytes.
    case bytes(UInt64)
    /// An unknown number of bytes, at least one.
    case unknown

    /// The number, or `unknown`.
    public var description: String {
        switch self {
        case .bytes(let count): return String(count)
        case .unknown: return "unknown"
        }
    }
}

/// Something unusual in the HTTP/1.1 byte stream of one direction.
///
/// Each case has a stable ``code`` (kebab-case; limits use the project's `limit-` prefix), a
/// ``severity`` and a one-line ``message`` with the numbers involved.
public enum HTTPAnomaly: Hashable, Sendable {
    /// A line where a request or status line was due is not one. The direction resynchronises.
    case malformedStartLine
    /// Header lines that are not `name: value` (or a continuation with nothing to continue) were
    /// ignored; the count is per message.
    case malformedHeader(count: Int)
    /// A header value was continued on a line starting with a space or tab (obsolete line folding);
    /// reported once per message, the lines were joined with one space.
    case obsoleteLineFolding
    /// A start line and header block (or a chunked trailer) grew past the limit. The message was
    /// abandoned and the direction resynchronises.
    case headerBlockTooLarge(limit: Int)
    /// A message (or a chunked trailer) had more header fields than the limit. The message was
    /// abandoned and the direction resynchronises.
    case tooManyHeaders(limit: Int)
    /// A `Content-Length` value that is not a decimal number that fits 64 bits. Framing is
    /// unknown: the message ends incomplete and the direction resynchronises.
    case invalidContentLength(String)
    /// Several `Content-Length` values disagree. Framing is unknown: the message ends incomplete
    /// and the direction resynchronises.
    case conflictingContentLength([String])
    /// Both `Transfer-Encoding: chunked` and `Content-Length`; chunked was used.
    case contentLengthWithChunked
    /// A `Transfer-Encoding` whose last coding is not `chunked`. A request's framing is then
    /// unknown (it ends incomplete, the direction resynchronises); a response runs until close.
    case unsupportedTransferEncoding(String)
    /// A chunk-size line that cannot be read (the reason says why). The message ends incomplete
    /// and the direction resynchronises.
    case badChunkSize(String)
    /// Chunk data not followed by a line end. The message ends incomplete and the direction
    /// resynchronises.
    case badChunkDelimiter
    /// A gap made the message boundaries unknown; `gapLength` counts the gap bytes not accounted
    /// to a body (or is unknown, for lost TLS plaintext). The direction resynchronises.
    case desynchronized(HTTPDesyncReason, gapLength: HTTPGapSize)
    /// A start line was found again after a loss of sync; `skippedBytes` counts the bytes received
    /// since the loss (or since a gap restarted an abandoned search) that belong to no reported
    /// message, an abandoned head included.
    case resynchronized(skippedBytes: UInt64)
    /// No start line was found within the resync scan limit; the direction ignores its bytes until
    /// the next gap.
    case resyncAbandoned(scannedBytes: UInt64)
    /// A response arrived while no request was waiting for one.
    case responseWithoutRequest
    /// A response was paired with a request that was lost or could not be parsed.
    case responseToLostRequest
    /// More requests were waiting than the limit; the oldest was given up as unanswered.
    case pendingRequestsLimit(limit: Int)
    /// The direction ended inside a message; `missingBodyBytes` is known for a `Content-Length`
    /// body (`nil` otherwise).
    case incompleteMessageAtEnd(missingBodyBytes: UInt64?)
    /// Bytes arrived after the direction had ended; they were ignored (reported once per direction).
    case dataAfterEnd

    /// The stable code, e.g. `http-resync`.
    public var code: String {
        switch self {
        case .malformedStartLine: return "http-malformed-start-line"
        case .malformedHeader: return "http-malformed-header"
        case .obsoleteLineFolding: return "http-obsolete-line-folding"
        case .headerBlockTooLarge: return "limit-http-header-block"
        case .tooManyHeaders: return "limit-http-header-count"
        case .invalidContentLength: return "http-invalid-content-length"
        case .conflictingContentLength: return "http-conflicting-content-length"
        case .contentLengthWithChunked: return "http-content-length-with-chunked"
        case .unsupportedTransferEncoding: return "http-unsupported-transfer-encoding"
        case .badChunkSize: return "http-bad-chunk-size"
        case .badChunkDelimiter: return "http-bad-chunk-delimiter"
        case .desynchronized: return "http-desync"
        case .resynchronized: return "http-resync"
        case .resyncAbandoned: return "limit-http-resync-scan"
        case .responseWithoutRequest: return "http-response-without-request"
        case .responseToLostRequest: return "http-response-to-lost-request"
        case .pendingRequestsLimit: return "limit-http-pending-requests"
        case .incompleteMessageAtEnd: return "http-incomplete-at-end"
        case .dataAfterEnd: return "http-data-after-end"
        }
    }

    /// How much it matters: limits and recoveries are notices, protocol violations warnings.
    public var severity: Severity {
        switch self {
        case .headerBlockTooLarge, .tooManyHeaders, .resyncAbandoned, .pendingRequestsLimit,
             .resynchronized, .responseToLostRequest, .obsoleteLineFolding, .contentLengthWithChunked,
             .incompleteMessageAtEnd, .dataAfterEnd, .desynchronized:
            // A desynchronisation always follows a gap: damage to the capture, not to the protocol.
            return .notice
        case .malformedStartLine, .malformedHeader, .invalidContentLength, .conflictingContentLength,
             .unsupportedTransferEncoding, .badChunkSize, .badChunkDelimiter,
             .responseWithoutRequest:
            return .warning
        }
    }

    /// One line with the evidence.
    public var message: String {
        switch self {
        case .malformedStartLine:
            return "a line where a request or status line was due is not one; resynchronising"
        case .malformedHeader(let count):
            return "\(count) header line(s) not of the form 'name: value' ignored"
        case .obsoleteLineFolding:
            return "header value continued on a following line (obsolete line folding); lines joined"
        case .headerBlockTooLarge(let limit):
            return "header block longer than \(limit) bytes (limit maxHeaderBlockBytes); message abandoned, "
                + "resynchronising"
        case .tooManyHeaders(let limit):
            return "more than \(limit) header fields (limit maxHeaderCount); message abandoned, resynchronising"
        case .invalidContentLength(let value):
            return "Content-Length '\(value)' is not a decimal number below 2^64; framing unknown"
        case .conflictingContentLength(let values):
            return "Content-Length values disagree (\(values.joined(separator: " / "))); framing unknown"
        case .contentLengthWithChunked:
            return "both Transfer-Encoding: chunked and Content-Length; chunked used"
        case .unsupportedTransferEncoding(let value):
            return "Transfer-Encoding '\(value)' does not end in chunked"
        case .badChunkSize(let reason):
            return "bad chunk-size line (\(reason)); message cut, resynchronising"
        case .badChunkDelimiter:
            return "chunk data not followed by a line end; message cut, resynchronising"
        case .desynchronized(let reason, let gapLength):
            let place: String
            switch reason {
            case .gapInHead: place = "inside a message head"
            case .gapBetweenMessages: place = "where a message was due"
            case .gapPastBodyEnd: place = "past the end of a body"
            case .gapInChunkedFraming: place = "in chunked framing"
            case .lossInUntilCloseBody: place = "inside a body read until close"
            }
            let count = gapLength == .unknown ? "an unknown number of" : "\(gapLength)"
            return "\(count) missing byte(s) \(place); message boundaries lost, resynchronising"
        case .resynchronized(let skipped):
            return "found a start line again after skipping \(skipped) byte(s)"
        case .resyncAbandoned(let scanned):
            return "no start line within \(scanned) scanned byte(s) (limit maxResyncScanBytes); ignoring this "
                + "direction until the next gap"
        case .responseWithoutRequest:
            return "response while no request was waiting"
        case .responseToLostRequest:
            return "response paired with a request that was lost or unparseable"
        case .pendingRequestsLimit(let limit):
            return "more than \(limit) requests waiting for a response (limit maxPendingRequests); the oldest given up"
        case .incompleteMessageAtEnd(let missing):
            if let missing { return "stream ended inside a message, \(missing) body byte(s) short" }
            return "stream ended inside a message"
        case .dataAfterEnd:
            return "bytes after the direction ended ignored"
        }
    }
}
