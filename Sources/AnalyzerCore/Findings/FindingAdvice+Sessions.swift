extension FindingAdvice {
    /// The BITS codes about a session's identity, its Acks and how it ends
    /// (`BITSFindingKind.sessionKinds`).
    static let sessionAdvice: [(String, String)] = [
        ("protocol-on-error-ack",
         "The server named a protocol in a refused Create-Session, which the specification forbids: a non-standard BITS server. "
            + "Harmless to Windows clients; the refusal's status and error code (server-error) say why it was refused."),
        ("session-id-reuse",
         "The server gave a new session an ID another session of the capture has or had: a server that derives IDs from the client and URL instead of making a fresh GUID (some open-source servers hash them). "
            + "Uploads sharing an ID can mix or overwrite each other's data; check the server implementation."),
        ("create-session-201",
         "The server answered Create-Session with 201 Created, which the SDK allows but IIS does not send: a non-IIS BITS server. "
            + "Nothing to fix unless a client refuses it."),
        ("host-id-fallback-inconsistent",
         "The server's Host-Id headers do not fit together (a fallback timeout without a Host-Id or not a number, or Host-Id headers on a refusal): a misconfigured web farm or a non-standard server. "
            + "Check the virtual directory's server farm settings (BITSHostId, BITSHostIdFallbackTimeout)."),
        ("host-id-not-honored",
         "The server named a farm node (BITS-Host-Id) but the client kept sending to the original host without waiting the fallback timeout: a non-Windows client, or a proxy rewriting Host. "
            + "The upload can land on another node, restart and leave an orphaned partial file; check the client and that the Host-Id name resolves from it."),
        ("host-id-fallback",
         "The client gave up on the farm node named by BITS-Host-Id after the fallback timeout and went back to the original host: the node was unreachable or its name did not resolve. "
            + "Expect BG_E_SESSION_NOT_FOUND or a 416 and a restart; check that the Host-Id name resolves and is reachable from the client (and is in the certificate for HTTPS)."),
        ("session-not-found-wrong-code",
         "The server answered a request for a session it had closed or cancelled with something other than 500 and BG_E_SESSION_NOT_FOUND, the only answer that makes a Windows client start again: a non-standard BITS server. "
            + "Check the server implementation."),
        ("fragment-after-complete",
         "A fragment came after the server had acknowledged every byte, usually the final fragment sent again because its Ack was lost. "
            + "For upload-reply jobs it can make the server application process the upload twice; check for connections dropping before the final Ack and that the application tolerates duplicates."),
        ("received-range-malformed",
         "The server's BITS-Received-Content-Range claims more bytes than the upload has: a broken BITS server or a proxy altering headers. "
            + "The client takes the upload for complete; check the server implementation and anything in between."),
        ("session-id-echo-mismatch",
         "The server's Ack names another session than the request: a broken server, or a proxy or load balancer mixing up answers between clients. "
            + "Capture on both sides of any proxy to see which one does it."),
        ("ack-missing-session-id",
         "The server's 200 Ack omits BITS-Session-Id, which the specification requires but IIS itself omits on Fragment and Close-Session Acks. "
            + "Usually harmless; it matters only to clients that check the echo."),
        ("reply-url-on-non-final-ack",
         "The server sent a reply URL before the upload was complete: a non-standard BITS server or server application. "
            + "Check the server implementation; a client could fetch a reply that is not ready."),
        ("reply-url-inconsistent",
         "The reply URL changed between Acks of the final fragment, came only on a repeated final Ack, or is longer than 2,200 characters: the server application answered a repeated notification differently, or builds over-long URLs. "
            + "Check the server application's reply and the virtual directory's notification settings."),
        ("cancel-after-complete",
         "The client cancelled after every byte had arrived: the upload stays delivered, and for an upload-reply job only the reply is dropped. "
            + "Check why the client job was cancelled (user, application or administrator) if the reply was wanted."),
        ("close-retry-anomaly",
         "The client sent Close-Session or Cancel-Session again after an answer Windows never retries (a success, a 1xx-4xx status, or BG_E_SESSION_NOT_FOUND): a non-Windows client or a replayed request. "
            + "Check the client's retry logic."),
        ("restart-missing",
         "The server said it no longer knows the session (BG_E_SESSION_NOT_FOUND), but the client kept using it instead of starting again with Create-Session: a non-Windows client. "
            + "The upload cannot succeed this way; check the client implementation."),
        ("session-timeout-exceeded",
         "The session was silent for more than the 14-day default BITSSessionTimeout: the server expired it (BG_E_SESSION_NOT_FOUND, as expected) or kept it because its timeout was raised. "
            + "Check BITSSessionTimeout on the virtual directory if sessions expire sooner or later than wanted."),
    ]
}
