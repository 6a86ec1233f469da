import AnalyzerCore
import HTTP1Parser

/// Applies the session rules (`Rules/SessionRules.swift`) where the tracker meets a request, an
/// answer or a Create-Session Ack, and checks a new session ID against the others (§5 #21).
extension BITSSessionTracker {
    /// Checks a request of `session` before it changes the session. Returns what its answer needs.
    func sessionRulesOnRequest(_ record: BITSRequestRecord, carriedID: Bool, session: SessionHandle) -> SessionRequestNotes {
        let (found, notes) = SessionRules.request(record, carriedID: carriedID, session: &sessions[session])
        place(found, session: session, connection: record.connection, time: record.time)
        return notes
    }

    /// Checks the answer (not a challenge) to a request of `session`.
    func sessionRulesOnAnswer(
        _ head: HTTPResponseHead, record: BITSRequestRecord, success: Bool, notes: SessionRequestNotes,
        session: SessionHandle, time: CaptureTimestamp
    ) {
        let found = SessionRules.answered(head, record: record, success: success, notes: notes, session: &sessions[session])
        place(found, session: session, connection: record.connection, time: time)
    }

    /// Checks a Fragment's Ack before the Ack rules record it.
    func sessionRulesOnFragmentAck(_ head: HTTPResponseHead, record: BITSRequestRecord, session: SessionHandle,
                                   time: CaptureTimestamp) {
        place(SessionRules.fragmentAck(head, record: record, session: &sessions[session]), session: session,
              connection: record.connection, time: time)
    }

    /// Checks a Create-Session's answer; `id` is the session ID it gives, `previousHolder` the
    /// session the ID found before `session` was indexed by it: an ID another session has (open, or
    /// ended and still in the table) or had (a retired ID) is `session-id-reuse`. One look-up in
    /// each table: no scan.
    func sessionRulesOnCreateAck(
        _ head: HTTPResponseHead, success: Bool, id: String?, previousHolder: SessionHandle?, session: SessionHandle,
        time: CaptureTimestamp
    ) -> [RuleFinding] {
        var found = SessionRules.createAck(head, success: success, time: time, session: &sessions[session])
        guard let id else { return found }
        if let other = previousHolder, other != session, sessions.contains(other) {
            let earlier = sessions[other].record
            let how = earlier.closed ? "closed" : earlier.cancelled ? "cancelled" : "still open"
            found.append(RuleFinding(.sessionIDReuse, "Create-Session Ack gives ID \(id), which session \(earlier.number) has (\(how))"))
        } else if let ending = retiredIDs.ending(ofDigest: sessions.digest(ofID: id, of: session)) {
            let how = ending == .closed ? "closed" : ending == .cancelled ? "cancelled" : "left open"
            found.append(RuleFinding(.sessionIDReuse, "Create-Session Ack gives ID \(id), which an earlier session of the capture had (\(how))"))
        }
        return found
    }

    /// A request names a session that left the tracker (ended `ending`, its last message at
    /// `lastSeen`): the new record carries on what the rules knew of the old one. A closed session
    /// had its Close acknowledged; a cancelled one is not taken as dead, since its Cancel may have
    /// failed (5xx) and be retried now.
    func sessionRulesAdoptRetired(_ session: SessionHandle, ending: RetiredIDs.Ending, lastSeen: CaptureTimestamp?) {
        sessions[session].sessionRules.retiredLastSeen = lastSeen
        if ending == .closed {
            sessions[session].sessionRules.lastEnd = SessionRuleState.EndAnswer(cancel: false, status: 200, sessionNotFound: false)
        }
    }
}
