import AnalyzerCore

/// The findings about requests, framing, negotiation and client or server identity (§5 groups A,
/// B, C and F). Rules: `Rules/FramingRules.swift`; rows: `docs/findings.md`.
extension BITSFindingKind {
    /// A request carrying BITS-Packet-Type whose method is not `BITS_POST` (§5 #1).
    public static let nonBITSPostMethod = BITSFindingKind("non-bits-post-method", .warning)
    /// An answer to a BITS request (not a 401/407 challenge) without Content-Length (§5 #6).
    public static let ackMissingContentLength = BITSFindingKind("ack-missing-content-length", .warning)
    /// An Ack declaring a body (Content-Length above 0) (§5 #7).
    public static let ackHasBody = BITSFindingKind("ack-has-body", .notice)
    /// A BITS request without Content-Length (§5 #9).
    public static let missingContentLength = BITSFindingKind("missing-content-length", .warning)
    /// A BITS header value longer than 4 KB (§5 #10).
    public static let oversizedHeader = BITSFindingKind("oversized-header", .notice)
    /// An answer that came more than 120 s after its request ended (§5 #13).
    public static let slowAck = BITSFindingKind("slow-ack", .notice)
    /// A Create-Session without BITS-Supported-Protocols (§5 #15).
    public static let missingSupportedProtocols = BITSFindingKind("missing-supported-protocols", .warning)
    /// A Create-Session offering no GUID equal to the BITS 1.5 upload protocol's (§5 #16).
    public static let unknownProtocolOffer = BITSFindingKind("unknown-protocol-offer", .notice)
    /// A session ID from a Create-Session Ack that is not a braced GUID, or longer than 100 characters (§5 #20).
    public static let malformedSessionID = BITSFindingKind("malformed-session-id", .notice)
    /// A Fragment with a Content-Encoding other than identity, or a Create-Session Ack whose
    /// Accept-Encoding names another (§5 #26).
    public static let unsupportedEncoding = BITSFindingKind("unsupported-encoding", .warning)
    /// A Fragment without Content-Range (§5 #30).
    public static let missingContentRange = BITSFindingKind("missing-content-range", .error)
    /// A Fragment that does not hold the upload's last byte, smaller than 5,000 or larger than
    /// 13 MiB: outside what Windows clients send (§5 #46).
    public static let fragmentSizeUnusual = BITSFindingKind("fragment-size-unusual", .info)
    /// After a 413 Ack to a fragment, the session's next fragment is not smaller (§5 #47).
    public static let fragmentNotShrunkAfter413 = BITSFindingKind("413-not-shrunk", .notice)
    /// Content-Name changed within the session, longer than 260 characters, or with a character
    /// Windows forbids in file names (§5 #50).
    public static let contentNameAnomaly = BITSFindingKind("content-name-anomaly", .notice)
    /// A Fragment with a body as the first request of a connection, challenged with NTLM or
    /// Negotiate: its body travels again (§5 #72).
    public static let ntlmWithoutPing = BITSFindingKind("ntlm-without-ping", .info)
    /// Basic credentials on a BITS request in plain HTTP (§5 #73).
    public static let basicAuthCleartext = BITSFindingKind("basic-auth-cleartext", .warning)
    /// A BITS request whose User-Agent is not `Microsoft BITS/<version>` (§5 #79).
    public static let nonWindowsClient = BITSFindingKind("non-windows-client", .info)
    /// A server claiming `Microsoft-IIS/` that answers unlike the IIS BITS extension (§5 #80).
    public static let impersonatedIISServer = BITSFindingKind("impersonated-iis-server", .info)

    /// The kinds above, for ``catalogue``.
    static let requestKinds: [BITSFindingKind] = [
        .nonBITSPostMethod, .ackMissingContentLength, .ackHasBody, .missingContentLength, .oversizedHeader, .slowAck,
        .missingSupportedProtocols, .unknownProtocolOffer, .malformedSessionID, .unsupportedEncoding,
        .missingContentRange, .fragmentSizeUnusual, .fragmentNotShrunkAfter413, .contentNameAnomaly, .ntlmWithoutPing, .basicAuthCleartext,
        .nonWindowsClient, .impersonatedIISServer,
    ]
}
