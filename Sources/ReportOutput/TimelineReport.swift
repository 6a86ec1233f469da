import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer

/// What the readable summary of `bitsnoop analyze` and the HTML report show: the sessions, every
/// finding, the counters. (The JSON document is written as the analysis goes, by
/// ``TimelineDocumentWriter``.)
public struct TimelineReport {
    /// The captures read, in order.
    public var captures: [String]
    /// Output precision of times.
    public var precision: TimestampPrecision
    /// Sessions in the order first seen.
    public var sessions: [BITSSession]
    /// Findings in capture-time order.
    public var findings: [Finding]
    /// Named counters (the `stats` object).
    public var counters: [(String, UInt64)]
    /// The folder files were extracted to (`--extract`), or `nil` when extraction was not asked for.
    public var extractionFolder: String?

    /// Creates a report. With an `extractionFolder`, the summary lists the sessions' files.
    public init(captures: [String], precision: TimestampPrecision, sessions: [BITSSession], findings: [Finding],
                counters: [(String, UInt64)], extractionFolder: String? = nil) {
        self.extractionFolder = extractionFolder
        self.captures = captures
        self.precision = precision
        self.sessions = sessions
        self.findings = TimelineJSON.captureOrder(findings)
        self.counters = counters
    }
}
