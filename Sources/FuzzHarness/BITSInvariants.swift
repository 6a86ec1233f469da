import AnalyzerCore
import BITSAnalyzer

/// What must hold of a session tracker after any input.
enum BITSInvariants {
    /// Checks the tracker against its limits.
    static func verify(_ tracker: BITSSessionTracker, limits: Limits.BITS) {
        check(tracker.sessions.count <= max(0, limits.maxSessions),
              "\(tracker.sessions.count) sessions tracked, limit \(limits.maxSessions)")
        for session in tracker.sessions {
            check(session.requests.count <= max(0, limits.maxRequestsPerSession),
                  "a session lists \(session.requests.count) requests, limit \(limits.maxRequestsPerSession)")
            check(session.firstTime <= session.lastTime, "a session ends before it starts")
        }
    }
}
