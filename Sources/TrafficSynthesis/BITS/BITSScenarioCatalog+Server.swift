extension BITSScenarioCatalog {
    /// What the server says and where it sends the client: refusals, errors, replies, farm nodes,
    /// authentication, several connections.
    static let serverSide: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "fragment-after-close",
            summary: "After a complete upload and Close-Session, a fragment of the session gets 500 + 0x8020001F."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.fragment(on: connection, fragments[2])  // the session has ended: BG_E_SESSION_NOT_FOUND
            $0.expectFindings([Code.fragmentAfterClose, Code.serverError])
        },
        BITSScenarioRecipe(
            name: "create-refused", summary: "Create-Session answered 403 + 0x80070005 (access denied)."
        ) {
            $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let refusal = $0.messages.errorAck(status: 403, errorCode: "0x80070005")
            $0.createSession(on: connection, response: .message(refusal))
            $0.expectFindings([ErrorCode.accessDenied])
        },
        BITSScenarioRecipe(
            name: "bits-error-header",
            summary: "Create-Session refused 500 with the old `BITS-Error` header name instead of BITS-Error-Code."
        ) {
            $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let refusal = $0.messages.errorAck(status: 500, errorCode: "0x80070005", errorHeaderName: "BITS-Error")
            $0.createSession(on: connection, response: .message(refusal))
            $0.expectFindings([Code.errorHeaderNameVariant, ErrorCode.errorStatusMismatch, Code.serverError])
        },
        BITSScenarioRecipe(
            name: "reply-not-fetched",
            summary: "Upload-reply: the final Ack carries BITS-Reply-URL, the client closes without fetching it."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            $0.replyURL = replyURL(&$0)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.replyNotFetched])
        },
        BITSScenarioRecipe(
            name: "reply-fetched",
            summary: "Upload-reply: the client GETs the reply URL (206) before Close-Session.", ipv6: true
        ) {
            let fragments = $0.makeFile(fragments: 3)
            $0.replyURL = replyURL(&$0)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            let reply = $0.randomBytes($0.random.integer(in: 200...2_000))
            $0.fetchReply(on: connection, reply: reply)
            $0.closeSession(on: connection)
        },
        BITSScenarioRecipe(
            name: "three-connections",
            summary: "The fragments travel over three TCP connections, each new one opened with a Ping."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let first = $0.connect()
            $0.createSession(on: first)
            $0.fragment(on: first, fragments[0])
            $0.close(first)
            let second = $0.connect()
            $0.ping(on: second)
            $0.upload(on: second, fragments[1...2])
            $0.close(second)
            let third = $0.connect()
            $0.ping(on: third)
            $0.fragment(on: third, fragments[3])
            $0.closeSession(on: third)
            $0.expectFindings([Code.sessionMultiConnection])
        },
        BITSScenarioRecipe(
            name: "host-id-moved",
            summary: "The Create-Session Ack names BITS-Host-Id node2.example; the rest goes to that second server."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let first = $0.connect()
            let ack = $0.messages.createSessionAck(
                sessionID: $0.sessionID, hostID: "node2.example", hostIDFallbackTimeout: 110
            )
            $0.createSession(on: first, response: .message(ack))
            $0.messages.host = "node2.example"
            let second = $0.connect(toSecondServer: true)
            $0.ping(on: second)
            $0.upload(on: second, fragments)
            $0.closeSession(on: second)
            $0.expectFindings([Code.sessionMovedServer, Code.sessionMultiConnection])
        },
        BITSScenarioRecipe(
            name: "protocol-mismatch",
            summary: "The Create-Session Ack picks a protocol the client never offered; the upload completes anyway."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let ack = $0.messages.createSessionAck(
                sessionID: $0.sessionID, protocolGUID: "{00000000-0000-0000-0000-000000000000}"
            )
            $0.createSession(on: connection, response: .message(ack))
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.protocolMismatch])
        },
        BITSScenarioRecipe(
            name: "auth-challenge-ping",
            summary: "The first Ping gets a 401 Negotiate challenge, is resent with credentials; then a clean upload."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.ping(on: connection, response: .message($0.messages.authenticationChallenge()))
            let token = "Negotiate " + base64($0.randomBytes(60))
            $0.ping(on: connection, adjust: { $0.insertHeader("Authorization", token, before: "User-Agent") })
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.authChallenge])
        },
        BITSScenarioRecipe(
            name: "server-unknown-session",
            summary: "Mid-upload the server answers 500 + 0x8020001F (session lost); the client gives up."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(2))
            $0.serverForgets($0.sessionID)
            $0.fragment(on: connection, fragments[2])
            $0.close(connection)
            $0.expectFindings([Code.orphanedSession, Code.serverError, Code.unknownSession])
        },
    ]

    /// An IIS reply URL: relative, backslash-separated, naming a fresh GUID ([MC-BUP] §4.2).
    static func replyURL(_ builder: inout BITSScenarioBuilder) -> String {
        "BITS-Sessions\\Replies\\" + BITSGUID.random(using: &builder.random) + "\\responsefile.bin"
    }

    /// `bytes` in standard base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                text.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 0x3F] : "=")
            }
            index += 3
        }
        return text
    }
}
