import AnalyzerCore

/// Error signalling, server configuration and back-end notification findings (reference §5 E, F
/// and G). Reference severities map as elsewhere: low → notice, info → info.
extension BITSFindingKind {
    // MARK: Error signalling (§5 E)

    /// `BITS-Error-Code`/`BITS-Error` or `BITS-Error-Context` on a 200/201 Ack (§5 #61).
    public static let errorHeaderOnSuccess = BITSFindingKind("error-header-on-success", .notice)
    /// An error code without a context, or a context without an error code (§5 #62).
    public static let errorContextOrphan = BITSFindingKind("error-context-orphan", .notice)
    /// A `BITS-Error-Context` other than 0x5 or 0x7 (§5 #63).
    public static let invalidErrorContext = BITSFindingKind("invalid-error-context", .notice)
    /// Context 0x7 on an error only the BITS server raises, or 0x5 on an application's (§5 #64).
    public static let errorContextMismatch = BITSFindingKind("error-context-mismatch", .notice)
    /// An HTTP status the spec's table does not pair with the error code (§5 #66).
    public static let errorStatusMismatch = BITSFindingKind("error-status-mismatch", .notice)
    /// A non-2xx Ack without any error code (§5 #67).
    public static let errorCodeMissing = BITSFindingKind("error-code-missing", .info)
    /// A client-side HRESULT (BG_E_HTTP_ERROR_*, BG_E_PROTOCOL_NOT_AVAILABLE …) sent by a server (§5 #69).
    public static let clientServerHTTPErrorCodes = BITSFindingKind("client-server-http-error-codes", .notice)

    // MARK: Server configuration (§5 F); each replaces `server-error` for its Ack

    /// 501 (+ E_ACCESSDENIED): BITS uploads are not enabled on the virtual directory (§5 #74).
    public static let uploadsDisabled = BITSFindingKind("uploads-disabled", .info)
    /// 403 (+ E_ACCESSDENIED): the user may not upload there, or the destination exists (§5 #75).
    public static let accessDenied = BITSFindingKind("access-denied", .info)
    /// 409: the destination exists and overwrites are off (§5 #75, `destination-conflict`).
    public static let destinationConflict = BITSFindingKind("destination-conflict", .info)
    /// 500 + BG_E_TOO_LARGE, 413, or a 404 to a Fragment of an upload over IIS's 30,000,000-byte
    /// request-filtering default (§5 #76).
    public static let uploadTooLarge = BITSFindingKind("upload-too-large", .notice)
    /// ERROR_DISK_FULL (0x80070070, the spec's `x80070112`, ERROR_HANDLE_DISK_FULL) (§5 #77).
    public static let serverDiskFull = BITSFindingKind("server-disk-full", .info)
    /// An error Ack with context 0x7: the server application failed or refused (§5 #78).
    public static let serverApplicationError = BITSFindingKind("server-application-error", .info)

    // MARK: Back-end notification (§5 G), from the server→application POST when captured

    /// A notification POST without `BITS-Original-Request-URL` (§5 #81).
    public static let notificationMissingOriginalURL = BITSFindingKind("notification-missing-original-url", .notice)
    /// Only one of the data-file headers, or both with a body (§5 #82).
    public static let notificationReferenceHeadersInconsistent =
        BITSFindingKind("notification-reference-headers-inconsistent", .notice)
    /// The application answered a notification after more than five minutes (§5 #83).
    public static let notificationSlow = BITSFindingKind("notification-slow", .notice)

    /// This group's kinds, for ``catalogue``.
    static let errorKinds: [BITSFindingKind] = [
        .errorHeaderOnSuccess, .errorContextOrphan, .invalidErrorContext, .errorContextMismatch, .errorStatusMismatch,
        .errorCodeMissing, .clientServerHTTPErrorCodes, .uploadsDisabled, .accessDenied, .destinationConflict,
        .uploadTooLarge, .serverDiskFull, .serverApplicationError, .notificationMissingOriginalURL,
        .notificationReferenceHeadersInconsistent, .notificationSlow,
    ]
}
