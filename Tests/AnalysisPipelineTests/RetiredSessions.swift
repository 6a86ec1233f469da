import BITSAnalyzer
import AnalysisPipeline

extension BITSStreamAnalysis {
    /// Keeps every session the tracker lets go, for the tests to look at (set before the run).
    func keepSessions() { tracker.sink = BITSSessionList() }

    /// The sessions let go so far (all of them after ``BITSStreamAnalysis/finish()``), in the order
    /// first seen; empty unless ``keepSessions()`` was called before the run.
    var sessions: [BITSSession] { (tracker.sink as? BITSSessionList)?.sessions ?? [] }
}
