extension FindingAdvice {
    /// The BITS codes about requests, framing, negotiation and client or server identity
    /// (`BITSFindingKind.requestKinds`).
    static let requestAdvice: [(String, String)] = [
        ("non-bits-post-method",
         "A request with BITS headers used another method than BITS_POST: a non-Windows client, or a proxy or URL filter (UrlScan) rewriting or refusing the verb. "
            + "Check the client implementation and that every proxy and filter in the path allows BITS_POST."),
        ("ack-missing-content-length",
         "The server's answer has no Content-Length, so a keep-alive client cannot tell where it ends and waits until the connection closes: a non-standard BITS server, or an error page from another layer. "
            + "Check the server implementation and what answered (Server header, body)."),
        ("ack-has-body",
         "An Ack carried a body, which BITS Acks never do: a non-standard server, or a server application or proxy adding content. "
            + "Clients ignore it; check the server implementation if other findings point at it too."),
        ("missing-content-length",
         "A BITS request came without Content-Length (perhaps chunked), which the server refuses with 411 or 400: a non-Windows client or a proxy re-framing requests. "
            + "Check the client implementation and any proxy between client and server."),
        ("oversized-header",
         "A BITS header value is longer than 4 KB, which the Windows server refuses (400, E_INVALIDARG): a broken client or server, or crafted input. "
            + "Check what produced the header and whether the request was refused."),
        ("slow-ack",
         "The server took over two minutes to answer: an overloaded server, a slow disk, a slow server application (upload-reply), or a proxy holding the request. "
            + "Check server load, the IIS log's time-taken and the notification application; after five minutes a Windows client gives up and retries."),
        ("missing-supported-protocols",
         "Create-Session without BITS-Supported-Protocols, which the server refuses (400): a non-Windows client or a proxy stripping headers. "
            + "Check the client implementation."),
        ("unknown-protocol-offer",
         "The client offered no protocol the Windows server knows (only {7df0354d-249b-430f-820d-3d2a9bef4931} exists): a non-Windows client or a newer protocol version. "
            + "Expect 400 with E_INVALIDARG; the Windows client reports BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH."),
        ("malformed-session-id",
         "The server issued a session ID that is not a braced GUID: a non-Windows BITS server (some open implementations use numbers). "
            + "Harmless for Windows clients up to 100 characters; identify the server software, especially if it claims to be IIS."),
        ("unsupported-encoding",
         "A content coding other than identity was used or offered for fragments, which Windows clients and servers do not support: a non-Windows client or server, or a proxy compressing bodies. "
            + "Check the client and server implementations and any compressing proxy."),
        ("missing-content-range",
         "A Fragment came without Content-Range, so the server cannot place its bytes (400): a broken client or a proxy stripping headers. "
            + "Capture in front of any proxy to see what the client sent."),
        ("fragment-size-unusual",
         "A fragment other than the last was smaller than 5 KB or larger than 13 MB, sizes Windows clients (BITS 2.5 and later) never send: "
            + "a non-Windows client, tooling, or a client shrinking fragments below the minimum after 413s. Identify the client; "
            + "if it claims to be Windows BITS, treat the upload as suspect."),
        ("413-not-shrunk",
         "The server refused a fragment as too large (413), but the client's next fragment was not smaller: a non-Windows client that ignores the 413. "
            + "Check the client implementation, and the server's size limits (IIS request filtering's maxAllowedContentLength)."),
        ("content-name-anomaly",
         "Content-Name changed within the session, is over 260 characters, or contains characters Windows forbids in file names: a non-Windows client, tooling, or a path-injection attempt. "
            + "Servers ignore the header; find out which client sent it."),
        ("ntlm-without-ping",
         "The client opened a connection with a Fragment although the server asks for NTLM or Negotiate, so the fragment's body travelled again after the handshake. "
            + "Windows Pings first on a new connection when it expects such authentication; frequent ones point at connections dropping between fragments or a non-Windows client."),
        ("basic-auth-cleartext",
         "Basic credentials were sent over plain HTTP: anyone on the path can read the user name and password. "
            + "Use HTTPS for the upload URL, or Negotiate/NTLM authentication, and change the exposed password."),
        ("non-windows-client",
         "The client does not identify itself as Windows BITS (User-Agent Microsoft BITS/<version>): a third-party implementation, a script, or tooling using BITS uploads as a transport. "
            + "Make sure the client is expected; some tools use BITS uploads as a covert channel."),
        ("impersonated-iis-server",
         "The server says it is IIS but answers unlike the IIS BITS extension (session IDs, headers, bodies or status codes): another implementation behind an IIS banner, possibly tooling using BITS as a covert channel. "
            + "Identify the host and the software that actually serves the upload URL."),
    ]
}
