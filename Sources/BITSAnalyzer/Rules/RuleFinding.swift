/// What a rule found: the kind and its evidence. Rules are small functions of a session's state and
/// one event (a request, an Ack, the session's end) that update the state and return what they
/// found; the tracker places each finding (session, connection, time) and sends it through its one
/// finding path (`BITSSessionTracker+Findings`), so a rule never reports, holds or de-duplicates.
struct RuleFinding {
    /// The finding's code and severity.
    var kind: BITSFindingKind
    /// The evidence, one line.
    var message: String
    /// Advice narrowed by the evidence (``Finding/advice``), if any.
    var advice: String?

    init(_ kind: BITSFindingKind, _ message: String, advice: String? = nil) {
        self.kind = kind
        self.message = message
        self.advice = advice
    }
}

extension TrackedSession {
    /// The server's next expected offset, as far as the capture tells (E in `docs/findings.md`):
    /// its last BITS-Received-Content-Range, 0 right after a Create-Session seen in the capture,
    /// unknown for a session first seen mid-upload until its first Ack or after an Ack the capture
    /// lost; while fragments are outstanding (pipelined), the offset they will have brought it to.
    var expectedOffset: UInt64? {
        if offsetUnknown { return nil }
        if outstandingFragments > 0, let projectedOffset { return projectedOffset }
        return record.bytesAcknowledged ?? (record.createSeen ? 0 : nil)
    }
}
