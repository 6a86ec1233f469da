/// Answers one BITS_POST request against the shared session store.
struct BITSRequestHandler: Sendable {
    /// The sessions of this server.
    let store: UploadSessionStore

    /// The Ack for `request`, received on connection number `connection`.
    func respond(to request: HTTPMessage, connection: Int) -> HTTPMessage {
        guard request.startLine.0 == "BITS_POST" else {
            return BITSAck.error(status: 405, reason: "Method Not Allowed", code: BITSProtocol.invalidArgument)
        }
        guard let packetType = request.header("BITS-Packet-Type")?.lowercased() else {
            return invalid()
        }
        switch packetType {
        case "ping":
            return BITSAck.success()
        case "create-session":
            return createSession(request, connection: connection)
        case "fragment":
            return fragment(request, connection: connection)
        case "close-session":
            return finish(request, as: .closed, connection: connection)
        case "cancel-session":
            return finish(request, as: .cancelled, connection: connection)
        default:
            return invalid()
        }
    }

    private func createSession(_ request: HTTPMessage, connection: Int) -> HTTPMessage {
        let offered = (request.header("BITS-Supported-Protocols") ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "," }).map { $0.lowercased() }
        guard offered.contains(BITSProtocol.protocolGUID), request.body.isEmpty else { return invalid() }
        guard let id = store.createSession(connection: connection) else {
            return BITSAck.error(status: 500, reason: "Internal Server Error", code: BITSProtocol.tooLarge)
        }
        return BITSAck.success([
            ("BITS-Protocol", BITSProtocol.protocolGUID), ("BITS-Session-Id", id), ("Accept-Encoding", "identity"),
        ])
    }

    private func fragment(_ request: HTTPMessage, connection: Int) -> HTTPMessage {
        guard let id = request.header("BITS-Session-Id") else { return invalid() }
        guard let range = request.header("Content-Range").flatMap(ContentRange.init(parsing:)) else {
            return invalid()
        }
        let outcome = store.storeFragment(
            id: id, first: range.first, last: range.last, total: range.total, body: request.body,
            connection: connection)
        switch outcome {
        case .acknowledged(let next):
            return BITSAck.success([("BITS-Session-Id", id), ("BITS-Received-Content-Range", String(next))])
        case .outOfSync(let next):
            return BITSAck.outOfSync(next: next, sessionID: id)
        case .sessionNotFound:
            return notFound()
        case .invalidRange:
            return invalid()
        case .tooLarge:
            return BITSAck.error(status: 500, reason: "Internal Server Error", code: BITSProtocol.tooLarge)
        }
    }

    private func finish(_ request: HTTPMessage, as state: UploadSessionState, connection: Int) -> HTTPMessage {
        guard let id = request.header("BITS-Session-Id") else { return invalid() }
        guard store.finish(id: id, as: state, connection: connection) else { return notFound() }
        return BITSAck.success([("BITS-Session-Id", id)])
    }

    private func invalid() -> HTTPMessage {
        BITSAck.error(status: 400, reason: "Bad Request", code: BITSProtocol.invalidArgument)
    }

    private func notFound() -> HTTPMessage {
        BITSAck.error(status: 500, reason: "Internal Server Error", code: BITSProtocol.sessionNotFound)
    }
}
