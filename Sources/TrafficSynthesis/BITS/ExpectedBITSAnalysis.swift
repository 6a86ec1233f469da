/// One request of a session as an analysis lists it.
public struct ExpectedBITSRequest: Hashable, Sendable {
    /// The packet type in lower case (`create-session`), however the request spelled it.
    public var type: String
    /// The HTTP status of its answer, or `nil` if it was never answered.
    public var status: Int?

    /// Creates a request entry.
    public init(type: String, status: Int?) {
        self.type = type
        self.status = status
    }
}

/// A finding of the whole capture: its code and the session it is about.
public struct ExpectedBITSFinding: Hashable, Sendable {
    /// The finding code (`orphaned-session`).
    public var code: String
    /// The session's ID (`nil` for a rejected Create-Session).
    public var sessionID: String?

    /// Creates a finding entry.
    public init(code: String, sessionID: String?) {
        self.code = code
        self.sessionID = sessionID
    }
}

/// What an analyzer must report about one session.
public struct ExpectedBITSSession: Hashable, Sendable {
    /// The BITS-Session-Id; `nil` for a rejected Create-Session.
    public var sessionID: String?
    /// The state at the end of the capture: `completed`, `closed-partial`, `cancelled`,
    /// `uploaded-not-closed`, `orphaned` or `rejected`.
    public var state: String
    /// The total length named by the session's first well-formed Content-Range, if any.
    public var totalLength: UInt64?
    /// The server's last BITS-Received-Content-Range for the session, if any.
    public var bytesAcknowledged: UInt64?
    /// The session's requests in capture order (see ``ExpectedBITSAnalysis`` for attribution).
    public var requests: [ExpectedBITSRequest]
    /// How many TCP connections carried its requests.
    public var connectionCount: Int
    /// Its finding codes, sorted.
    public var findings: [String]

    /// Creates a session expectation.
    public init(
        sessionID: String?, state: String, totalLength: UInt64?, bytesAcknowledged: UInt64?,
        requests: [ExpectedBITSRequest], connectionCount: Int, findings: [String]
    ) {
        self.sessionID = sessionID
        self.state = state
        self.totalLength = totalLength
        self.bytesAcknowledged = bytesAcknowledged
        self.requests = requests
        self.connectionCount = connectionCount
        self.findings = findings
    }
}

/// What a perfect analyzer must report for a generated BITS capture, derived from what the
/// generator sent (never from running the analyzer).
///
/// Sessions are listed in order of first appearance. A session's requests are its Create-Session,
/// every BITS request carrying its BITS-Session-Id, and every BITS request without a session ID
/// (Ping, or a request missing the header) on a connection, attached to the session active on that
/// connection (the last session that used it) or, when none has yet, to the next session that
/// uses that connection. Only captured requests count; non-BITS requests (a GET of a reply URL)
/// are in no list; 401/407-challenged requests are listed with their status.
///
/// The expectation holds for captures rendered without loss, snapshot cutting or a mid-stream
/// start beyond what the scenario itself asks for: reordering, duplicates, overlaps and IP
/// fragmentation do not change it.
public struct ExpectedBITSAnalysis: Hashable, Sendable {
    /// The sessions in order of first appearance.
    public var sessions: [ExpectedBITSSession]
    /// Every finding of the capture: per session in session order, each code once, codes sorted.
    public var findings: [ExpectedBITSFinding]
    /// The bytes the server holds for the upload (the first session with an ID): each captured
    /// Fragment answered 200 places its body at its range's offsets, the first copy of a byte wins,
    /// up to the session's acknowledged offset; bytes no captured fragment carried are 0. Empty when
    /// no session got an ID.
    public var serverFile: [UInt8]
    /// The file the client uploads (whole, even when the script never sends all of it).
    public var clientFile: [UInt8]

    /// Creates an expectation directly.
    public init(
        sessions: [ExpectedBITSSession], findings: [ExpectedBITSFinding], serverFile: [UInt8], clientFile: [UInt8]
    ) {
        self.sessions = sessions
        self.findings = findings
        self.serverFile = serverFile
        self.clientFile = clientFile
    }
}
