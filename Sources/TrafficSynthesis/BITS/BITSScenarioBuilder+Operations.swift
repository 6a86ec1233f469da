/// The BITS requests of an upload, each sent as a Windows client sends it and answered as
/// `response` says (the server model's answer by default).
extension BITSScenarioBuilder {
    /// Sends a Ping on connection `index`; `adjust` may change the message (its meaning stays a Ping
    /// without session ID).
    public mutating func ping(
        on index: Int,
        adjust: (inout SyntheticHTTPMessage) -> Void = { _ in },
        response: Response = .automatic
    ) {
        var message = messages.ping()
        adjust(&message)
        exchange(message, on: index, as: .bits(.ping, sessionID: nil, fragment: nil), response: response)
    }

    /// Sends a Create-Session on connection `index`; `adjust` may change the message (credentials).
    public mutating func createSession(
        on index: Int, adjust: (inout SyntheticHTTPMessage) -> Void = { _ in }, response: Response = .automatic
    ) {
        var message = messages.createSession()
        adjust(&message)
        exchange(message, on: index, as: .bits(.createSession, sessionID: nil, fragment: nil), response: response)
    }

    /// Sends a Fragment of ``sessionID`` carrying file bytes `range` with `Content-Range: bytes
    /// first-last/total` (total defaulting to the file's length) and answers it.
    ///
    /// `range` must not start below 0; its bytes past the end of the file are pseudo-random.
    /// `omitSessionID` leaves out BITS-Session-Id; `body` replaces the body (Content-Length follows
    /// it); `contentRange` replaces the header value verbatim and marks the range malformed in the
    /// generator's facts.
    public mutating func fragment(
        on index: Int,
        _ range: Range<Int>,
        total: Int? = nil,
        omitSessionID: Bool = false,
        body: [UInt8]? = nil,
        contentRange: String? = nil,
        response: Response = .automatic
    ) {
        sendFragment(on: index, range, total: total, omitSessionID: omitSessionID, body: body,
                     contentRange: contentRange)
        respond(on: index, with: response)
    }

    /// Sends a Fragment as ``fragment(on:_:total:omitSessionID:body:contentRange:response:)`` does,
    /// without answering it (for pipelined or unanswered requests).
    public mutating func sendFragment(
        on index: Int,
        _ range: Range<Int>,
        total: Int? = nil,
        omitSessionID: Bool = false,
        body: [UInt8]? = nil,
        contentRange: String? = nil
    ) {
        precondition(range.lowerBound >= 0, "a fragment cannot start before the file")
        let inFile = range.clamped(to: 0..<file.count)
        let fileBytes = Array(file[inFile]) + randomBytes(range.count - inFile.count)
        let carried = body ?? fileBytes
        let id = omitSessionID ? nil : sessionID
        let totalLength = total ?? file.count
        var message = messages.fragment(
            sessionID: id, first: range.lowerBound, last: range.upperBound - 1, total: totalLength, body: carried
        )
        if let contentRange { message.setHeader("Content-Range", contentRange) }
        let facts = BITSFragmentFacts(
            first: range.lowerBound, last: range.upperBound - 1, total: totalLength,
            rangeIsValid: contentRange == nil && !range.isEmpty, body: carried
        )
        send(message, on: index, as: .bits(.fragment, sessionID: id, fragment: facts))
    }

    /// Sends the fragments `ranges` one after the other on connection `index`, each answered
    /// automatically.
    public mutating func upload(on index: Int, _ ranges: some Sequence<Range<Int>>) {
        for range in ranges { fragment(on: index, range) }
    }

    /// Sends a Close-Session of ``sessionID`` on connection `index`; `adjust` may change the message.
    public mutating func closeSession(
        on index: Int, adjust: (inout SyntheticHTTPMessage) -> Void = { _ in }, response: Response = .automatic
    ) {
        var message = messages.closeSession(sessionID: sessionID)
        adjust(&message)
        exchange(message, on: index, as: .bits(.closeSession, sessionID: sessionID, fragment: nil), response: response)
    }

    /// Sends a Cancel-Session of ``sessionID`` on connection `index`.
    public mutating func cancelSession(on index: Int, response: Response = .automatic) {
        exchange(messages.cancelSession(sessionID: sessionID), on: index,
                 as: .bits(.cancelSession, sessionID: sessionID, fragment: nil), response: response)
    }

    /// The path a client GETs for reply URL `reply` ([MC-BUP] §4.2): backslashes become slashes,
    /// braces are percent-encoded, and a relative URL is resolved against the upload URL's directory.
    public func replyPath(for reply: String) -> String {
        var path = ""
        for character in reply {
            switch character {
            case "\\": path += "/"
            case "{": path += "%7B"
            case "}": path += "%7D"
            default: path.append(character)
            }
        }
        if path.hasPrefix("/") { return path }
        let upload = messages.path
        let directory = upload.lastIndex(of: "/").map { String(upload[...$0]) } ?? "/"
        return directory + path
    }

    /// GETs ``replyURL`` on connection `index` and answers 206 with `reply` (at least one byte)
    /// as the whole entity.
    public mutating func fetchReply(on index: Int, reply: [UInt8]) {
        guard let replyURL, !reply.isEmpty else { preconditionFailure("fetchReply needs a replyURL and a reply") }
        let request = messages.replyRequest(path: replyPath(for: replyURL), range: 0...(reply.count - 1))
        exchange(request, on: index, as: .other,
                 response: .message(messages.partialContent(body: reply, first: 0, total: reply.count)))
    }
}
