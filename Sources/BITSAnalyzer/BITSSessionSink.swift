/// Receives every session once, final, when it leaves the tracker: the timeline writer, the
/// report's digest, live mode's document.
///
/// A session leaves when it has ended (closed, cancelled, refused, silent for the idle timeout)
/// and none of its connections is still open, or when it ended `bits.endedLingerSeconds` of capture
/// time ago, or at the end of the capture; see `docs/timeline-schema.md` for the order this gives.
public protocol BITSSessionSink: AnyObject {
    /// A session left the tracker; nothing about it changes after this call.
    func sessionRetired(_ session: BITSSession)
}

/// A sink that keeps every session it hears of: for tests, the fuzz harness and other small uses
/// (the memory it takes grows with the sessions of the capture).
public final class BITSSessionList: BITSSessionSink {
    /// The sessions retired so far, in the order they left the tracker.
    public private(set) var retired: [BITSSession] = []

    /// Creates an empty list.
    public init() {}

    /// Keeps the session.
    public func sessionRetired(_ session: BITSSession) { retired.append(session) }

    /// The sessions in the order first seen (by number).
    public var sessions: [BITSSession] { retired.sorted { $0.number < $1.number } }
}
