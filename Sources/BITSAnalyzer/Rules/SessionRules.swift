import AnalyzerCore
import HTTP1Parser

/// What the session rules remember of a session beyond its record (``TrackedSession/sessionRules``).
struct SessionRuleState {
    /// How the session's latest Close-Session or Cancel-Session since its last Fragment was answered.
    struct EndAnswer {
        var cancel: Bool
        var status: Int
        var sessionNotFound: Bool
    }

    /// A Cancel-Session got a success Ack: like a successful Close, the server dropped the session.
    var cancelAcknowledged = false
    /// The server answered BG_E_SESSION_NOT_FOUND to a request naming the session (not a Cancel).
    var serverLostSession = false
    /// The answer to the latest Close/Cancel, until a Fragment follows.
    var lastEnd: EndAnswer?
    /// When the Create-Session Ack naming a BITS-Host-Id came.
    var hostIDGivenAt: CaptureTimestamp?
    /// The latest request of the session sent to the Host-Id host.
    var lastAtHostID: CaptureTimestamp?
    /// Whether the session left the Host-Id host (fallback or not honoured): no more checks.
    var hostIDSettled = false
    /// A 200 Ack to the fragment holding the last byte came without BITS-Reply-URL.
    var finalAckWithoutReply = false
    /// The last message time of the session's earlier record, when this record began because a
    /// request named a session that had left the tracker; used by the next request only.
    var retiredLastSeen: CaptureTimestamp?
}

/// What a request's answer needs from the time it was made (``RequestHandle/sessionNotes``).
struct SessionRequestNotes {
    /// The request carried BITS-Session-Id (so the Ack's must echo it).
    var carriedID = false
    /// The session was already closed or cancelled (success Ack) when the request was sent.
    var endedBefore = false
    /// Seconds since the session's previous message, when more than the 14-day session timeout.
    var silentSeconds: Double?
}

/// The rules about a session's identity, its Acks and how it ends (`docs/findings.md`, reference
/// §5 #18, #21–#25, #29, #38, #41, #48, #49, #53, #54, #57–#60). Each costs a few comparisons unless
/// it applies; header look-ups are made only for the Acks a rule concerns, and messages are built
/// only when a finding fires.
enum SessionRules {
    /// IIS's default BITSSessionTimeout: 14 days (reference §3.8).
    static let defaultSessionTimeoutSeconds: Int64 = 1_209_600
    /// The longest reply URL the server may hand out (reference §2.1, [MC-BUP] §2.2.1.2).
    static let maxReplyURLLength = 2_200

    // MARK: Requests

    /// A request of `session`, before it changes the session: Host-Id use, a dead session ID used
    /// again, Close/Cancel repeated, a Fragment or Cancel after the upload completed, a long silence.
    static func request(_ record: BITSRequestRecord, carriedID: Bool, session: inout TrackedSession)
        -> (findings: [RuleFinding], notes: SessionRequestNotes)
    {
        var notes = SessionRequestNotes(carriedID: carriedID)
        notes.endedBefore = session.record.closed || session.sessionRules.cancelAcknowledged
        var found: [RuleFinding] = []
        var previous = session.record.lastTime
        if let seen = session.sessionRules.retiredLastSeen {
            previous = seen
            session.sessionRules.retiredLastSeen = nil
        }
        if previous.adding(seconds: defaultSessionTimeoutSeconds) < record.time {
            notes.silentSeconds = record.time.seconds(since: previous)
        }
        let type = record.type
        let isEnd = type == .closeSession || type == .cancelSession
        if carriedID, session.sessionRules.serverLostSession, type == .fragment || isEnd || type == .ping {
            found.append(RuleFinding(.restartMissing, "\(type) names the session after the server answered "
                                         + "\(BITSErrorCode.sessionNotFound) (BG_E_SESSION_NOT_FOUND); the client should have sent a new Create-Session"))
        }
        if isEnd, let last = session.sessionRules.lastEnd, last.cancel == (type == .cancelSession),
           last.status < 500 || last.sessionNotFound {
            found.append(RuleFinding(.closeRetryAnomaly, "\(type) sent again after its answer \(last.status)"
                                         + (last.sessionNotFound ? " \(BITSErrorCode.sessionNotFound) (BG_E_SESSION_NOT_FOUND)" : "")
                                         + "; clients re-send it only after a 5xx other than BG_E_SESSION_NOT_FOUND"))
        }
        let ended = session.record.closed || session.record.cancelled
        if type == .fragment {
            session.sessionRules.lastEnd = nil
            if !ended, session.record.fullyAcknowledged, let total = session.record.totalLength {
                found.append(RuleFinding(.fragmentAfterComplete, "fragment " + (record.range?.text ?? "")
                                             + " after the server acknowledged all \(total) bytes"
                                             + (session.record.replyURL == nil ? "" : "; in upload-reply it hands the upload to the server application again")))
            }
        } else if type == .cancelSession, !session.record.closed, session.record.fullyAcknowledged,
                  let total = session.record.totalLength {
            found.append(RuleFinding(.cancelAfterComplete, "Cancel-Session after all \(total) bytes were acknowledged: the upload stays delivered"
                                         + (session.record.replyURL == nil ? "" : "; only the reply is cancelled")))
        }
        if session.record.hostID != nil, !session.sessionRules.hostIDSettled {
            found += hostID(record, session: &session)
        }
        return (found, notes)
    }

    /// A request of a session given BITS-Host-Id H: sent to H, or elsewhere before the fallback
    /// timeout allowed it (not honoured), or after it (fallback).
    private static func hostID(_ record: BITSRequestRecord, session: inout TrackedSession) -> [RuleFinding] {
        guard let hostID = session.record.hostID, let given = session.sessionRules.hostIDGivenAt, given < record.time,
              let host = record.host
        else { return [] }
        if sameHost(host, hostID) {
            session.sessionRules.lastAtHostID = record.time
            return []
        }
        session.sessionRules.hostIDSettled = true
        let since = session.sessionRules.lastAtHostID ?? given
        let waited = max(0, record.time.seconds(since: since))
        let after = session.sessionRules.lastAtHostID == nil ? "the Create-Session Ack" : "the last request to \(hostID)"
        let seconds = fixed(waited, digits: 3)
        if let timeout = session.record.hostIDFallbackTimeout, waited >= Double(timeout) {
            return [RuleFinding(.hostIDFallback, "\(record.type) went to \(host) instead of BITS-Host-Id \(hostID), "
                                    + "\(seconds) s after \(after): past the fallback timeout of \(timeout) s")]
        }
        let limit = session.record.hostIDFallbackTimeout.map { "before the fallback timeout of \($0) s" }
            ?? "and the Ack gave no fallback timeout (the client must not fall back)"
        return [RuleFinding(.hostIDNotHonored, "\(record.type) went to \(host) instead of BITS-Host-Id \(hostID), "
                                + "\(seconds) s after \(after), \(limit)")]
    }

    /// `value` with `digits` (1–3) decimals, without Foundation; values past 10^12 are shown as that.
    static func fixed(_ value: Double, digits: Int) -> String {
        let places = min(max(digits, 1), 3)
        var unit: Int64 = 1
        for _ in 0..<places { unit *= 10 }
        let scaled = value.isFinite && value > 0 ? Int64((min(value, 1e12) * Double(unit)).rounded()) : 0
        let fraction = String(scaled % unit)
        return "\(scaled / unit)." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// Whether Host header `header` names host `hostID` (port and IPv6 brackets aside, ASCII case ignored).
    static func sameHost(_ header: String, _ hostID: String) -> Bool {
        hostPart(Substring(header)).utf8.elementsEqual(hostPart(Substring(hostID)).utf8) {
            String.lowerASCII($0) == String.lowerASCII($1)
        }
    }

    /// `value` without a port and without the brackets of an IPv6 literal.
    static func hostPart(_ value: Substring) -> Substring {
        if value.hasPrefix("[") { return value.dropFirst().prefix { $0 != "]" } }
        guard let colon = value.firstIndex(of: ":") else { return value }
        // An unbracketed IPv6 address (BITS-Host-Id's own form) has more than one colon.
        return value[value.index(after: colon)...].contains(":") ? value : value[..<colon]
    }

    // MARK: Answers

    /// The answer to a request of `session` (not a challenge): a dead session answered with the
    /// wrong code, the Ack's session ID, a long silence; remembers what later requests are judged by.
    static func answered(
        _ head: HTTPResponseHead, record: BITSRequestRecord, success: Bool, notes: SessionRequestNotes,
        session: inout TrackedSession
    ) -> [RuleFinding] {
        var found: [RuleFinding] = []
        let type = record.type
        let notFound = record.errorCode == .sessionNotFound
        if notes.endedBefore, !(head.status == 500 && notFound) {
            found.append(RuleFinding(.sessionNotFoundWrongCode,
                                     "\(type) for a session already \(session.record.closed ? "closed" : "cancelled") answered "
                                         + "\(head.status)" + (record.errorCode.map { " \($0)" } ?? "")
                                         + "; the server should answer 500 \(BITSErrorCode.sessionNotFound) (BG_E_SESSION_NOT_FOUND)"))
        }
        if let silent = notes.silentSeconds {
            let days = fixed(silent / 86_400, digits: 1)
            found.append(RuleFinding(.sessionTimeoutExceeded, "\(type) after \(days) days of silence, past the 14-day default "
                                         + "BITSSessionTimeout; the server answered \(head.status)"
                                         + (notFound ? " \(BITSErrorCode.sessionNotFound) (BG_E_SESSION_NOT_FOUND): the session expired"
                                             : success ? ": it kept the session (a longer BITSSessionTimeout)" : "")))
        }
        if notFound, notes.carriedID, type != .cancelSession { session.sessionRules.serverLostSession = true }
        switch type {
        case .closeSession, .cancelSession:
            session.sessionRules.lastEnd = SessionRuleState.EndAnswer(cancel: type == .cancelSession, status: head.status,
                                                                      sessionNotFound: notFound)
            if type == .cancelSession, success { session.sessionRules.cancelAcknowledged = true }
        default:
            break
        }
        guard notes.carriedID || type == .fragment || type == .closeSession || type == .cancelSession else { return found }
        // The bytes, not a String: most Acks echo the ID, and the text is needed only for a finding.
        // Whether the Ack names a session, and whether it is another than the request's.
        let (ackNamesOne, mismatch) = head.headers.withValueBytes(.bitsSessionID) { ackID -> (Bool, Bool) in
            guard let ackID, !ackID.isEmpty else { return (false, false) }
            guard notes.carriedID, let own = session.record.sessionID else { return (true, false) }
            return (true, !ackID.equalsIgnoringASCIICase(own))
        }
        if mismatch, let own = session.record.sessionID {
            let named = head.headers[.bitsSessionID] ?? ""
            found.append(RuleFinding(.sessionIDEchoMismatch, "\(head.status) Ack to \(type) names session \(named), the request \(own)"))
        }
        if !ackNamesOne, head.status == 200, type == .fragment || type == .closeSession || type == .cancelSession {
            found.append(RuleFinding(.ackMissingSessionID, "200 Ack to \(type) without BITS-Session-Id"))
        }
        return found
    }

    /// A Create-Session's answer (not a challenge): BITS-Protocol on a refusal, 201, the Host-Id
    /// headers. Notes when a Host-Id was given (`time`).
    static func createAck(_ head: HTTPResponseHead, success: Bool, time: CaptureTimestamp, session: inout TrackedSession)
        -> [RuleFinding]
    {
        var found: [RuleFinding] = []
        let status = head.status
        if status != 200, status != 201, let chosen = head.headers[.bitsProtocol] {
            found.append(RuleFinding(.protocolOnErrorAck, "\(status) answer to Create-Session carries BITS-Protocol \(chosen)"))
        }
        if success, status == 201 {
            found.append(RuleFinding(.createSession201, "Create-Session answered 201 rather than 200"))
        }
        let hostID = head.headers[.bitsHostID]
        let timeout = head.headers[.bitsHostIDFallbackTimeout]
        if !success {
            if hostID != nil || timeout != nil {
                found.append(RuleFinding(.hostIDFallbackInconsistent, "\(status) error Ack to Create-Session carries "
                                             + (hostID != nil ? "BITS-Host-Id" : "BITS-Host-Id-Fallback-Timeout")))
            }
            return found
        }
        if let timeout {
            if (hostID ?? "").isEmpty {
                found.append(RuleFinding(.hostIDFallbackInconsistent, "BITS-Host-Id-Fallback-Timeout \(timeout) without BITS-Host-Id"))
            } else if ContentRange.decimal(Substring(timeout)) == nil {
                found.append(RuleFinding(.hostIDFallbackInconsistent, "BITS-Host-Id-Fallback-Timeout '\(timeout)' is not a number of seconds"))
            }
        }
        if let hostID, !hostID.isEmpty { session.sessionRules.hostIDGivenAt = time }
        return found
    }

    /// A Fragment's Ack, before the Ack rules record its reply URL: a received offset past the
    /// total, a reply URL on a non-final Ack, changed, late or too long.
    static func fragmentAck(_ head: HTTPResponseHead, record: BITSRequestRecord, session: inout TrackedSession)
        -> [RuleFinding]
    {
        var found: [RuleFinding] = []
        if head.status == 200 || head.status == 416, let received = record.received,
           let total = record.range?.total ?? session.record.totalLength, received > total {
            found.append(RuleFinding(.receivedRangeMalformed,
                                     "BITS-Received-Content-Range \(received) is past the upload's total length \(total)"))
        }
        // The fragment holds byte T - 1 (a range past the total counts too: nothing follows it).
        let holdsLast = record.range.map { $0.last >= $0.total &- 1 } ?? false
        let reply = head.headers[.bitsReplyURL].flatMap { $0.isEmpty ? nil : $0 }
        guard let reply else {
            if head.status == 200, holdsLast, session.record.replyURL == nil {
                session.sessionRules.finalAckWithoutReply = true
            }
            return found
        }
        if let range = record.range, !holdsLast {
            found.append(RuleFinding(.replyURLOnNonFinalAck,
                                     "BITS-Reply-URL on the Ack of fragment \(range.text), which does not hold the last byte"))
        }
        if reply.utf8.count > maxReplyURLLength {
            found.append(RuleFinding(.replyURLInconsistent,
                                     "BITS-Reply-URL of \(reply.utf8.count) characters, over the \(maxReplyURLLength) allowed"))
        } else if holdsLast, head.status == 200 {
            if let previous = session.record.replyURL, previous != reply {
                found.append(RuleFinding(.replyURLInconsistent, "BITS-Reply-URL changed from \(previous) to \(reply)"))
            } else if session.sessionRules.finalAckWithoutReply {
                found.append(RuleFinding(.replyURLInconsistent,
                                         "BITS-Reply-URL \(reply) on a repeated final Ack; the first final Ack had none"))
            }
        }
        return found
    }
}
