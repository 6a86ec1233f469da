/// Bounds of a ``SessionDigest``: how many sessions it keeps in full for display and how finely it
/// counts sessions over time. Whatever the capture, the digest holds at most
/// `max(keepAllUpTo, worstWithFindings + worstWithFindings + firstOthers)` sessions (docs/limits.md).
public struct SessionDigestLimits: Sendable, Equatable {
    /// Every session is kept while at most this many were added (small captures show everything).
    public var keepAllUpTo = 2_000
    /// Beyond `keepAllUpTo`: the sessions with findings kept, the worst first (highest severity,
    /// then most finding codes, then first seen).
    public var worstWithFindings = 1_000
    /// Beyond `keepAllUpTo`: the sessions kept besides the worst, the first seen (plus the places
    /// of the worst that fewer sessions with findings leave unused).
    public var firstOthers = 1_000
    /// Buckets of the sessions-over-time histogram (their width doubles as the capture grows).
    public var timeBuckets = 60

    /// The defaults.
    public init() {}
}
