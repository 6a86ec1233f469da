import AnalyzerCore
import HTTP1Parser

/// Applies the framing, negotiation and identity rules (`Rules/FramingRules.swift`) to requests
/// and answers, and places what they find.
extension BITSSessionTracker {
    /// Checks a request's head, then the request against its session (before the session takes
    /// the request's Content-Name).
    func checkFraming(_ head: HTTPRequestHead, record: BITSRequestRecord, hasTypeHeader: Bool, session: SessionHandle?) {
        place(FramingRules.request(head, record: record, hasTypeHeader: hasTypeHeader), session: session,
              connection: record.connection, time: record.time)
        guard let session else { return }
        place(FramingRules.sessionRequest(record, session: &sessions[session]), session: session,
              connection: record.connection, time: record.time)
    }

    /// Checks an answer; the handle's record has its status and challenge filled in, `success` says
    /// whether it accepted the request. Findings about a request still waiting for its session are held.
    /// The handle is lent `inout` though only read: passed by value, it was copied whole (some 370 bytes).
    func checkFraming(_ head: HTTPResponseHead, time: CaptureTimestamp, handle: inout RequestHandle, success: Bool) {
        let session = handle.session
        var partialClose = false
        if let session {
            if handle.record.type == .fragment {
                FramingRules.fragmentAnswer(head, record: handle.record, session: &sessions[session])
            }
            if handle.record.type == .closeSession, head.status == 400 {
                let total = sessions[session].record.totalLength
                partialClose = total.map { (sessions[session].record.bytesAcknowledged ?? 0) < $0 }
                    ?? sessions[session].record.createSeen
            }
        }
        // The handle's record read in place: a copy of it (`let record = handle.record`) retained
        // each of its strings.
        let found = FramingRules.answer(
            head, record: handle.record, time: time, requestEnd: handle.requestEnd ?? handle.record.time, success: success,
            firstOnConnection: handle.requestKey?.index == 0, partialClose: partialClose
        )
        for finding in found {
            reportOrDefer(finding.kind, waitingSerial: handle.waitingSerial, session: session, connection: handle.record.connection,
                          time: time, finding.message, advice: finding.advice)
        }
    }
}
