import AnalyzerCore
import HTTP1Parser

/// The rules an answer (an Ack, an error, a challenge) is checked by (`docs/findings.md`).
enum AckRules {
    /// What every answer shows, whatever its request: a challenge, a response that is no Ack, the
    /// error headers. Fills in `record`'s status, error code and context and received offset.
    /// `wasGap` says the request was a fragment-gap (its 416 is expected); `sessionOpen` whether
    /// the request's session is known and neither closed nor cancelled.
    static func answer(
        _ head: HTTPResponseHead, record: inout BITSRequestRecord, wasGap: Bool, sessionOpen: Bool
    ) -> (findings: [RuleFinding], success: Bool) {
        if head.status == 401 || head.status == 407 {
            record.challenge = true
            return ([RuleFinding(.authChallenge,
                                 "\(head.status) challenge to \(record.type); the client must re-send it with credentials")], false)
        }
        var found: [RuleFinding] = []
        let isAck = head.headers.withValueBytes(.bitsPacketType, BITSPacketType.isAck)
        if !isAck {
            found.append(RuleFinding(.responseNotAck, "\(head.status) response to \(record.type) without BITS-Packet-Type: Ack"))
        }
        let specifiedCode = head.headers[.bitsErrorCode]
        let codeHeader = specifiedCode ?? head.headers[.bitsError]
        if specifiedCode == nil, codeHeader != nil {
            found.append(RuleFinding(.errorHeaderNameVariant,
                                     "error code sent as BITS-Error (the spec's name) rather than BITS-Error-Code"))
        }
        if let codeHeader {
            record.errorCode = BITSErrorCode(headerValue: codeHeader)
            if record.errorCode == nil {
                found.append(RuleFinding(.malformedErrorCode, "error code '\(codeHeader)' is not a hex HRESULT"))
            }
        }
        record.errorContext = head.headers[.bitsErrorContext]
        record.received = head.headers.withValueBytes(.bitsReceivedContentRange) { $0.flatMap(ContentRange.decimal) }
        let errorPresent = record.errorCode.map { !$0.isNoError } ?? false
        let success = (head.status == 200 || head.status == 201) && !errorPresent
        if !success || codeHeader != nil || record.errorContext != nil {
            ErrorRules.signalling(status: head.status, isAck: isAck, codeHeader: codeHeader, code: record.errorCode,
                                  contextHeader: record.errorContext, into: &found)
        }
        if !success, !(head.status == 416 && wasGap) {
            let code = record.errorCode.map { " \($0)" + ($0.name.map { " (\($0))" } ?? "") } ?? ""
            let context = record.errorContext.map { raw in
                ", context \(raw)" + (BITSErrorContext(headerValue: raw)?.name.map { " (\($0))" } ?? "")
            } ?? ""
            let status = UInt32(clamping: max(0, head.status))
            // A refusal that names its cause in the configuration is reported as that instead.
            found.append(ErrorRules.failure(record, status: head.status, evidence: "\(record.type) answered \(head.status)\(code)\(context)",
                                            advice: BITSFindingAdvice.serverError(errorCode: record.errorCode, status: status)))
        }
        if record.errorCode == .sessionNotFound, sessionOpen {
            found.append(RuleFinding(.unknownSession, "server does not know the session: \(head.status) "
                                         + "\(BITSErrorCode.sessionNotFound) (BG_E_SESSION_NOT_FOUND)"))
        }
        return (found, success)
    }

    /// A Create-Session's answer: refused, or the session's ID, protocol and host. Returns the
    /// findings and the ID the session now has (the tracker indexes it), if any. The ID and protocol
    /// are made through `strings` (the requests that follow repeat them).
    static func create(_ head: HTTPResponseHead, success: Bool, session: inout TrackedSession,
                       strings: inout RecentStrings)
        -> (findings: [RuleFinding], id: String?)
    {
        guard success else {
            session.record.rejected = true
            return ([], nil)
        }
        guard let id = head.headers.trimmedValue(.bitsSessionID, reusing: &strings), !id.isEmpty else {
            return ([RuleFinding(.createAckMissingSessionID,
                                 "\(head.status) Ack to Create-Session without BITS-Session-Id")], nil)
        }
        var found: [RuleFinding] = []
        session.record.sessionID = id
        let offered = session.record.supportedProtocols
        let (chosen, offeredAsSent) = chosenProtocol(head, offered: offered, strings: &strings)
        session.record.chosenProtocol = chosen
        if chosen == nil || !(offeredAsSent || offered.contains(where: { $0.equalsIgnoringASCIICase(chosen!) })) {
            // Lower-cased copies only for the message, when the rule fires.
            let list = offered.map { $0.lowercased() }.joined(separator: " ")
            found.append(RuleFinding(.protocolMismatch,
                                     chosen.map { "server chose \($0), client offered \(list)" }
                                         ?? "successful Create-Session Ack without BITS-Protocol"))
        }
        if let host = head.headers.trimmedValue(.bitsHostID), !host.isEmpty {
            session.record.hostID = host
            session.record.hostIDFallbackTimeout = head.headers[.bitsHostIDFallbackTimeout]
                .flatMap { ContentRange.decimal(Substring($0)) }
        }
        return (found, id)
    }

    /// The Ack's BITS-Protocol as `HTTPHeaders.trimmedValue(_:reusing:)` makes it, and whether it
    /// is one of `offered` byte for byte. That one, the usual answer, is the offered string itself:
    /// no look-up among the recent strings, and no comparison without case to find it offered.
    static func chosenProtocol(_ head: HTTPResponseHead, offered: [String], strings: inout RecentStrings)
        -> (value: String?, offeredAsSent: Bool)
    {
        let asOffered: String? = head.headers.withValueBytes(.bitsProtocol) { bytes in
            // A value with blanks around it is trimmed by `trimmedValue`: left to it.
            guard let bytes, let first = bytes.first, let last = bytes.last,
                  !HTTPHeaders.isBlank(first), !HTTPHeaders.isBlank(last) else { return nil }
            return offered.first { $0.withUTF8Bytes { $0.sameBytes(as: bytes) } }
        }
        if let asOffered { return (asOffered, true) }
        return (head.headers.trimmedValue(.bitsProtocol, reusing: &strings), false)
    }

    /// A Fragment's answer: the server's new offset against the range sent and the offset it expected
    /// before (`expectedAtRequest`). Returns the findings and the upload offsets the server stored
    /// from the fragment (see ``BITSFragmentVerdict/accepted``), `nil` when it stored none or the Ack
    /// does not say.
    static func fragment(
        _ head: HTTPResponseHead, record: BITSRequestRecord, expectedAtRequest: UInt64?, session: inout TrackedSession
    ) -> (findings: [RuleFinding], accepted: Range<UInt64>?) {
        if let reply = head.headers.trimmedValue(.bitsReplyURL), !reply.isEmpty {
            session.record.replyURL = reply
        }
        guard head.status == 200 || head.status == 416 else { return ([], nil) }
        guard let received = record.received else {
            return ([RuleFinding(.ackMissingReceivedRange,
                                 "\(head.status) Ack to a fragment without a decimal BITS-Received-Content-Range"
                                     + (head.headers[.bitsReceivedContentRange].map { " ('\($0)')" } ?? ""))], nil)
        }
        var found: [RuleFinding] = []
        if let previous = session.record.bytesAcknowledged, received < previous {
            found.append(RuleFinding(.ackRangeRegression,
                                     "server now expects offset \(received), it had acknowledged up to \(previous)"))
        }
        if head.status == 416 {
            found.append(RuleFinding(.outOfSync416, "416 Ack: server expects offset \(received)"
                                         + (record.range.map { ", fragment was \($0.text)" } ?? "")))
            session.resyncOffset = received
        } else if let range = record.range {
            // A range ending at offset 2^64 - 1 makes the next offset 2^64: past every received value.
            let (next, nextPast64Bits) = range.last.addingReportingOverflow(1)
            if let expected = expectedAtRequest, range.first <= expected, nextPast64Bits || received != next {
                found.append(RuleFinding(.ackRangeMismatch, "Ack for \(range.text) says next offset \(received), expected "
                                             + (nextPast64Bits ? "18446744073709551616" : "\(next)")))
            }
            if nextPast64Bits || received < next { session.resyncOffset = received }
        }
        session.record.bytesAcknowledged = received
        session.offsetUnknown = false
        let refused = record.errorCode.map { !$0.isNoError } ?? false
        guard head.status == 200, !refused, let range = record.range else { return (found, nil) }
        // First copy wins: bytes below the offset expected before the request were already stored.
        let from = max(range.first, expectedAtRequest ?? range.first)
        let next = range.last == .max ? range.last : range.last + 1
        return (found, from..<max(from, min(next, received)))
    }
}

/// The rules only a session's end shows (`docs/findings.md`).
enum EndRules {
    /// A session that ends neither closed nor cancelled: left open, every byte sent but not closed,
    /// or still running when the capture ended. (`inout` though it only reads: the session table
    /// lends a session in place for a change, and copies the whole of it for a read.)
    static func end(_ session: inout TrackedSession) -> [RuleFinding] {
        // The state read in place, the numbers made into text only for a finding: a copy of the
        // record (`let record = session.record`) retained each of its strings and lists, and the
        // total's text was made for every session.
        let state = session.record.state
        guard state == .orphaned || state == .uploadedNotClosed || state == .inProgress else { return [] }
        let acknowledged = session.record.bytesAcknowledged ?? 0
        let total = session.record.totalLength.map(String.init) ?? "unknown"
        switch state {
        case .orphaned:
            return [RuleFinding(.orphanedSession, "neither closed nor cancelled; \(acknowledged) of \(total) bytes acknowledged")]
        case .uploadedNotClosed:
            return [RuleFinding(.completeNotClosed, "all \(total) bytes acknowledged but no Close-Session")]
        default:
            return [RuleFinding(.sessionInProgress, "still running when the capture ended ("
                                    + (session.record.runningAtCaptureEnd?.rawValue ?? "") + "); \(acknowledged) of \(total) bytes acknowledged")]
        }
    }
}
