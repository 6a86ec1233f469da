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
    /// Every session counted, and a bounded set kept in full, for the summary and the report.
    @exclusivity(unchecked) private(set) var digest = SessionDigest()
    /// Whether sessions are digested for a summary or report that lists them.
    let keepsSessions: Bool
    /// Sessions retired, by state.
    var countsByState: [BITSSessionState: Int] { stateCounts.dictionary }
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
    }

    /// Creates the outputs with the timeline written on a thread of its own (`analyze` on two
    /// cores or more).
    init(timeline: TimelineWritingThread?, keepsSessions: Bool) {
        self.timeline = timeline
        self.keepsSessions = keepsSessions
    }

    /// Writes the session to the document and adds it to the digest.
    func sessionRetired(_ session: BITSSession) {
        count += 1
        if session.file != nil { filesExtracted += 1 }
        stateCounts.add(session.state)
        if let timeline {
            timeline.append(session)
        } else {
            document?.append(session)
            if flushesEachSession { document?.flush() }
        }
        if keepsSessions { digest.add(session) }
    }

    /// Ends the document with the findings and counters.
    func finishDocument(findings: [Finding], counters: [(String, UInt64)]) {
        document?.finish(findings: findings, counters: counters)
        document = nil
        timeline?.finish(findings: findings, counters: counters)
    }
}
