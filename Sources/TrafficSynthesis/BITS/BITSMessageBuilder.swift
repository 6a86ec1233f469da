/// Builds the HTTP/1.1 messages of a BITS upload byte for byte as a Windows client and an IIS
/// server send them ([MC-BUP] §4.1; `../shared/reference/bits-protocol.md` Appendix B).
///
/// Every method returns a ``SyntheticHTTPMessage`` that a scenario may still change: override or
/// remove any header, change the status line, or send a raw message of its own.
public struct BITSMessageBuilder: Hashable, Sendable {
    /// The five request packet types.
    public enum RequestType: String, Hashable, Sendable, CaseIterable {
        /// Ping: opens or authenticates a connection.
        case ping
        /// Create-Session: asks for a new upload session.
        case createSession = "create-session"
        /// Fragment: one slice of the file.
        case fragment
        /// Close-Session: commits the upload.
        case closeSession = "close-session"
        /// Cancel-Session: abandons the session.
        case cancelSession = "cancel-session"

        /// The lower-case name an analysis reports (`create-session`).
        public var code: String { rawValue }

        /// The mixed-case spelling Windows sends (`Create-Session`).
        public var windowsSpelling: String {
            switch self {
            case .ping: return "Ping"
            case .createSession: return "Create-Session"
            case .fragment: return "Fragment"
            case .closeSession: return "Close-Session"
            case .cancelSession: return "Cancel-Session"
            }
        }
    }

    /// How `BITS-Packet-Type` values are spelled (the protocol compares them case-insensitively).
    public enum PacketTypeSpelling: Hashable, Sendable {
        /// As Windows sends them: `Create-Session`, `Ack`.
        case windows
        /// As the specification's tables write them: `CREATE-SESSION`, `ACK`.
        case upperCase
        /// All lower case: `create-session`, `ack`.
        case lowerCase
    }

    /// The only protocol defined, "BITS 1.5 Upload Protocol", in the lower case IIS returns.
    public static let protocolGUID = "{7df0354d-249b-430f-820d-3d2a9bef4931}"

    /// The `Host` header of requests.
    public var host: String
    /// The request target: the upload URL's path.
    public var path: String
    /// The `Content-Name` header (the local file name).
    public var contentName: String
    /// Whether Create-Session carries `Content-Name` (older Windows and the [MC-BUP] example do).
    public var contentNameOnCreate = true
    /// The client's `User-Agent`.
    public var userAgent = "Microsoft BITS/7.8"
    /// The server's `Server` header.
    public var serverSoftware = "Microsoft-IIS/10.0"
    /// How packet types are spelled in requests and Acks.
    public var spelling = PacketTypeSpelling.windows

    /// Creates a builder for uploads of `contentName` to `path` on `host`.
    public init(host: String, path: String, contentName: String) {
        self.host = host
        self.path = path
        self.contentName = contentName
    }

    /// `type` spelled as ``spelling`` says.
    public func spelled(_ type: RequestType) -> String { spell(type.windowsSpelling) }

    /// `Ack` spelled as ``spelling`` says.
    public var spelledAck: String { spell("Ack") }

    // MARK: Requests

    /// A body-less `BITS_POST` of `type`, with `BITS-Session-Id` when `sessionID` is given, in the
    /// Windows header order: Accept, BITS-Packet-Type, BITS-Session-Id, User-Agent, Host,
    /// Content-Length, Connection.
    public func request(_ type: RequestType, sessionID: String? = nil) -> SyntheticHTTPMessage {
        var headers = [SyntheticHeaderField("Accept", "*/*"), SyntheticHeaderField("BITS-Packet-Type", spelled(type))]
        if let sessionID { headers.append(SyntheticHeaderField("BITS-Session-Id", sessionID)) }
        headers += [
            SyntheticHeaderField("User-Agent", userAgent), SyntheticHeaderField("Host", host),
            SyntheticHeaderField("Content-Length", "0"), SyntheticHeaderField("Connection", "Keep-Alive"),
        ]
        return SyntheticHTTPMessage(startLine: "BITS_POST \(path) HTTP/1.1", headers: headers)
    }

    /// A Ping (no session ID, no body).
    public func ping() -> SyntheticHTTPMessage { request(.ping) }

    /// A Create-Session offering `supportedProtocols` (space-separated, most preferred first).
    public func createSession(supportedProtocols: [String] = [Self.protocolGUID]) -> SyntheticHTTPMessage {
        var message = request(.createSession)
        let offered = supportedProtocols.joined(separator: " ")
        message.insertHeader("BITS-Supported-Protocols", offered, before: "User-Agent")
        if contentNameOnCreate { message.insertHeader("Content-Name", contentName, before: "User-Agent") }
        return message
    }

    /// A Fragment carrying `body` with `Content-Range: bytes first-last/total`; Content-Length is
    /// the body's length, whatever the range says.
    public func fragment(sessionID: String?, first: Int, last: Int, total: Int, body: [UInt8]) -> SyntheticHTTPMessage {
        fragment(sessionID: sessionID, contentRange: "bytes \(first)-\(last)/\(total)", body: body)
    }

    /// A Fragment carrying `body` with the `Content-Range` value given verbatim.
    public func fragment(sessionID: String?, contentRange: String, body: [UInt8]) -> SyntheticHTTPMessage {
        var message = request(.fragment, sessionID: sessionID)
        message.insertHeader("Content-Name", contentName, before: "User-Agent")
        message.insertHeader("Content-Range", contentRange, before: "User-Agent")
        message.setBody(body)
        return message
    }

    /// A Close-Session for `sessionID`.
    public func closeSession(sessionID: String?) -> SyntheticHTTPMessage {
        request(.closeSession, sessionID: sessionID)
    }

    /// A Cancel-Session for `sessionID`.
    public func cancelSession(sessionID: String?) -> SyntheticHTTPMessage {
        request(.cancelSession, sessionID: sessionID)
    }

    /// A `GET` of an upload-reply (`path` already resolved and percent-encoded), asking for
    /// `range` when given, as the BITS download machinery sends it.
    public func replyRequest(path replyPath: String, range: ClosedRange<Int>? = nil) -> SyntheticHTTPMessage {
        var headers = [SyntheticHeaderField("Accept", "*/*")]
        if let range { headers.append(SyntheticHeaderField("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        headers += [
            SyntheticHeaderField("User-Agent", userAgent), SyntheticHeaderField("Host", host),
            SyntheticHeaderField("Connection", "Keep-Alive"),
        ]
        return SyntheticHTTPMessage(startLine: "GET \(replyPath) HTTP/1.1", headers: headers)
    }

    // MARK: Responses

    /// An Ack with `status` (reason defaulting to the standard phrase): Server, Pragma,
    /// BITS-Packet-Type, BITS-Session-Id when `sessionID` is given, Content-Length 0.
    public func ack(status: Int = 200, reason: String? = nil, sessionID: String? = nil) -> SyntheticHTTPMessage {
        var message = SyntheticHTTPMessage(startLine: "")
        message.setStatus(status, reason: reason)
        message.headers = [
            SyntheticHeaderField("Server", serverSoftware), SyntheticHeaderField("Pragma", "no-cache"),
            SyntheticHeaderField("BITS-Packet-Type", spelledAck),
        ]
        if let sessionID { message.headers.append(SyntheticHeaderField("BITS-Session-Id", sessionID)) }
        message.headers.append(SyntheticHeaderField("Content-Length", "0"))
        return message
    }

    /// The 200 Ack to a Create-Session: BITS-Protocol, BITS-Session-Id, Accept-Encoding, and the
    /// Host-Id headers when given.
    public func createSessionAck(
        sessionID: String,
        protocolGUID: String = Self.protocolGUID,
        hostID: String? = nil,
        hostIDFallbackTimeout: Int? = nil
    ) -> SyntheticHTTPMessage {
        var message = ack(sessionID: sessionID)
        message.insertHeader("BITS-Protocol", protocolGUID, before: "BITS-Session-Id")
        message.headers.append(SyntheticHeaderField("Accept-Encoding", "identity"))
        if let hostID { message.headers.append(SyntheticHeaderField("BITS-Host-Id", hostID)) }
        if let hostIDFallbackTimeout {
            message.headers.append(SyntheticHeaderField("BITS-Host-Id-Fallback-Timeout", String(hostIDFallbackTimeout)))
        }
        return message
    }

    /// The Ack to a Fragment: `status` (200, or 416 to resynchronise), BITS-Received-Content-Range
    /// `received`, and BITS-Reply-URL when given.
    public func fragmentAck(
        status: Int = 200,
        sessionID: String?,
        received: Int,
        replyURL: String? = nil
    ) -> SyntheticHTTPMessage {
        var message = ack(status: status, sessionID: sessionID)
        message.headers.append(SyntheticHeaderField("BITS-Received-Content-Range", String(received)))
        if let replyURL { message.headers.append(SyntheticHeaderField("BITS-Reply-URL", replyURL)) }
        return message
    }

    /// An error Ack: `status`, the HRESULT under `errorHeaderName` (the spec's older name is
    /// `BITS-Error`) and BITS-Error-Context `context` (`0x5`: raised by the BITS server).
    public func errorAck(
        status: Int,
        errorCode: String,
        context: String = "0x5",
        sessionID: String? = nil,
        errorHeaderName: String = "BITS-Error-Code"
    ) -> SyntheticHTTPMessage {
        var message = ack(status: status, sessionID: sessionID)
        message.headers.append(SyntheticHeaderField(errorHeaderName, errorCode))
        message.headers.append(SyntheticHeaderField("BITS-Error-Context", context))
        return message
    }

    /// IIS's 401 challenge: an HTML body, one `WWW-Authenticate` per scheme, no BITS headers; with
    /// `proxy`, a proxy's 407 with `Proxy-Authenticate`.
    public func authenticationChallenge(schemes: [String] = ["Negotiate", "NTLM"], proxy: Bool = false)
        -> SyntheticHTTPMessage
    {
        let page = "<!DOCTYPE html><html><head><title>401 - Unauthorized: Access is denied due to invalid "
            + "credentials.</title></head><body><h2>401 - Unauthorized: Access is denied due to invalid "
            + "credentials.</h2></body></html>"
        var message = SyntheticHTTPMessage(
            startLine: proxy ? "HTTP/1.1 407 Proxy Authentication Required" : "HTTP/1.1 401 Unauthorized")
        message.headers = [SyntheticHeaderField("Content-Type", "text/html"), SyntheticHeaderField("Server", serverSoftware)]
        message.headers += schemes.map { SyntheticHeaderField(proxy ? "Proxy-Authenticate" : "WWW-Authenticate", $0) }
        message.setBody(Array(page.utf8))
        return message
    }

    /// A 206 answer to a reply `GET`: `body` is bytes `first...` of an entity of `total` bytes.
    public func partialContent(body: [UInt8], first: Int, total: Int) -> SyntheticHTTPMessage {
        var message = SyntheticHTTPMessage(startLine: "HTTP/1.1 206 Partial Content")
        message.headers = [
            SyntheticHeaderField("Content-Type", "application/octet-stream"), SyntheticHeaderField("Accept-Ranges", "bytes"),
            SyntheticHeaderField("Server", serverSoftware),
            SyntheticHeaderField("Content-Range", "bytes \(first)-\(first + body.count - 1)/\(total)"),
        ]
        message.setBody(body)
        return message
    }

    private func spell(_ windows: String) -> String {
        switch spelling {
        case .windows: return windows
        case .upperCase: return windows.uppercased()
        case .lowerCase: return windows.lowercased()
        }
    }
}
