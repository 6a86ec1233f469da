import AnalyzerCore
import BITSAnalyzer
import ReportOutput

/// Where sessions go when they leave the tracker: the JSON timeline, written as they come; the
/// bounded digest the summary and the HTML report are drawn from; counts by state.
///
/// Its state is used by one thread at a time (the analysing thread during the run, the calling
/// thread after), so the written properties skip the run-time exclusivity checks, which cost some
/// 270 instructions a session.
final class RetiredSessionOutputs: BITSSessionSink {
    /// The timeline document being written (`--json`) on this thread, if any.
    @exclusivity(unchecked) var document: TimelineDocumentWriter?
    /// The timeline document being written (`--json`) on a thread of its own, if any.
    private let timeline: TimelineWritingThread?
    /// Whether each piece of the document is handed on at once (live mode: a reader following the
    /// file sees each session as it ends).
    var flushesEachSession = false
    /// Every session counted, and a bounded set kept in full, for the summary and the report; read
    /// after ``finishDocument(findings:counters:)`` (with a writing thread, it digests the sessions).
    var digest: SessionDigest { digestsHere ? ownDigest : timeline?.digest ?? ownDigest }
    /// The digest made on this thread (without a writing thread that digests).
    @exclusivity(unchecked) private var ownDigest = SessionDigest()
    /// Whether sessions are digested for a summary or report that lists them.
    let keepsSessions: Bool
    /// Whether this thread digests them (no writing thread does).
    private let digestsHere: Bool
    /// Sessions retired, by state; with `keepsSessions`, read after ``finishDocument(findings:counters:)``.
    var countsByState: [BITSSessionState: Int] { keepsSessions ? digest.sessionsByState : stateCounts.dictionary }
    /// Sessions by state, counted here when no digest counts them.
    @exclusivity(unchecked) private var stateCounts = SessionStateCounts()
    /// Sessions retired.
    @exclusivity(unchecked) private(set) var count = 0
    /// Sessions retired with an extracted file.
    @exclusivity(unchecked) private(set) var filesExtracted = 0

    /// Creates the outputs; `keepsSessions` for a summary or report that lists sessions.
    init(document: TimelineDocumentWriter?, keepsSessions: Bool) {
        self.document = document
        timeline = nil
        self.keepsSessions = keepsSessions
        digestsHere = keepsSessions
    }

    /// Creates the outputs with the timeline written on a thread of its own (`analyze` on two
    /// cores or more); with `keepsSessions`, that thread digests the sessions when there is one
    /// (made with a digest: ``TimelineWritingThread/init(document:digest:size:napMicroseconds:)``).
    init(timeline: TimelineWritingThread?, keepsSessions: Bool) {
        self.timeline = timeline
        self.keepsSessions = keepsSessions
        precondition(!keepsSessions || timeline == nil || timeline?.digestsSessions == true,
                     "sessions kept without a digest on the writing thread")
        digestsHere = keepsSessions && timeline == nil
    }

    /// Writes the session to the document and adds it to the digest.
    func sessionRetired(_ session: BITSSession) {
        count += 1
        if session.hasExtractedFile { filesExtracted += 1 }
        if !keepsSessions { stateCounts.add(session.state) }
        if timeline != nil {
            // Called through the optional: binding it retained and released the thread's object.
            timeline?.append(session)
        } else {
            document?.append(session)
            if flushesEachSession { document?.flush() }
        }
        if digestsHere { ownDigest.add(session) }
    }

    /// Ends the document with the findings and counters.
    func finishDocument(findings: [Finding], counters: [(String, UInt64)]) {
        document?.finish(findings: findings, counters: counters)
        document = nil
        timeline?.finish(findings: findings, counters: counters)
    }
}
