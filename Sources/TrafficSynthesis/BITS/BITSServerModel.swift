/// The upload server as the generator models it (an IIS BITS extension with shared storage, so
/// every farm node knows every session): decides automatic answers and keeps each session's next
/// expected offset from the answers actually sent.
struct BITSServerModel: Sendable {
    /// One session the server keeps.
    struct Session: Sendable {
        /// The next offset the server expects (E).
        var expected = 0
        /// The total length fixed by the first accepted fragment.
        var total: Int?
        /// Whether Close-Session or Cancel-Session ended it.
        var ended = false
    }

    /// Sessions by ID, including ended and forgotten ones' entries.
    private(set) var sessions: [String: Session] = [:]
    /// Sessions the server lost (expired, other node): they answer as unknown.
    private(set) var forgotten: Set<String> = []

    /// The next offset the server expects for `sessionID` (0 when it does not know the session).
    func expectedOffset(of sessionID: String) -> Int { sessions[sessionID]?.expected ?? 0 }

    /// Makes the server lose `sessionID`: later requests for it get 500 + BG_E_SESSION_NOT_FOUND.
    mutating func forget(_ sessionID: String) { forgotten.insert(sessionID) }

    /// The answer IIS gives to `meaning` ([MC-BUP] §3.2.5.2; reference §3.4): Ping 200; Create-Session
    /// 200 with `newSessionID`; Fragment 200 at E, 416 past E, 200 with l+1 for an overlap and E
    /// for a duplicate, 400 + E_INVALIDARG for a bad request; Close/Cancel 200; 500 +
    /// BG_E_SESSION_NOT_FOUND for a session it does not know or that ended. The Ack completing the
    /// upload carries `replyURL` when given. Non-BITS requests get a bare 404.
    func automaticAnswer(
        to meaning: BITSRequestMeaning,
        messages: BITSMessageBuilder,
        newSessionID: String,
        replyURL: String?
    ) -> SyntheticHTTPMessage {
        guard case .bits(let type, let sessionID, let fragment) = meaning else {
            var notFound = SyntheticHTTPMessage(startLine: "")
            notFound.setStatus(404)
            notFound.headers = [SyntheticHeaderField("Server", messages.serverSoftware)]
            notFound.setBody([])
            return notFound
        }
        let invalid = messages.errorAck(status: 400, errorCode: "0x80070057", sessionID: sessionID)
        switch type {
        case .ping:
            return messages.ack()
        case .createSession:
            return messages.createSessionAck(sessionID: newSessionID)
        case .fragment, .closeSession, .cancelSession:
            guard let sessionID else { return invalid }
            guard let session = sessions[sessionID], !session.ended, !forgotten.contains(sessionID) else {
                return messages.errorAck(status: 500, errorCode: "0x8020001F", sessionID: sessionID)
            }
            guard type == .fragment else { return messages.ack(sessionID: sessionID) }
            guard let fragment, fragment.rangeIsValid, fragment.first <= fragment.last,
                  fragment.last < fragment.total, session.total.map({ $0 == fragment.total }) ?? true,
                  fragment.bodyMatchesRange
            else { return invalid }
            if fragment.first > session.expected {
                return messages.fragmentAck(status: 416, sessionID: sessionID, received: session.expected)
            }
            let next = max(session.expected, fragment.last + 1)
            let reply = next == fragment.total && session.expected < next ? replyURL : nil
            return messages.fragmentAck(sessionID: sessionID, received: next, replyURL: reply)
        }
    }

    /// Updates the model with an answer the server sent to `meaning`, whoever chose it: a 2xx
    /// Create-Session Ack makes the session it names; a received offset becomes E; a Fragment Ack
    /// with one fixes the total; a 2xx Close/Cancel ends the session.
    mutating func record(_ answer: SyntheticHTTPMessage, to meaning: BITSRequestMeaning) {
        guard case .bits(let type, let sessionID, let fragment) = meaning,
              let status = answer.statusCode else { return }
        let success = (200...299).contains(status)
        switch type {
        case .ping:
            break
        case .createSession:
            if success, let created = answer.value(of: "BITS-Session-Id") { sessions[created] = Session() }
        case .fragment:
            guard let sessionID, let received = answer.value(of: "BITS-Received-Content-Range").flatMap({ Int($0) })
            else { return }
            sessions[sessionID, default: Session()].expected = received
            if let fragment, fragment.rangeIsValid, sessions[sessionID]?.total == nil {
                sessions[sessionID]?.total = fragment.total
            }
        case .closeSession, .cancelSession:
            if success, let sessionID { sessions[sessionID]?.ended = true }
        }
    }
}
