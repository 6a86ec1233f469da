/// Values of the BITS upload protocol shared by server and client ([MC-BUP]).
enum BITSProtocol {
    /// The only upload protocol GUID ("BITS 1.5 Upload Protocol"), as IIS spells it (lower case).
    static let protocolGUID = "{7df0354d-249b-430f-820d-3d2a9bef4931}"
    /// BG_E_SESSION_NOT_FOUND.
    static let sessionNotFound = "0x8020001F"
    /// E_INVALIDARG.
    static let invalidArgument = "0x80070057"
    /// BG_E_TOO_LARGE.
    static let tooLarge = "0x80200020"
    /// BITS-Error-Context for errors the BITS server itself found.
    static let serverContext = "0x5"
}

/// Builds the server's answers: every one is an Ack with `Content-Length: 0`.
enum BITSAck {
    /// A 200 Ack with `extra` headers.
    static func success(_ extra: [(name: String, value: String)] = []) -> HTTPMessage {
        make(status: 200, reason: "OK", extra: extra)
    }

    /// An error Ack with `BITS-Error-Code` and `BITS-Error-Context: 0x5`.
    static func error(status: Int, reason: String, code: String) -> HTTPMessage {
        make(status: status, reason: reason,
             extra: [("BITS-Error-Code", code), ("BITS-Error-Context", BITSProtocol.serverContext)])
    }

    /// A 416 Ack telling the client the offset the server expects.
    static func outOfSync(next: Int, sessionID: String) -> HTTPMessage {
        make(status: 416, reason: "Requested Range Not Satisfiable",
             extra: [("BITS-Session-Id", sessionID), ("BITS-Received-Content-Range", String(next))])
    }

    private static func make(status: Int, reason: String, extra: [(name: String, value: String)]) -> HTTPMessage {
        // IIS-like framing (Appendix B of the protocol reference).
        var headers: [(name: String, value: String)] = [
            ("Server", "bits-loopback"), ("Pragma", "no-cache"), ("BITS-Packet-Type", "Ack"),
        ]
        headers += extra
        headers.append(("Content-Length", "0"))
        return HTTPMessage(startLine: ("HTTP/1.1", String(status), reason), headers: headers, body: [])
    }
}
