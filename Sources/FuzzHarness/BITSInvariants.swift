import AnalyzerCore
import BITSAnalyzer

/// What must hold of a session tracker after any input.
enum BITSInvariants {
    /// Checks the finished tracker and the sessions it let go (`retired`) against its limits: every
    /// session left exactly once, none is left behind, each within the request limit.
    static func verify(_ tracker: BITSSessionTracker, retired: BITSSessionList, limits: Limits.BITS) {
        check(tracker.openSessionCount == 0, "\(tracker.openSessionCount) sessions still open after finish")
        check(retired.retired.count == tracker.sessionCount,
              "\(retired.retired.count) sessions retired, \(tracker.sessionCount) seen")
        check(Set(retired.retired.map(\.number)).count == retired.retired.count, "a session retired twice")
        for session in retired.retired {
            check(session.requests.count <= max(0, limits.maxRequestsPerSession),
                  "a session lists \(session.requests.count) requests, limit \(limits.maxRequestsPerSession)")
            check(session.firstTime <= session.lastTime, "a session ends before it starts")
        }
    }
}
