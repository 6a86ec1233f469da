import AnalyzerCore
import HTTP1Parser

/// Captures that hold one direction of a connection only (`capture-one-sided`): the sessions'
/// outcomes are unknown, and they are named from the side that is there.
extension BITSSessionTracker {
    /// The capture lacks every packet of `missing` on connection `id`: its sessions' outcomes are
    /// unknown, and the rules that need that side no longer apply to them.
    func connectionOneSided(_ id: Int, missing: FlowDirection) {
        reentry.enter("BITSSessionTracker.connectionOneSided")
        defer { reentry.leave() }
        connectionState(id).missing = missing
        if let session = activeSession(on: id) { markOneSided(session, missing: missing) }
    }

    /// Whether the capture lacks the client's side of connection `id`.
    func lacksClientSide(_ id: Int) -> Bool { knownConnection(id)?.missing == .clientToServer }

    func markOneSided(_ session: SessionHandle, missing: FlowDirection) {
        if sessions[session].record.missingDirection == nil {
            sessions[session].record.missingDirection = missing
            if missing == .serverToClient { awaitUnseenID(session) }
        }
        // Without the server's Acks the offset it expects is never known.
        if missing == .serverToClient { sessions[session].offsetUnknown = true }
    }

    /// Without the server's side, the Create-Session Ack that named a session is not in the capture:
    /// the first request naming an unknown ID names the session its Create-Session began, on that
    /// connection or, from the same client, the newest such session (the upload moved connections).
    func adoptIDOfUnseenAck(_ id: String, connection: BITSConnectionInfo) {
        // Sessions wait for an unseen ID only in one-sided or lossy captures: most requests stop here.
        guard !sessionsAwaitingUnseenID.isEmpty, sessions.handle(forID: id) == nil else { return }
        sessionsAwaitingUnseenID.removeAll { !sessions.contains($0) }
        var candidate: SessionHandle?
        if let active = activeSession(on: connection.id), sessionsAwaitingUnseenID.contains(active) {
            candidate = active
        } else {
            candidate = sessionsAwaitingUnseenID.last {
                sessions[$0].record.client.address == connection.client.address
            }
        }
        guard let active = candidate, sessions[active].awaitingID else { return }
        sessionsAwaitingUnseenID.removeAll { $0 == active }
        sessions[active].record.sessionID = id
        sessions[active].awaitingID = false
        sessions.index(active, byID: id)
        releaseHeldFindings(active)
    }

    /// Lets a later request name `session`, whose Create-Session Ack the capture lacks.
    func awaitUnseenID(_ session: SessionHandle) {
        guard sessions[session].awaitingID, !sessionsAwaitingUnseenID.contains(session) else { return }
        sessionsAwaitingUnseenID.append(session)
        if sessionsAwaitingUnseenID.count > Self.maxAwaitingUnseenID { sessionsAwaitingUnseenID.removeFirst() }
    }

    /// Without the client's side, a session is known from its Acks: the first Ack naming an unknown
    /// BITS-Session-Id starts it, on the connection's client and server.
    func sessionFromAck(id: String, head: HTTPResponseHead, connection: BITSConnectionInfo,
                        time: CaptureTimestamp) -> SessionHandle? {
        let placeholder = BITSRequestRecord(type: .ack, method: "", url: "", host: nil, time: time, connection: connection.id)
        guard let session = newSession(id: id, record: placeholder, connection: connection) else { return nil }
        sessions[session].record.chosenProtocol = head.headers.trimmedValue(.bitsProtocol)
        markOneSided(session, missing: .clientToServer)
        return session
    }
}
