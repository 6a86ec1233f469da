import AnalyzerCore

/// Findings leave the tracker through one path: each code once per session (or, without a
/// session, once per connection), held while the session's ID is still to come, released with it.
/// A finding raised without a session goes to the session of its connection when that connection
/// has exactly one session, so that it is listed with it (docs/findings.md).
extension BITSSessionTracker {
    /// Reports a finding once per session (or, without a session, once per connection) and code.
    /// Without a session, the connection's only session takes it; a session that left the tracker
    /// meanwhile counts as none.
    func report(
        _ kind: BITSFindingKind, session: SessionHandle?, connection: Int?, time: CaptureTimestamp?, _ message: String,
        advice: String? = nil
    ) {
        guard let session = session ?? connection.flatMap(soleSession(on:)), sessions.contains(session) else {
            if let connection {
                guard !(knownConnection(connection)?.reportedCodes.contains(kind.code) ?? false) else { return }
                connectionState(connection).reportedCodes.append(kind.code)
            } else {
                guard reportedWithoutPlace.insert(kind.code).inserted else { return }
            }
            return findings.report(Finding(code: kind.code, severity: kind.severity, connection: connection,
                                           time: time, message: message, advice: advice))
        }
        guard !sessions[session].record.findingCodes.contains(kind.code) else { return }
        sessions[session].record.findingCodes.append(kind.code)
        let finding = Finding(
            code: kind.code, severity: kind.severity, sessionID: sessions[session].record.sessionID,
            sessionNumber: sessions[session].record.number, connection: connection, time: time, message: message,
            advice: advice
        )
        if sessions[session].awaitingID {
            // The Create-Session Ack that names the session has not come yet: hold the finding.
            sessions[session].heldFindings.append(finding)
        } else {
            findings.report(finding)
        }
    }

    /// The session of connection `id` when it is the only one that used the connection and is
    /// still tracked: a finding about the connection can only be about it. `nil` when the
    /// connection had none or several (sequential uploads on one keep-alive connection).
    func soleSession(on id: Int) -> SessionHandle? {
        guard let connection = knownConnection(id), !connection.carriedUntracked, connection.sessions.count == 1,
              sessions.contains(connection.sessions[0])
        else { return nil }
        return connection.sessions[0]
    }

    /// Reports a finding about connection `id` raised outside the session rules (an HTTP anomaly of
    /// the connection, reported once per connection and code by its analyzer): it goes to the
    /// connection's only session when there is one (``soleSession(on:)``), else to the connection.
    func reportAboutConnection(_ finding: Finding) {
        guard let id = finding.connection, let session = soleSession(on: id) else { return findings.report(finding) }
        var finding = finding
        finding.sessionID = sessions[session].record.sessionID
        finding.sessionNumber = sessions[session].record.number
        if !sessions[session].record.findingCodes.contains(finding.code) {
            sessions[session].record.findingCodes.append(finding.code)
        }
        if sessions[session].awaitingID {
            sessions[session].heldFindings.append(finding)
        } else {
            findings.report(finding)
        }
    }

    /// Reports the findings held with requests of connection `id` that no session claimed (a Ping
    /// answered with an error on a connection no session used): about the connection, as the
    /// connection ends or the capture does, rather than never.
    func releaseUnclaimedFindings(on id: Int) {
        // Most connections have no waiting request: told by the count, before the list is taken.
        guard let state = knownConnection(id), !state.waiting.isEmpty else { return }
        let waiting = state.waiting
        guard waiting.contains(where: { !$0.deferredFindings.isEmpty }) else { return }
        for request in waiting {
            for finding in request.deferredFindings {
                report(finding.kind, session: nil, connection: id, time: finding.time, finding.message,
                       advice: finding.advice)
            }
        }
        knownConnection(id)?.waiting = []
    }

    /// Reports a finding, or holds it with the request when the request still waits for a session
    /// (`waitingSerial`: the request's ``RequestHandle/waitingSerial``).
    func reportOrDefer(
        _ kind: BITSFindingKind, waitingSerial: Int?, session: SessionHandle?, connection: Int?,
        time: CaptureTimestamp?, _ message: String, advice: String? = nil
    ) {
        if session == nil, let serial = waitingSerial, let connectionID = connection,
           let position = knownConnection(connectionID)?.waiting.firstIndex(where: { $0.serial == serial }) {
            knownConnection(connectionID)!.waiting[position].deferredFindings.append((kind, time, message, advice))
            return
        }
        report(kind, session: session, connection: connection, time: time, message, advice: advice)
    }

    /// Releases the findings held while a session's ID was unknown, with the ID if it now has one.
    func releaseHeldFindings(_ session: SessionHandle) {
        sessions[session].awaitingID = false
        let held = sessions[session].heldFindings
        sessions[session].heldFindings = []
        for var finding in held {
            finding.sessionID = sessions[session].record.sessionID
            findings.report(finding)
        }
    }
}
