import AnalyzerCore

/// The BITS findings: code, severity and where the rule comes from. Each is documented in
/// `docs/findings.md` with its rule and evidence; section numbers refer to
/// `../shared/reference/bits-protocol.md` (§5 is the anomaly catalogue).
public struct BITSFindingKind: Hashable, Sendable {
    /// The stable code.
    public let code: FindingCode
    /// Its severity.
    public let severity: Severity

    init(_ code: String, _ severity: Severity) {
        self.code = FindingCode(rawValue: code)
        self.severity = severity
    }

    /// Session created but neither closed nor cancelled, and not every byte acknowledged (§5 #55).
    public static let orphanedSession = BITSFindingKind("orphaned-session", .warning)
    /// The capture ended while the session was running: a connection of it still open, or active
    /// within the idle timeout of the end with its last connection not closed (§5 #55: not orphaned).
    public static let sessionInProgress = BITSFindingKind("session-in-progress", .notice)
    /// Every byte acknowledged but no Close-Session (§5 #56).
    public static let completeNotClosed = BITSFindingKind("complete-not-closed", .warning)
    /// Close-Session while the server still expected bytes, or with no fragment at all (§5 #51).
    public static let partialFileClose = BITSFindingKind("partial-file-close", .error)
    /// A fragment starting past the server's next expected offset (§5 #35).
    public static let fragmentGap = BITSFindingKind("fragment-gap", .warning)
    /// A fragment starting before the expected offset and reaching past it (§5 #36).
    public static let fragmentOverlap = BITSFindingKind("fragment-overlap", .notice)
    /// A fragment wholly before the expected offset: already stored (§5 #37).
    public static let fragmentDuplicate = BITSFindingKind("fragment-duplicate", .info)
    /// Body length differs from the range's length (§5 #32).
    public static let rangeMismatch = BITSFindingKind("range-mismatch", .error)
    /// A range reaching past the total length (§5 #33).
    public static let rangeBeyondTotal = BITSFindingKind("range-beyond-total", .error)
    /// The total length differs from earlier fragments of the session (§5 #34).
    public static let totalLengthChanged = BITSFindingKind("total-length-changed", .error)
    /// A Fragment whose Content-Range is not `bytes F-L/T` (§5 #31; absent: `missing-content-range`).
    public static let malformedContentRange = BITSFindingKind("malformed-content-range", .error)
    /// A Fragment, Close-Session or Cancel-Session without BITS-Session-Id (§5 #27).
    public static let missingSessionID = BITSFindingKind("missing-session-id", .error)
    /// A 200 Ack whose received offset is not `last + 1` for a fragment with first ≤ E (§5 #42).
    public static let ackRangeMismatch = BITSFindingKind("ack-range-mismatch", .warning)
    /// After a 416 or a short Ack, the next fragment does not start where the server said (§5 #45).
    public static let clientIgnoredResync = BITSFindingKind("client-ignored-resync", .warning)
    /// A request for a session already closed or cancelled (§5 #39).
    public static let fragmentAfterClose = BITSFindingKind("fragment-after-close", .warning)
    /// A session the capture never saw created, or one the server says it does not know (§5 #28).
    public static let unknownSession = BITSFindingKind("unknown-session", .notice)
    /// A successful Create-Session Ack whose protocol is absent or was not offered (§5 #17).
    public static let protocolMismatch = BITSFindingKind("protocol-mismatch", .error)
    /// Close-Session before the reply of an upload-reply job was fetched (§5 #52).
    public static let replyNotFetched = BITSFindingKind("reply-not-fetched", .warning)
    /// A request never answered before its connection or the capture ended (§5 #12).
    public static let missingAck = BITSFindingKind("missing-ack", .warning)
    /// A BITS request sent before the previous one on the connection was answered (§5 #11).
    public static let pipelinedRequest = BITSFindingKind("pipelined-request", .warning)
    /// An Ack with an error status or error code (other than a 416 answering a gap, and 401/407) (§4).
    public static let serverError = BITSFindingKind("server-error", .warning)
    /// `BITS-Packet-Type` names no known packet type (§5 #4).
    public static let unknownPacketType = BITSFindingKind("unknown-packet-type", .warning)
    /// A BITS_POST without `BITS-Packet-Type` (§5 #3).
    public static let missingPacketType = BITSFindingKind("missing-packet-type", .error)
    /// The response to a BITS request is not an Ack and not an authentication challenge (§5 #5).
    public static let responseNotAck = BITSFindingKind("response-not-ack", .warning)
    /// Ping, Create-Session, Close-Session or Cancel-Session with a body (§5 #8).
    public static let requestBodyNotAllowed = BITSFindingKind("request-body-not-allowed", .warning)
    /// A 200 or 416 Fragment Ack without a usable BITS-Received-Content-Range (§5 #40, #41).
    public static let ackMissingReceivedRange = BITSFindingKind("ack-missing-received-range", .error)
    /// A successful Create-Session Ack without a session ID (§5 #19).
    public static let createAckMissingSessionID = BITSFindingKind("create-ack-missing-session-id", .error)
    /// The acknowledged offset went backwards: acknowledged data was lost (§5 #43).
    public static let ackRangeRegression = BITSFindingKind("ack-range-regression", .warning)
    /// The server uses the spec's `BITS-Error` header name instead of `BITS-Error-Code` (§5 #68).
    public static let errorHeaderNameVariant = BITSFindingKind("error-header-name-variant", .info)
    /// An error code that is not a hex HRESULT (§5 #65).
    public static let malformedErrorCode = BITSFindingKind("malformed-error-code", .notice)
    /// A 401 or 407 challenge on a BITS request (§5 #70).
    public static let authChallenge = BITSFindingKind("auth-challenge", .info)
    /// One session used several TCP connections (§5 #14).
    public static let sessionMultiConnection = BITSFindingKind("session-multi-connection", .info)
    /// The session moved to another server (BITS-Host-Id or a reconnect elsewhere) (§3.7).
    public static let sessionMovedServer = BITSFindingKind("session-moved-server", .info)
    /// A 416 Ack: the server resynchronised the client (§5 #44).
    public static let outOfSync416 = BITSFindingKind("out-of-sync-416", .info)

    /// Every kind above, for tables that look codes up (the report's ranking of sessions by their
    /// worst finding).
    public static let catalogue: [BITSFindingKind] = [
        .orphanedSession, .sessionInProgress, .completeNotClosed, .partialFileClose, .fragmentGap, .fragmentOverlap,
        .fragmentDuplicate, .rangeMismatch, .rangeBeyondTotal, .totalLengthChanged, .malformedContentRange,
        .missingSessionID, .ackRangeMismatch, .clientIgnoredResync, .fragmentAfterClose, .unknownSession,
        .protocolMismatch, .replyNotFetched, .missingAck, .pipelinedRequest, .serverError, .unknownPacketType,
        .missingPacketType, .responseNotAck, .requestBodyNotAllowed, .ackMissingReceivedRange,
        .createAckMissingSessionID, .ackRangeRegression, .errorHeaderNameVariant, .malformedErrorCode, .authChallenge,
        .sessionMultiConnection, .sessionMovedServer, .outOfSync416,
    ] + errorKinds + requestKinds + sessionKinds
}
