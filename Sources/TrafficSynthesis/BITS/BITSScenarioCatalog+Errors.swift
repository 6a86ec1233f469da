extension BITSScenarioCatalog {
    /// Error signalling, server configuration and back-end notification (reference §5 E, F, G): one
    /// scenario per finding, most of them a Create-Session refused in the way the finding describes.
    static let errors: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "error-header-on-success",
            summary: "Like some Python servers, the Ping Acks carry BITS-Error-Code 0x0 and BITS-Error-Context 0x5; the upload completes."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            var ack = $0.messages.ack()
            ack.insertHeader("BITS-Error-Code", "0x0", before: "Content-Length")
            ack.insertHeader("BITS-Error-Context", "0x5", before: "Content-Length")
            $0.ping(on: connection, response: .message(ack))
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([ErrorCode.errorHeaderOnSuccess])
        },
        refusedCreate("error-context-orphan", "Create-Session refused 500 + 0x80004005 (E_FAIL) without BITS-Error-Context.",
                      status: 500, code: "0x80004005", context: nil, [ErrorCode.errorContextOrphan, Code.serverError]),
        refusedCreate("invalid-error-context", "Create-Session refused 500 + 0x80004005 with BITS-Error-Context 0x0.",
                      status: 500, code: "0x80004005", context: "0x0", [ErrorCode.invalidErrorContext, Code.serverError]),
        refusedCreate("error-context-mismatch",
                      "Like the XenServer Transfer VM, the server labels its own 400 + E_INVALIDARG with context 0x7 (application).",
                      status: 400, code: "0x80070057", context: "0x7", [ErrorCode.errorContextMismatch, Code.serverError]),
        refusedCreate("error-status-mismatch", "Create-Session refused 500 + 0x80070057 (E_INVALIDARG, which the spec pairs with 400).",
                      status: 500, code: "0x80070057", context: "0x5", [ErrorCode.errorStatusMismatch, Code.serverError]),
        refusedCreate("error-code-missing", "Create-Session refused with a bare 500 Ack: no BITS-Error-Code, no context.",
                      status: 500, code: nil, context: nil, [ErrorCode.errorCodeMissing, Code.serverError]),
        refusedCreate("client-server-http-error-codes",
                      "Like a Qt server, a protocol mismatch is refused 400 + 0x80200005, an HRESULT of the BITS client.",
                      status: 400, code: "0x80200005", context: "0x5", [ErrorCode.clientServerHTTPErrorCodes, Code.serverError]),
        refusedCreate("uploads-disabled", "Create-Session refused 501 + 0x80070005: BITS uploads are not enabled on the virtual directory.",
                      status: 501, code: "0x80070005", context: "0x5", [ErrorCode.uploadsDisabled]),
        refusedCreate("destination-conflict", "Create-Session refused 409 + 0x800700B7 (already exists): overwrites are off.",
                      status: 409, code: "0x800700B7", context: "0x5", [ErrorCode.destinationConflict]),
        BITSScenarioRecipe(
            name: "upload-too-large",
            summary: "The first fragment is refused 500 + 0x80200020 (BG_E_TOO_LARGE); the client cancels the session."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            let refusal = $0.messages.errorAck(status: 500, errorCode: "0x80200020", sessionID: $0.sessionID)
            $0.fragment(on: connection, fragments[0], response: .message(refusal))
            $0.cancelSession(on: connection)
            $0.expectFindings([ErrorCode.uploadTooLarge])
        },
        BITSScenarioRecipe(
            name: "fragment-413-smaller",
            summary: "A fragment is refused with a bare 413; the client sends the same bytes again in two smaller fragments."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            // The refused fragment spans two (10–16 KiB), so its halves stay above Windows' 5 KB minimum.
            let refused = fragments[1].lowerBound..<fragments[2].upperBound
            $0.fragment(on: connection, refused, response: .message($0.messages.ack(status: 413, sessionID: $0.sessionID)))
            $0.upload(on: connection, fragments[1...])
            $0.closeSession(on: connection)
            $0.expectFindings([ErrorCode.errorCodeMissing, ErrorCode.uploadTooLarge])
        },
        BITSScenarioRecipe(
            name: "server-disk-full",
            summary: "The second fragment is refused 500 + 0x80070070 (ERROR_DISK_FULL); the connection closes."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            let refusal = $0.messages.errorAck(status: 500, errorCode: "0x80070070", sessionID: $0.sessionID)
            $0.fragment(on: connection, fragments[1], response: .message(refusal))
            $0.close(connection)
            $0.expectFindings([Code.orphanedSession, ErrorCode.serverDiskFull])
        },
        BITSScenarioRecipe(
            name: "server-application-error",
            summary: "The last fragment is answered 408 + x80070112, context 0x7: the notification to the application timed out."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.dropLast())
            let timeout = $0.messages.errorAck(status: 408, errorCode: "x80070112", context: "0x7", sessionID: $0.sessionID)
            $0.fragment(on: connection, fragments[fragments.count - 1], response: .message(timeout))
            $0.close(connection)
            $0.expectFindings([Code.orphanedSession, ErrorCode.serverApplicationError])
        },
        notifiedUpload("notification-missing-original-url",
                       "The capture also holds the BITS server's notification POST, which lacks BITS-Original-Request-URL.",
                       omit: "BITS-Original-Request-URL", [ErrorCode.notificationMissingOriginalURL]),
        notifiedUpload("notification-reference-headers-inconsistent",
                       "The BITS server's notification POST by reference names the request data file but not the response one.",
                       omit: "BITS-Response-DataFile-Name", [ErrorCode.notificationReferenceHeadersInconsistent]),
        BITSScenarioRecipe(
            name: "notification-slow",
            summary: "After the upload the BITS server notifies its application again; no answer for 301 s, then IIS closes the connection."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.close(connection)
            let application = $0.connect(toSecondServer: true)
            $0.send(notification(&$0, omit: nil), on: application, as: .other)
            $0.pause(milliseconds: 301_000)
            $0.respond(on: application, with: .none)
            $0.close(application)
            $0.expectSessionlessFindings([ErrorCode.notificationSlow])
        },
    ]

    /// This group's finding codes, spelled once.
    enum ErrorCode {
        static let errorHeaderOnSuccess = "error-header-on-success"
        static let errorContextOrphan = "error-context-orphan"
        static let invalidErrorContext = "invalid-error-context"
        static let errorContextMismatch = "error-context-mismatch"
        static let errorStatusMismatch = "error-status-mismatch"
        static let errorCodeMissing = "error-code-missing"
        static let clientServerHTTPErrorCodes = "client-server-http-error-codes"
        static let uploadsDisabled = "uploads-disabled"
        static let accessDenied = "access-denied"
        static let destinationConflict = "destination-conflict"
        static let uploadTooLarge = "upload-too-large"
        static let serverDiskFull = "server-disk-full"
        static let serverApplicationError = "server-application-error"
        static let notificationMissingOriginalURL = "notification-missing-original-url"
        static let notificationReferenceHeadersInconsistent = "notification-reference-headers-inconsistent"
        static let notificationSlow = "notification-slow"
    }

    /// A scenario whose Create-Session is refused with `status`, error `code` and `context` (each
    /// header left out when `nil`), expecting `findings` for the rejected session.
    private static func refusedCreate(
        _ name: String, _ summary: String, status: Int, code: String?, context: String?, _ findings: [String]
    ) -> BITSScenarioRecipe {
        BITSScenarioRecipe(name: name, summary: summary) {
            $0.makeFile(fragments: 3)
            let connection = $0.connect()
            var refusal = $0.messages.ack(status: status)
            if let code { refusal.insertHeader("BITS-Error-Code", code, before: "Content-Length") }
            if let context { refusal.insertHeader("BITS-Error-Context", context, before: "Content-Length") }
            $0.createSession(on: connection, response: .message(refusal))
            $0.expectFindings(findings)
        }
    }

    /// A clean upload whose last fragment makes the BITS server notify its application by reference
    /// (a POST on a second connection, answered 200, before the fragment's Ack), the notification
    /// lacking header `omit`; `findings` belong to no session.
    private static func notifiedUpload(_ name: String, _ summary: String, omit: String, _ findings: [String])
        -> BITSScenarioRecipe
    {
        BITSScenarioRecipe(name: name, summary: summary) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.dropLast())
            $0.sendFragment(on: connection, fragments[fragments.count - 1])
            let application = $0.connect(toSecondServer: true)
            $0.exchange(notification(&$0, omit: omit), on: application, as: .other,
                        response: .message(notificationAnswer()))
            $0.respond(on: connection)
            $0.closeSession(on: connection)
            $0.expectSessionlessFindings(findings)
        }
    }

    /// The notification IIS posts by reference ([MC-BUP] §4.2): user agent BITSExts 1.5, the
    /// original URL and the two data-file paths, no body; header `omit` left out.
    static func notification(_ builder: inout BITSScenarioBuilder, omit: String?) -> SyntheticHTTPMessage {
        let folder = "C:\\inetpub\\wwwroot\\upload\\BITS-Sessions\\" + BITSGUID.random(using: &builder.random)
        var message = SyntheticHTTPMessage(startLine: "POST /bitsapp/notify.aspx HTTP/1.1", headers: [
            SyntheticHeaderField("BITS-Original-Request-URL", "http://\(builder.messages.host)\(builder.messages.path)"),
            SyntheticHeaderField("BITS-Request-DataFile-Name", folder + "\\requestfile.bin"),
            SyntheticHeaderField("BITS-Response-DataFile-Name", folder + "\\responsefile.bin"),
            SyntheticHeaderField("User-Agent", "BITSExts 1.5"),
            SyntheticHeaderField("Host", "app.example"),
            SyntheticHeaderField("Content-Length", "0"),
            SyntheticHeaderField("Connection", "Keep-Alive"),
        ])
        if let omit { message.removeHeader(omit) }
        return message
    }

    /// The application's answer to a notification: 200, no reply.
    static func notificationAnswer() -> SyntheticHTTPMessage {
        SyntheticHTTPMessage(startLine: "HTTP/1.1 200 OK", headers: [SyntheticHeaderField("Content-Length", "0")])
    }
}
