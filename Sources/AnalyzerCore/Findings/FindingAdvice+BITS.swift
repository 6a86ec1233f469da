extension FindingAdvice {
    /// The BITS protocol codes (BITSFindingKind.catalogue). IIS settings named are the BITS server
    /// extension's virtual-directory properties (BITSSessionTimeout, BITSMaximumUploadSize, …).
    static let bitsAdvice: [(String, String)] = [
        ("orphaned-session",
         "The client stopped without closing or cancelling: its job was suspended, hit an error (see server-error), or lost the network. "
            + "Check the client's job (bitsadmin /info, Get-BitsTransfer); the server keeps the partial upload until BITSSessionTimeout (14 days by default)."),
        ("session-in-progress",
         "The capture ended while the upload was running, so its outcome is not in it. "
            + "Capture for longer, until the Close-Session, to see how it ends."),
        ("complete-not-closed",
         "Every byte arrived but the client never sent Close-Session, so the file may not be committed to its destination. "
            + "Check whether the client job was completed (IBackgroundCopyJob::Complete, bitsadmin /complete) or is still waiting, e.g. for a reply or a logon."),
        ("partial-file-close",
         "The client closed the session before the server had all bytes: a client bug or an upload that went wrong before it. "
            + "The server normally discards such an upload; check the destination for a truncated file and the client's job state."),
        ("fragment-gap",
         "The client skipped bytes the server had not received, usually after a lost or misread Ack. "
            + "The server's 416 answer should resynchronise it; if it does not (client-ignored-resync), suspect the client or a proxy rewriting the traffic."),
        ("fragment-overlap",
         "The client sent some bytes again, usually after an Ack was lost or a connection dropped; this is normal recovery. "
            + "Many of them point at an unstable network path or a server answering slowly."),
        ("fragment-duplicate",
         "A fragment the server already had was sent again, typically after a lost Ack or a reconnect; harmless. "
            + "Frequent duplicates point at connections dropping between the fragment and its Ack."),
        ("range-mismatch",
         "The fragment's body length does not match its Content-Range: a broken client or a proxy changing the body. "
            + "Capture on the client side of any proxy to see which one does it."),
        ("range-beyond-total",
         "The fragment claims bytes past the file's total length: a broken client or proxy. "
            + "Check the client implementation; the server will refuse or mis-store the fragment."),
        ("total-length-changed",
         "The file's total length changed during the session, for example because the local file changed while uploading. "
            + "Make sure the file is not written to while BITS uploads it (BG_E_LOCAL_FILE_CHANGED on the client)."),
        ("malformed-content-range",
         "The fragment's Content-Range is not 'bytes first-last/total': a non-Windows client or a proxy rewriting headers. "
            + "Check the client implementation and any proxy between client and server."),
        ("missing-session-id",
         "A request that needs BITS-Session-Id came without it: a broken client, or a proxy stripping headers. "
            + "Capture in front of the proxy to see whether the client sent it."),
        ("ack-range-mismatch",
         "The server acknowledged a different number of bytes than the fragment carried: it stored less (disk or quota problem, size limit) or claims bytes it never got. "
            + "Check the server's disk, the upload folder and the IIS and BITS logs."),
        ("client-ignored-resync",
         "The server asked the client to continue from another offset, but the client did not. "
            + "Suspect the client implementation, or a proxy or load balancer sending the request to another server."),
        ("fragment-after-close",
         "The client kept using a session it had closed or cancelled: a client bug, or a retry after an Ack it did not receive. "
            + "Expect BG_E_SESSION_NOT_FOUND from the server; check the client's retry logic."),
        ("unknown-session",
         "The capture began mid-upload, or the server no longer knows the session: it expired (BITSSessionTimeout), was cleaned up, or the request reached another node of a farm. "
            + "For a farm, enable BITS-Host-Id (server farm support) or use a shared upload folder; otherwise check the session timeout and cleanup settings."),
        ("protocol-mismatch",
         "The server chose an upload protocol the client did not offer: a non-standard server or a proxy altering headers. "
            + "Check the server's BITS implementation and version."),
        ("reply-not-fetched",
         "The client closed an upload-reply session without downloading the reply, which the close deletes. "
            + "Check the client job's type (upload-reply) and the server application's reply; a short BITSSessionTimeout can also lose it."),
        ("missing-ack",
         "The server never answered: the connection was reset or closed, the server (or its notification application) was too slow, or the answer is missing from the capture. "
            + "Check the IIS log for the request, timeouts on proxies and load balancers, and capture-loss."),
        ("pipelined-request",
         "The client sent a request before the previous one was answered, which BITS clients do not do. "
            + "Suspect a non-Windows client or a proxy that multiplexes connections."),
        ("server-error",
         "The server refused the request; the status and error code in the message name the reason. "
            + "Check the IIS log (status, substatus, win32 status) and the BITS settings of the upload virtual directory."),
        ("unknown-packet-type",
         "BITS-Packet-Type names a packet type the protocol does not define: a non-standard client or a newer protocol extension. "
            + "Check the client implementation."),
        ("missing-packet-type",
         "A BITS_POST without BITS-Packet-Type: a broken client or a proxy stripping headers. "
            + "Capture in front of any proxy to see what the client sent."),
        ("response-not-ack",
         "Something other than the BITS server answered: BITS uploads are not enabled on the virtual directory, the URL is wrong, or a proxy, load balancer or web application firewall replied. "
            + "Check that the URL points at an upload-enabled virtual directory and that the BITS server extension is installed."),
        ("request-body-not-allowed",
         "A request that must have no body carried one: a broken client or a proxy. "
            + "Check the client implementation."),
        ("ack-missing-received-range",
         "The server's Fragment Ack lacks BITS-Received-Content-Range, so the client cannot know what was stored: a non-standard BITS server or a proxy stripping headers. "
            + "Check the server implementation and anything in between."),
        ("create-ack-missing-session-id",
         "The server accepted Create-Session without giving a session ID: a non-standard BITS server or a proxy stripping headers. "
            + "Check the server implementation and anything in between."),
        ("ack-range-regression",
         "The server now reports fewer bytes than it acknowledged before: it lost stored data (restart, cleanup, another farm node, disk problem). "
            + "Check the server's event and IIS logs, the cleanup schedule and farm settings (BITS-Host-Id)."),
        ("error-header-name-variant",
         "The server names its error header BITS-Error, as the specification does, rather than BITS-Error-Code; older servers do this. "
            + "Nothing to fix, but clients that read only one name may miss the error."),
        ("malformed-error-code",
         "The server's error code is not a hexadecimal HRESULT: a non-standard server or server application. "
            + "Check what the server or its notification application puts in BITS-Error-Code."),
        ("auth-challenge",
         "The server or a proxy asked for credentials; normal with Windows, Basic or proxy authentication. "
            + "If the request is never repeated, check the client job's credentials (SetCredentials) and the virtual directory's authentication methods."),
        ("session-multi-connection",
         "The session used several TCP connections: normal after a reconnect, a network change or a keep-alive timeout. "
            + "Many of them point at connections being dropped (proxies, load balancers, idle timeouts)."),
        ("session-moved-server",
         "The session's requests reached another server, after a BITS-Host-Id redirect or a reconnect through a load balancer. "
            + "In a farm without BITS-Host-Id or a shared upload folder, expect BG_E_SESSION_NOT_FOUND."),
        ("out-of-sync-416",
         "The server told the client where to continue (416), normally after a lost Ack or a reconnect; the client then resends from there. "
            + "Frequent ones point at connections dropping mid-fragment."),
    ]
}
