extension BITSScenarioCatalog {
    /// Finding codes of the session rules, spelled once.
    private enum SessionCode {
        static let ackMissingSessionID = "ack-missing-session-id"
        static let ackRangeMismatch = "ack-range-mismatch"
        static let ackRangeRegression = "ack-range-regression"
        static let cancelAfterComplete = "cancel-after-complete"
        static let closeRetryAnomaly = "close-retry-anomaly"
        static let createSession201 = "create-session-201"
        static let fragmentAfterClose = "fragment-after-close"
        static let fragmentAfterComplete = "fragment-after-complete"
        static let fragmentDuplicate = "fragment-duplicate"
        static let hostIDFallback = "host-id-fallback"
        static let hostIDFallbackInconsistent = "host-id-fallback-inconsistent"
        static let hostIDNotHonored = "host-id-not-honored"
        static let orphanedSession = "orphaned-session"
        static let protocolOnErrorAck = "protocol-on-error-ack"
        static let receivedRangeMalformed = "received-range-malformed"
        static let replyURLInconsistent = "reply-url-inconsistent"
        static let replyURLOnNonFinalAck = "reply-url-on-non-final-ack"
        static let restartMissing = "restart-missing"
        static let serverError = "server-error"
        static let sessionIDEchoMismatch = "session-id-echo-mismatch"
        static let sessionMovedServer = "session-moved-server"
        static let sessionMultiConnection = "session-multi-connection"
        static let sessionNotFoundWrongCode = "session-not-found-wrong-code"
        static let unknownSession = "unknown-session"
    }

    /// A session's identity, its Acks and how it ends (reference §5 #18–#60): one session each.
    static let sessions: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "create-refused-with-protocol",
            summary: "Create-Session refused 400 + 0x80070057, yet the refusal names a BITS-Protocol."
        ) {
            $0.makeFile(fragments: 3)
            let connection = $0.connect()
            var refusal = $0.messages.errorAck(status: 400, errorCode: "0x80070057")
            refusal.insertHeader("BITS-Protocol", BITSMessageBuilder.protocolGUID, before: "Content-Length")
            $0.createSession(on: connection, response: .message(refusal))
            $0.expectFindings([SessionCode.protocolOnErrorAck, SessionCode.serverError])
        },
        BITSScenarioRecipe(
            name: "create-session-201", summary: "Create-Session answered 201 Created (the SDK allows it, IIS sends 200)."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            var created = $0.messages.createSessionAck(sessionID: $0.sessionID)
            created.setStatus(201)
            $0.createSession(on: connection, response: .message(created))
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.createSession201])
        },
        BITSScenarioRecipe(
            name: "host-id-timeout-alone",
            summary: "The Create-Session Ack gives BITS-Host-Id-Fallback-Timeout without BITS-Host-Id."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let ack = $0.messages.createSessionAck(sessionID: $0.sessionID, hostIDFallbackTimeout: 110)
            $0.createSession(on: connection, response: .message(ack))
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.hostIDFallbackInconsistent])
        },
        BITSScenarioRecipe(
            name: "host-id-not-honored",
            summary: "The Create-Session Ack names BITS-Host-Id node2.example; the client keeps sending to bits.example."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            let ack = $0.messages.createSessionAck(sessionID: $0.sessionID, hostID: "node2.example", hostIDFallbackTimeout: 110)
            $0.createSession(on: connection, response: .message(ack))
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.hostIDNotHonored])
        },
        BITSScenarioRecipe(
            name: "host-id-fallback",
            summary: "After a fragment to the Host-Id node, the client waits past the 5 s fallback timeout and returns to bits.example."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let first = $0.connect()
            let ack = $0.messages.createSessionAck(sessionID: $0.sessionID, hostID: "node2.example", hostIDFallbackTimeout: 5)
            $0.createSession(on: first, response: .message(ack))
            $0.messages.host = "node2.example"
            let node = $0.connect(toSecondServer: true)
            $0.ping(on: node)
            $0.fragment(on: node, fragments[0])
            $0.close(node, .reset)
            $0.pause(milliseconds: 6_000)
            $0.messages.host = "bits.example"
            let back = $0.connect()
            $0.ping(on: back)
            $0.upload(on: back, fragments[1...])
            $0.closeSession(on: back)
            $0.expectFindings([SessionCode.hostIDFallback, SessionCode.sessionMovedServer, SessionCode.sessionMultiConnection])
        },
        BITSScenarioRecipe(
            name: "session-not-found-wrong-code",
            summary: "After Close-Session, a fragment of the session is answered 400 + 0x80070057 instead of 500 + 0x8020001F."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            let wrong = $0.messages.errorAck(status: 400, errorCode: "0x80070057", sessionID: $0.sessionID)
            $0.fragment(on: connection, fragments[2], response: .message(wrong))
            $0.expectFindings([SessionCode.fragmentAfterClose, SessionCode.serverError, SessionCode.sessionNotFoundWrongCode])
        },
        BITSScenarioRecipe(
            name: "fragment-after-complete",
            summary: "Every byte acknowledged, the client sends the final fragment again (acked again), then Close-Session."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.fragment(on: connection, fragments[2])
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.fragmentAfterComplete, SessionCode.fragmentDuplicate])
        },
        BITSScenarioRecipe(
            name: "received-range-past-total",
            summary: "The final fragment's Ack claims an offset 1,000 bytes past the total; the client resends it and gets the total."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(2))
            let past = $0.messages.fragmentAck(sessionID: $0.sessionID, received: $0.file.count + 1_000)
            $0.fragment(on: connection, fragments[2], response: .message(past))
            let right = $0.messages.fragmentAck(sessionID: $0.sessionID, received: $0.file.count)
            $0.fragment(on: connection, fragments[2], response: .message(right))
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.ackRangeMismatch, SessionCode.ackRangeRegression, SessionCode.fragmentAfterComplete,
                               SessionCode.fragmentDuplicate, SessionCode.receivedRangeMalformed])
        },
        BITSScenarioRecipe(
            name: "session-id-echo-mismatch",
            summary: "The second fragment's Ack names another BITS-Session-Id than the request."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            let other = BITSGUID.random(using: &$0.random)
            let ack = $0.messages.fragmentAck(sessionID: other, received: fragments[1].upperBound)
            $0.fragment(on: connection, fragments[1], response: .message(ack))
            $0.fragment(on: connection, fragments[2])
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.sessionIDEchoMismatch])
        },
        BITSScenarioRecipe(
            name: "ack-missing-session-id",
            summary: "As in the spec's IIS 6 captures, the Fragment and Close-Session Acks carry no BITS-Session-Id."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            for range in fragments {
                let ack = $0.messages.fragmentAck(sessionID: nil, received: range.upperBound)
                $0.fragment(on: connection, range, response: .message(ack))
            }
            $0.closeSession(on: connection, response: .message($0.messages.ack()))
            $0.expectFindings([SessionCode.ackMissingSessionID])
        },
        BITSScenarioRecipe(
            name: "reply-url-on-non-final-ack",
            summary: "Upload-reply: the first fragment's Ack already carries BITS-Reply-URL; the client fetches the reply and closes."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let reply = replyURL(&$0)
            $0.replyURL = reply
            let connection = $0.connect()
            $0.createSession(on: connection)
            let early = $0.messages.fragmentAck(sessionID: $0.sessionID, received: fragments[0].upperBound, replyURL: reply)
            $0.fragment(on: connection, fragments[0], response: .message(early))
            $0.upload(on: connection, fragments[1...])
            $0.fetchReply(on: connection, reply: $0.randomBytes($0.random.integer(in: 200...2_000)))
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.replyURLOnNonFinalAck])
        },
        BITSScenarioRecipe(
            name: "reply-url-too-long",
            summary: "Upload-reply: the final Ack's BITS-Reply-URL is over 2,200 characters; the client fetches it and closes."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let name = String(repeating: "r", count: 2_300) + ".bin"
            $0.replyURL = "BITS-Sessions\\Replies\\" + BITSGUID.random(using: &$0.random) + "\\" + name
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.fetchReply(on: connection, reply: $0.randomBytes($0.random.integer(in: 200...2_000)))
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.replyURLInconsistent])
        },
        BITSScenarioRecipe(
            name: "cancel-after-complete", summary: "Every byte acknowledged, then Cancel-Session instead of Close-Session."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.cancelSession(on: connection)
            $0.expectFindings([SessionCode.cancelAfterComplete])
        },
        BITSScenarioRecipe(
            name: "close-retry-after-400",
            summary: "Close-Session answered 400 + 0x80070057 is sent again (Windows retries only after a 5xx); 200."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            let refusal = $0.messages.errorAck(status: 400, errorCode: "0x80070057", sessionID: $0.sessionID)
            $0.closeSession(on: connection, response: .message(refusal))
            $0.closeSession(on: connection)
            $0.expectFindings([SessionCode.closeRetryAnomaly, SessionCode.serverError])
        },
        BITSScenarioRecipe(
            name: "restart-missing",
            summary: "The server loses the session (500 + 0x8020001F); the client sends the fragment again with the dead ID."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(2))
            $0.serverForgets($0.sessionID)
            $0.fragment(on: connection, fragments[2])
            $0.fragment(on: connection, fragments[2])
            $0.close(connection)
            $0.expectFindings([SessionCode.orphanedSession, SessionCode.restartMissing, SessionCode.serverError,
                               SessionCode.unknownSession])
        },
    ]

    /// Scenarios the analysis reports as two session records with one ID, so they are outside
    /// ``all``, whose expectations (built per session ID) and samples hold one session each: the
    /// same ID given to a second session (`session-id-reuse` on the second record), and a session
    /// that speaks again after more than 14 days (the first record `orphaned-session` at the idle
    /// timeout, the second `session-timeout-exceeded`). Their tests state what each record shows.
    public static let sessionsInTwoRecords: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "session-id-reuse",
            summary: "A clean upload; on a new connection the next Create-Session is given the same session ID again."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let first = $0.connect()
            $0.createSession(on: first)
            $0.upload(on: first, fragments)
            $0.closeSession(on: first)
            $0.close(first)
            let second = $0.connect()
            $0.createSession(on: second, response: .message($0.messages.createSessionAck(sessionID: $0.sessionID)))
            $0.upload(on: second, fragments)
            $0.closeSession(on: second)
        },
        BITSScenarioRecipe(
            name: "session-timeout-exceeded",
            summary: "Two fragments, then 15 days of silence; the client reconnects and the server still accepts the session."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let first = $0.connect()
            $0.createSession(on: first)
            $0.upload(on: first, fragments.prefix(2))
            $0.close(first)
            $0.pause(milliseconds: 15 * 86_400_000)
            let second = $0.connect()
            $0.ping(on: second)
            $0.fragment(on: second, fragments[2])
            $0.closeSession(on: second)
        },
    ]
}
