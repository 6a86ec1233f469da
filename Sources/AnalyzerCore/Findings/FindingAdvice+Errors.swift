extension FindingAdvice {
    /// The error-signalling, server-configuration and notification codes (reference §5 E, F, G).
    static let errorAdvice: [(String, String)] = [
        ("error-header-on-success",
         "The server put error headers on a successful Ack, as some non-Microsoft servers do on every answer. "
            + "Harmless to Windows clients, which go by the status; check the server implementation if a client treats the answer as a failure."),
        ("error-context-orphan",
         "The server sent an error code without BITS-Error-Context, or a context without a code: a non-standard server or server application. "
            + "Check what the server and its notification application put in the error headers."),
        ("invalid-error-context",
         "BITS-Error-Context must be 0x5 (the BITS server) or 0x7 (the server application); this one is neither. "
            + "Check the server implementation; clients may misreport where the error came from."),
        ("error-context-mismatch",
         "The error context names the wrong origin: context 0x7 (server application) on an error only the BITS server raises, or 0x5 on an application's error. "
            + "Check the server implementation; the client's error report will blame the wrong side."),
        ("error-status-mismatch",
         "The HTTP status does not match the error code as the specification pairs them (e.g. BG_E_SESSION_NOT_FOUND with other than 500). "
            + "A non-standard server or a proxy changing the status; clients decide retries by the status, so check both."),
        ("error-code-missing",
         "An error Ack without BITS-Error-Code; Windows servers omit it when the status says enough. "
            + "Read the status; the IIS log's substatus and win32 status give the detail."),
        ("client-server-http-error-codes",
         "The server sent an HRESULT that only the BITS client produces (BG_E_HTTP_ERROR_*, BG_E_PROTOCOL_NOT_AVAILABLE …): a non-Microsoft server. "
            + "Read the status and the code's meaning; the client will report the code as if it were its own."),
        ("uploads-disabled",
         "BITS uploads are not enabled on the virtual directory (501; on IIS 7 and later often 404 instead), or the BITS server extension is missing. "
            + "Enable BITS uploads on the virtual directory (IIS Manager, BITS Uploads) and check the URL."),
        ("access-denied",
         "The server refused the user (403): no Change (modify) permission on the upload folder, the virtual directory's authentication, or the destination exists with overwrites not allowed. "
            + "Check the folder's permissions for the authenticated (or anonymous) user and the BITSAllowOverwrites setting."),
        ("destination-conflict",
         "The destination file exists and the virtual directory does not allow overwrites (409). "
            + "Allow overwrites (BITSAllowOverwrites) or upload under another remote name."),
        ("upload-too-large",
         "The server refused the upload's or a fragment's size: BITSMaximumUploadSize, or on IIS 7 and later request filtering's maxAllowedContentLength (30,000,000 bytes by default, logged as 404.13). "
            + "Raise the limit that applies; after a 413 the client retries with smaller fragments."),
        ("server-disk-full",
         "The server's disk is full. Free space on the volume that holds the upload virtual directory's folder, "
            + "and check the session limit and cleanup schedule that remove old uploads."),
        ("server-application-error",
         "The server application behind the BITS server (the notification URL) failed or refused the upload; 408 means it did not answer in time. "
            + "Check that application's log and that it answers within five minutes; 403 from it stops BITS from posting the upload again."),
        ("notification-missing-original-url",
         "The BITS server's notification to its application lacks BITS-Original-Request-URL, so the application cannot tell which upload it is. "
            + "Check the server implementation, or a proxy between the BITS server and the application stripping headers."),
        ("notification-reference-headers-inconsistent",
         "A notification by reference must name both the request and the response data files and carry no body; this one does not. "
            + "Check the virtual directory's notification type (BITSServerNotificationType) and the server implementation."),
        ("notification-slow",
         "The server application took longer than the BITS server waits (five minutes; 30 s with BITS 1.5), so the upload's Ack failed and the notification will be repeated. "
            + "Speed up the application or answer first and process later; make it handle duplicate notifications."),
    ]
}
