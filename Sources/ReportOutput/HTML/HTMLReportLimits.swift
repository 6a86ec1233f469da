/// Bounds on what one HTML report draws, so that a capture of any size gives a page a browser can
/// open. What is left out is counted and said on the page (docs/report.md, docs/limits.md).
public struct HTMLReportLimits: Sendable {
    /// Sessions drawn as rows; later sessions are counted in the header, not drawn.
    public var maxSessions = 5_000
    /// Requests drawn (on the timeline, in the request table, in the byte map) per session.
    public var maxRequestsPerSession = 2_000
    /// Rows of the findings table; further findings are counted, not listed.
    public var maxFindings = 20_000
    /// Lanes (connections) of an opened session's own drawing; further connections share lanes.
    public var maxLanesPerSession = 32
    /// Session rows shown per page (the page's script pages through them; print shows all).
    public var sessionsPerPage = 100

    /// The defaults.
    public init() {}
}
