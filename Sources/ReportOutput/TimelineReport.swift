import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer

/// What the readable summary of `bitsnoop analyze` and the HTML report show: a ``SessionDigest``
/// of the sessions (counts of all, the sessions kept in full), every finding, the counters. (The
/// JSON document is written as the analysis goes, by ``TimelineDocumentWriter``, and has every
/// session.)
public struct TimelineReport {
    /// The captures read, in order.
    public var captures: [String]
    /// Output precision of times.
    public var precision: TimestampPrecision
    /// Every session, counted, and those kept in full for display.
    public private(set) var digest: SessionDigest
    /// The sessions kept in full for display (``SessionDigest/keptSessions``), in the order first
    /// seen: every session of a capture of at most ``SessionDigestLimits/keepAllUpTo``.
    public private(set) var keptSessions: [BITSSession]
    /// Findings in capture-time order.
    public var findings: [Finding]
    /// Named counters (the `stats` object).
    public var counters: [(String, UInt64)]
    /// The folder files were extracted to (`--extract`), or `nil` when extraction was not asked for.
    public var extractionFolder: String?
    /// Bounds of the readable summary.
    public var summaryLimits = TextSummaryLimits()
    /// With a key log: each session's TLS facts, for the summary's TLS lines; `nil` leaves them out.
    public var sessionTLS: ((BITSSession) -> TLSSessionFacts?)?

    /// Creates a report of the sessions in `digest`. With an `extractionFolder`, the summary lists
    /// the kept sessions' files.
    public init(captures: [String], precision: TimestampPrecision, digest: SessionDigest, findings: [Finding],
                counters: [(String, UInt64)], extractionFolder: String? = nil) {
        self.extractionFolder = extractionFolder
        self.captures = captures
        self.precision = precision
        self.digest = digest
        self.keptSessions = digest.keptSessions
        self.findings = TimelineJSON.captureOrder(findings)
        self.counters = counters
    }

    /// Creates a report of `sessions` (in the order first seen), digested with `limits`. With an
    /// `extractionFolder`, the summary lists the sessions' files.
    public init(captures: [String], precision: TimestampPrecision, sessions: [BITSSession], findings: [Finding],
                counters: [(String, UInt64)], extractionFolder: String? = nil,
                limits: SessionDigestLimits = SessionDigestLimits()) {
        self.init(captures: captures, precision: precision, digest: SessionDigest(sessions: sessions, limits: limits),
                  findings: findings, counters: counters, extractionFolder: extractionFolder)
    }
}

/// Bounds of the readable summary (`bitsnoop analyze`), so that it stays readable for any capture.
public struct TextSummaryLimits: Sendable {
    /// Sessions whose findings are listed under them: the worst of the table's sessions with
    /// findings (most severe finding, then most findings); the findings of the others are counted
    /// by code.
    public var sessionsWithFindings = 10
    /// Findings listed under each session, the most severe first; the rest are counted by code.
    public var findingsPerSession = 10
    /// Findings tied to no session that are listed, the most severe first; the rest are counted by code.
    public var captureWideFindings = 20
    /// When the digest left sessions out: rows of the worst sessions with findings.
    public var worstSessionRows = 20
    /// When the digest left sessions out: rows of the first other sessions.
    public var otherSessionRows = 20

    /// The defaults.
    public init() {}
}
