import AnalyzerCore

/// Findings about a session's identity, its Acks and how it ends: §5 #18, #21–#25, #29, #38, #41,
/// #48, #49, #53, #54, #57–#60 of `../shared/reference/bits-protocol.md` (rules in
/// `Rules/SessionRules.swift`; each documented in `docs/findings.md`). Severities follow the
/// reference's scale: high → error, medium → warning, low → notice, info → info.
extension BITSFindingKind {
    /// `BITS-Protocol` on a Create-Session Ack whose status is not 200/201 (§5 #18).
    public static let protocolOnErrorAck = BITSFindingKind("protocol-on-error-ack", .notice)
    /// A Create-Session Ack names an ID another session of the capture has, or had (§5 #21).
    public static let sessionIDReuse = BITSFindingKind("session-id-reuse", .warning)
    /// Create-Session succeeded with 201 rather than 200 (§5 #22).
    public static let createSession201 = BITSFindingKind("create-session-201", .info)
    /// Host-Id fallback timeout without Host-Id, not a number, or Host-Id headers on an error Ack (§5 #23).
    public static let hostIDFallbackInconsistent = BITSFindingKind("host-id-fallback-inconsistent", .notice)
    /// After a BITS-Host-Id, a request of the session went to another host before the fallback
    /// timeout allowed it (§5 #24).
    public static let hostIDNotHonored = BITSFindingKind("host-id-not-honored", .warning)
    /// The session went back from the Host-Id host after the fallback timeout (§5 #25).
    public static let hostIDFallback = BITSFindingKind("host-id-fallback", .info)
    /// A request for a session closed or cancelled (success Ack) answered other than 500 +
    /// 0x8020001F (§5 #29).
    public static let sessionNotFoundWrongCode = BITSFindingKind("session-not-found-wrong-code", .notice)
    /// A Fragment after the server acknowledged the last byte (§5 #38).
    public static let fragmentAfterComplete = BITSFindingKind("fragment-after-complete", .notice)
    /// A decimal BITS-Received-Content-Range past the upload's total length (§5 #41, the part
    /// `ack-missing-received-range` does not cover).
    public static let receivedRangeMalformed = BITSFindingKind("received-range-malformed", .error)
    /// An Ack's BITS-Session-Id differs from the request's (§5 #48).
    public static let sessionIDEchoMismatch = BITSFindingKind("session-id-echo-mismatch", .error)
    /// A 200 Ack to a Fragment, Close-Session or Cancel-Session without BITS-Session-Id (§5 #49).
    public static let ackMissingSessionID = BITSFindingKind("ack-missing-session-id", .info)
    /// BITS-Reply-URL on the Ack of a fragment that does not hold the last byte (§5 #53).
    public static let replyURLOnNonFinalAck = BITSFindingKind("reply-url-on-non-final-ack", .notice)
    /// The reply URL changed between final Acks, is over 2,200 characters, or came late (§5 #54).
    public static let replyURLInconsistent = BITSFindingKind("reply-url-inconsistent", .notice)
    /// Cancel-Session after every byte was acknowledged (§5 #57).
    public static let cancelAfterComplete = BITSFindingKind("cancel-after-complete", .info)
    /// Close-Session or Cancel-Session sent again where Windows does not retry (§5 #58).
    public static let closeRetryAnomaly = BITSFindingKind("close-retry-anomaly", .notice)
    /// After BG_E_SESSION_NOT_FOUND the client keeps using the dead session ID (§5 #59).
    public static let restartMissing = BITSFindingKind("restart-missing", .notice)
    /// More than the default 14-day session timeout between two messages of a session (§5 #60).
    public static let sessionTimeoutExceeded = BITSFindingKind("session-timeout-exceeded", .info)

    /// The kinds above, appended to ``catalogue``.
    static let sessionKinds: [BITSFindingKind] = [
        .protocolOnErrorAck, .sessionIDReuse, .createSession201, .hostIDFallbackInconsistent, .hostIDNotHonored,
        .hostIDFallback, .sessionNotFoundWrongCode, .fragmentAfterComplete, .receivedRangeMalformed,
        .sessionIDEchoMismatch, .ackMissingSessionID, .replyURLOnNonFinalAck, .replyURLInconsistent,
        .cancelAfterComplete, .closeRetryAnomaly, .restartMissing, .sessionTimeoutExceeded,
    ]
}
