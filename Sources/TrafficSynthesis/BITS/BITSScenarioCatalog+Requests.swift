extension BITSScenarioCatalog {
    /// Requests and answers that break BITS framing, negotiation or the Windows and IIS patterns
    /// (reference §5 #1, #6, #7, #9, #10, #13, #15, #16, #20, #26, #30, #47, #50, #72, #79, #80).
    /// Servers here are lenient unless said otherwise: they accept what IIS would refuse, so that
    /// each scenario shows its own finding.
    static let requests: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "non-bits-post-method",
            summary: "Mid-session the client sends a Ping with method POST instead of BITS_POST; a lenient server answers it."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let path = $0.messages.path
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.ping(on: connection, adjust: { $0.startLine = "POST \(path) HTTP/1.1" })
            $0.upload(on: connection, fragments[1...])
            $0.closeSession(on: connection)
            $0.expectFindings([Code.nonBITSPostMethod])
        },
        BITSScenarioRecipe(
            name: "ack-without-content-length",
            summary: "A Python server's Close-Session Ack has no Content-Length; its end is the connection's close."
        ) {
            pythonServerUpload(&$0, closeAck: { $0.removeHeader("Content-Length") })
            $0.expectFindings([Code.ackMissingContentLength])
        },
        BITSScenarioRecipe(
            name: "ack-with-body",
            summary: "A Python server answers Close-Session with an Ack carrying a short text body."
        ) {
            pythonServerUpload(&$0, closeAck: { $0.setBody(Array("upload stored\r\n".utf8)) })
            $0.expectFindings([Code.ackHasBody])
        },
        BITSScenarioRecipe(
            name: "missing-content-length",
            summary: "The Close-Session carries no Content-Length; a lenient server accepts it."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection, adjust: { $0.removeHeader("Content-Length") })
            $0.expectFindings([Code.missingContentLength])
        },
        BITSScenarioRecipe(
            name: "oversized-header",
            summary: "Create-Session offers 120 protocol GUIDs, a BITS-Supported-Protocols value over 4 KB; the server picks BITS 1.5."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            var offered = [BITSMessageBuilder.protocolGUID]
            for _ in 1..<120 { offered.append(BITSGUID.random(using: &$0.random)) }
            let list = offered.joined(separator: " ")
            let connection = $0.connect()
            $0.createSession(on: connection, adjust: { $0.setHeader("BITS-Supported-Protocols", list) })
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.oversizedHeader])
        },
        BITSScenarioRecipe(
            name: "slow-ack",
            summary: "The server answers the second fragment 150 s after receiving it; the upload then completes."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.sendFragment(on: connection, fragments[1])
            $0.pause(milliseconds: 150_000)
            $0.respond(on: connection)
            $0.fragment(on: connection, fragments[2])
            $0.closeSession(on: connection)
            $0.expectFindings([Code.slowAck])
        },
        BITSScenarioRecipe(
            name: "missing-supported-protocols",
            summary: "Create-Session without BITS-Supported-Protocols; a server that does not check picks BITS 1.5 anyway."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection, adjust: { $0.removeHeader("BITS-Supported-Protocols") })
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.missingSupportedProtocols, Code.protocolMismatch])
        },
        BITSScenarioRecipe(
            name: "unknown-protocol-offer",
            summary: "Create-Session offers only an unknown protocol GUID and is refused 400 + E_INVALIDARG."
        ) {
            $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let refusal = $0.messages.errorAck(status: 400, errorCode: "0x80070057")
            let unknown = BITSGUID.random(using: &$0.random).lowercased()
            $0.createSession(on: connection, adjust: { $0.setHeader("BITS-Supported-Protocols", unknown) },
                             response: .message(refusal))
            $0.expectFindings([Code.serverError, Code.unknownProtocolOffer])
        },
        BITSScenarioRecipe(
            name: "numeric-session-id",
            summary: "A Python server issues a signed decimal session ID, as SimpleBITSServer does; the upload completes."
        ) {
            $0.messages.serverSoftware = pythonServer
            uploadWithIssuedID(&$0, "-5381917586464254327")
            $0.expectFindings([Code.malformedSessionID])
        },
        BITSScenarioRecipe(
            name: "impersonated-iis",
            summary: "A server with an IIS banner issues a numeric session ID and Acks without Pragma, unlike IIS."
        ) {
            uploadWithIssuedID(&$0, "7311958603", pragma: false)
            $0.expectFindings([Code.impersonatedIISServer, Code.malformedSessionID])
        },
        BITSScenarioRecipe(
            name: "unsupported-encoding",
            summary: "Every fragment says Content-Encoding: gzip; a lenient server acknowledges them."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let id = $0.sessionID
            $0.createSession(on: connection)
            for range in fragments {
                sendFragment(&$0, on: connection, range, sessionID: id) {
                    $0.insertHeader("Content-Encoding", "gzip", before: "User-Agent")
                }
            }
            $0.closeSession(on: connection)
            $0.expectFindings([Code.unsupportedEncoding])
        },
        BITSScenarioRecipe(
            name: "missing-content-range",
            summary: "The second fragment has no Content-Range; 400, and the client gives up."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let id = $0.sessionID
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            sendFragment(&$0, on: connection, fragments[1], sessionID: id, rangeIsValid: false) {
                $0.removeHeader("Content-Range")
            }
            $0.close(connection)
            $0.expectFindings([Code.missingContentRange, Code.orphanedSession, Code.serverError])
        },
        BITSScenarioRecipe(
            name: "413-not-shrunk",
            summary: "The first fragment gets 413; the client sends it again at the same size, and it is accepted."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0], response: .message($0.messages.ack(status: 413, sessionID: $0.sessionID)))
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            // A bare 413 names its cause (upload-too-large) and carries no error code.
            $0.expectFindings([Code.fragmentNotShrunkAfter413, ErrorCode.uploadTooLarge, ErrorCode.errorCodeMissing])
        },
        BITSScenarioRecipe(
            name: "content-name-anomaly",
            summary: "The last fragment's Content-Name is a relative path, unlike the name sent before."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let id = $0.sessionID
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(2))
            sendFragment(&$0, on: connection, fragments[2], sessionID: id) {
                $0.setHeader("Content-Name", "..\\..\\inetpub\\wwwroot\\upload.aspx")
            }
            $0.closeSession(on: connection)
            $0.expectFindings([Code.contentNameAnomaly])
        },
        BITSScenarioRecipe(
            name: "ntlm-without-ping",
            summary: "After a reconnect the client opens the new connection with a Fragment; NTLM challenges it and its body travels three times."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let id = $0.sessionID
            let first = $0.connect()
            ntlmHandshake(&$0) { script, authorization, response in
                script.createSession(on: first, adjust: { message in
                    if let authorization { message.insertHeader("Authorization", authorization, before: "User-Agent") }
                }, response: response)
            }
            $0.fragment(on: first, fragments[0])
            $0.close(first)
            let second = $0.connect()
            ntlmHandshake(&$0) { script, authorization, response in
                sendFragment(&script, on: second, fragments[1], sessionID: id, response: response) { message in
                    if let authorization { message.insertHeader("Authorization", authorization, before: "User-Agent") }
                }
            }
            $0.fragment(on: second, fragments[2])
            $0.closeSession(on: second)
            $0.expectFindings([Code.authChallenge, Code.ntlmWithoutPing, Code.sessionMultiConnection])
        },
        BITSScenarioRecipe(
            name: "non-windows-client",
            summary: "A client identifying itself as python-requests uploads cleanly."
        ) {
            $0.messages.userAgent = "python-requests/2.31.0"
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.nonWindowsClient])
        },
    ]

    /// The `Server` banner of Python's http.server, on which the open BITS servers are built.
    private static let pythonServer = "BaseHTTP/0.6 Python/3.11.4"

    /// A Python server's clean upload of three fragments on one connection, its Close-Session
    /// answered by an Ack that `adjust` changes.
    private static func pythonServerUpload(_ script: inout BITSScenarioBuilder,
                                           closeAck adjust: (inout SyntheticHTTPMessage) -> Void) {
        script.messages.serverSoftware = pythonServer
        let fragments = script.makeFile(fragments: 3)
        let connection = script.connect()
        script.createSession(on: connection)
        script.upload(on: connection, fragments)
        var ack = script.messages.ack(sessionID: script.sessionID)
        adjust(&ack)
        script.closeSession(on: connection, response: .message(ack))
    }

    /// A clean upload of three fragments on one connection whose Create-Session Ack issues `id`;
    /// without `pragma`, every Ack lacks `Pragma: no-cache`.
    private static func uploadWithIssuedID(_ script: inout BITSScenarioBuilder, _ id: String, pragma: Bool = true) {
        let fragments = script.makeFile(fragments: 3)
        let connection = script.connect()
        func unlessPragma(_ message: SyntheticHTTPMessage) -> SyntheticHTTPMessage {
            var message = message
            if !pragma { message.removeHeader("Pragma") }
            return message
        }
        script.createSession(on: connection, response: .message(unlessPragma(script.messages.createSessionAck(sessionID: id))))
        var offset = 0
        for range in fragments {
            offset = range.upperBound
            let ack = script.messages.fragmentAck(sessionID: id, received: offset)
            sendFragment(&script, on: connection, range, sessionID: id, response: .message(unlessPragma(ack))) { _ in }
        }
        script.exchange(script.messages.closeSession(sessionID: id), on: connection,
                        as: .bits(.closeSession, sessionID: id, fragment: nil),
                        response: .message(unlessPragma(script.messages.ack(sessionID: id))))
    }

    /// Sends a Fragment of session `id` carrying file bytes `range`, changed by `adjust`, and answers
    /// it as `response` says. `rangeIsValid: false` tells the generator the server must refuse it.
    private static func sendFragment(
        _ script: inout BITSScenarioBuilder, on connection: Int, _ range: Range<Int>, sessionID id: String,
        rangeIsValid: Bool = true, response: BITSScenarioBuilder.Response = .automatic,
        adjust: (inout SyntheticHTTPMessage) -> Void
    ) {
        let body = Array(script.file[range])
        let last = range.upperBound - 1
        var message = script.messages.fragment(sessionID: id, first: range.lowerBound, last: last, total: script.file.count,
                                               body: body)
        adjust(&message)
        let facts = BITSFragmentFacts(first: range.lowerBound, last: last, total: script.file.count,
                                      rangeIsValid: rangeIsValid, body: body)
        script.exchange(message, on: connection, as: .bits(.fragment, sessionID: id, fragment: facts), response: response)
    }

    /// NTLM's three legs on one connection: `send` sends the request without credentials (answered
    /// 401 NTLM), with the negotiate message (answered 401 with the server's challenge), then with
    /// the authenticate message (answered automatically).
    private static func ntlmHandshake(
        _ script: inout BITSScenarioBuilder,
        send: (inout BITSScenarioBuilder, String?, BITSScenarioBuilder.Response) -> Void
    ) {
        send(&script, nil, .message(script.messages.authenticationChallenge(schemes: ["NTLM"])))
        let negotiate = "NTLM " + base64(script.randomBytes(40))
        let challenge = script.messages.authenticationChallenge(schemes: ["NTLM " + base64(script.randomBytes(120))])
        send(&script, negotiate, .message(challenge))
        send(&script, "NTLM " + base64(script.randomBytes(300)), .automatic)
    }
}

extension BITSScenarioCatalog {
    /// Fragment sizes outside what Windows clients send (`fragment-size-unusual`).
    static let fragmentSizes: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "fragment-size-unusual",
            summary: "A client with a Windows User-Agent uploads 6 KB in 1 KB fragments, below Windows clients' 5 KB minimum."
        ) {
            $0.makeFile(length: 6_144)
            let fragments = stride(from: 0, to: 6_144, by: 1_024).map { $0..<($0 + 1_024) }
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.fragmentSizeUnusual])
        },
    ]
}

extension BITSScenarioCatalog.Code {
    static let ackHasBody = "ack-has-body"
    static let ackMissingContentLength = "ack-missing-content-length"
    static let basicAuthCleartext = "basic-auth-cleartext"
    static let contentNameAnomaly = "content-name-anomaly"
    static let fragmentNotShrunkAfter413 = "413-not-shrunk"
    static let fragmentSizeUnusual = "fragment-size-unusual"
    static let impersonatedIISServer = "impersonated-iis-server"
    static let malformedSessionID = "malformed-session-id"
    static let missingContentLength = "missing-content-length"
    static let missingContentRange = "missing-content-range"
    static let missingSupportedProtocols = "missing-supported-protocols"
    static let nonBITSPostMethod = "non-bits-post-method"
    static let nonWindowsClient = "non-windows-client"
    static let ntlmWithoutPing = "ntlm-without-ping"
    static let oversizedHeader = "oversized-header"
    static let slowAck = "slow-ack"
    static let unknownProtocolOffer = "unknown-protocol-offer"
    static let unsupportedEncoding = "unsupported-encoding"
}
