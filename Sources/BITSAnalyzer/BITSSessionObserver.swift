import AnalyzerCore

/// Hears sessions as they happen: what `bitsnoop live` prints and streams as NDJSON.
///
/// Calls come in capture order from inside the tracker; the session passed is a snapshot.
public protocol BITSSessionObserver: AnyObject {
    /// A session became known: its Create-Session was answered (with its ID, or refused), or its
    /// first request named a session the capture had not seen created.
    func sessionStarted(_ session: BITSSession)
    /// A request of the session was answered or will never be.
    func requestFinished(_ request: BITSRequestRecord, in session: BITSSession)
    /// The session ended: closed, cancelled, rejected, idle too long, or the capture ended.
    func sessionEnded(_ session: BITSSession, time: CaptureTimestamp)
}
