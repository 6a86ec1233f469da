import AnalyzerCore
import HTTP1Parser

/// Applies the rules (`Rules/`) to sessions and places what they find: each finding gets its
/// session, connection and time here and leaves through the one finding path.
extension BITSSessionTracker {
    /// Reports what a rule found about `session` (or, without one, about `connection`).
    func place(_ found: [RuleFinding], session: SessionHandle?, connection: Int?, time: CaptureTimestamp?) {
        for finding in found {
            report(finding.kind, session: session, connection: connection, time: time, finding.message, advice: finding.advice)
        }
    }

    /// Checks a fragment's range against the session. Returns whether it is a fragment-gap.
    func checkFragment(_ record: BITSRequestRecord, session: SessionHandle, head: HTTPRequestHead, complete: Bool) -> Bool {
        // The header as sent is only the evidence of a range that did not parse.
        let rawRange = record.range == nil ? head.headers[.contentRange] : nil
        let (found, gap) = RequestRules.fragment(record, rawRange: rawRange, complete: complete,
                                                 session: &sessions[session])
        place(found, session: session, connection: record.connection, time: record.time)
        return gap
    }

    /// Checks a Close-Session against its session.
    func checkClose(_ record: BITSRequestRecord, session: SessionHandle) {
        place(RequestRules.close(&sessions[session]), session: session, connection: record.connection, time: record.time)
    }

    /// Applies a Create-Session's answer: the session is refused or named (and found by its ID from
    /// now on); the findings held while it had no ID are released.
    func acknowledgeCreate(
        _ head: HTTPResponseHead, success: Bool, session: SessionHandle, record: BITSRequestRecord, time: CaptureTimestamp
    ) {
        let (found, id) = AckRules.create(head, success: success, session: &sessions[session],
                                          strings: &recentStrings)
        // Indexed first: the session the ID found before is what session-id-reuse asks (one hash).
        let previous = id.flatMap { sessions.index(session, byID: $0) }
        let sessionFound = sessionRulesOnCreateAck(head, success: success, id: id, previousHolder: previous,
                                                   session: session, time: time)
        place(found, session: session, connection: record.connection, time: time)
        place(sessionFound, session: session, connection: record.connection, time: time)
        releaseHeldFindings(session)
    }

    /// Applies a fragment's Ack to its session. Returns the upload offsets the server stored from the
    /// fragment (see ``BITSFragmentVerdict/accepted``), or `nil` when it stored none of them or the
    /// Ack does not say.
    func acknowledgeFragment(
        _ head: HTTPResponseHead, handle: RequestHandle, record: BITSRequestRecord, session: SessionHandle,
        time: CaptureTimestamp
    ) -> Range<UInt64>? {
        sessionRulesOnFragmentAck(head, record: record, session: session, time: time)
        let (found, accepted) = AckRules.fragment(head, record: record, expectedAtRequest: handle.expectedAtRequest,
                                                  session: &sessions[session])
        indexReply(of: session)
        place(found, session: session, connection: record.connection, time: time)
        return accepted
    }

    /// Tells the body observer what the server did with a fragment: stored `accepted`, or nothing.
    func tellBodyObserver(
        _ handle: RequestHandle, record: BITSRequestRecord, accepted: Range<UInt64>?, time: CaptureTimestamp
    ) {
        guard let observer = bodyObserver, record.type == .fragment, let key = handle.requestKey else { return }
        if let accepted, let session = handle.session, sessions.contains(session), let received = record.received {
            observer.fragmentAccepted(BITSFragmentVerdict(
                request: key, session: sessions[session].record.number, accepted: accepted, acknowledged: received, time: time
            ))
        } else {
            observer.fragmentDiscarded(key, time: time)
        }
    }
}
