import AnalyzerCore

/// How a session stands at the end of the capture.
public enum BITSSessionState: String, Sendable, CaseIterable {
    /// Close-Session acknowledged and every byte acknowledged.
    case completed
    /// Close-Session acknowledged while bytes were still missing.
    case closedPartial = "closed-partial"
    /// Cancel-Session sent.
    case cancelled
    /// Still running when the capture ended: a connection of it was still open, or it was active
    /// within the idle timeout of the end and its last connection was not closed
    /// (``BITSSession/stateReason`` says which).
    case inProgress = "in-progress"
    /// Every byte acknowledged, never closed.
    case uploadedNotClosed = "uploaded-not-closed"
    /// Neither closed nor cancelled, and not every byte acknowledged.
    case orphaned
    /// The outcome cannot be told: the capture holds one direction of the session's traffic only
    /// (``BITSSession/stateReason`` says which).
    case unknown
    /// Create-Session failed: no session was made.
    case rejected
}

/// One request of a session, with its Ack once it came.
public struct BITSRequestRecord: Sendable {
    /// The packet type.
    public var type: BITSPacketType
    /// The HTTP method (`BITS_POST`, or another for anomalies).
    public var method: String
    /// The request target as sent.
    public var url: String
    /// The Host header, if any.
    public var host: String?
    /// When the request started (its first byte's packet).
    public var time: CaptureTimestamp
    /// The connection it travelled on.
    public var connection: Int
    /// The fragment's range, when it parsed.
    public var range: ContentRange?
    /// The Content-Length header, when it parsed.
    public var contentLength: UInt64?
    /// Body bytes actually carried in the capture.
    public var bodyBytes: UInt64 = 0
    /// Body bytes missing from the capture (gaps inside the body).
    public var bodyGapBytes: UInt64 = 0
    /// Content-Name, if any.
    public var contentName: String?
    /// The HTTP status of the answer, once seen.
    public var status: Int?
    /// When the answer started.
    public var ackTime: CaptureTimestamp?
    /// BITS-Received-Content-Range of the answer (the server's next expected offset).
    public var received: UInt64?
    /// The error code of the answer, when present and parseable.
    public var errorCode: BITSErrorCode?
    /// BITS-Error-Context of the answer, as sent.
    public var errorContext: String?
    /// Whether the answer was a 401/407 authentication challenge rather than an Ack.
    public var challenge = false
    /// Whether the request was never answered.
    public var unanswered = false
}

// The initializers live in an extension so that the struct keeps its memberwise initializer, which
// the tracker uses with what a request's head and body showed: it builds the record in one piece,
// where an initializer setting each field built it in place and then copied it whole (a retain and
// a release of each of its strings a request: the optimiser did not pair them).
extension BITSRequestRecord {
    /// Creates a record of a request not yet answered.
    public init(type: BITSPacketType, method: String, url: String, host: String?, time: CaptureTimestamp, connection: Int) {
        self.init(type: type, method: method, url: url, host: host, time: time, connection: connection, range: nil,
                  contentLength: nil, bodyBytes: 0, bodyGapBytes: 0, contentName: nil)
    }
}

/// Everything known of one upload session, followed across connections and servers.
public struct BITSSession: Sendable {
    /// The session's number: 1 for the first session the capture shows, then counting up in the
    /// order sessions are first seen. Never reused, so it names the session for extraction and the
    /// reports after the tracker has let it go.
    public var number: Int
    /// The BITS-Session-Id; `nil` for a rejected Create-Session.
    public var sessionID: String?
    /// The upload URL (request target of the first request).
    public var url: String
    /// The Host header of the first request.
    public var host: String?
    /// The client endpoint (of the first request).
    public var client: Endpoint
    /// Every server endpoint the session talked to, in order of first use.
    public var servers: [Endpoint] = []
    /// Every connection the session used, in order of first use.
    public var connections: [Int] = []
    /// The protocols the client offered in Create-Session.
    public var supportedProtocols: [String] = []
    /// The protocol the server chose.
    public var chosenProtocol: String?
    /// The upload's total length, from the first fragment.
    public var totalLength: UInt64?
    /// The server's last BITS-Received-Content-Range: bytes acknowledged so far.
    public var bytesAcknowledged: UInt64?
    /// Content-Name, from Create-Session or the first fragment that carries it.
    public var contentName: String?
    /// BITS-Reply-URL, when the server gave one.
    public var replyURL: String?
    /// BITS-Host-Id, when the server gave one, and its fallback timeout.
    public var hostID: String?
    /// BITS-Host-Id-Fallback-Timeout in seconds.
    public var hostIDFallbackTimeout: UInt64?
    /// Time of the first and last message.
    public var firstTime: CaptureTimestamp
    /// Time of the last message (request or Ack).
    public var lastTime: CaptureTimestamp
    /// Requests in order.
    public var requests: [BITSRequestRecord] = []
    /// Codes of the findings about this session, in the order found, each once.
    public var findingCodes: [FindingCode] = []
    /// Whether the Create-Session was in the capture.
    public var createSeen = false
    /// Whether the Create-Session failed.
    public var rejected = false
    /// Whether a Close-Session got a success Ack.
    public var closed = false
    /// Whether a Cancel-Session was sent.
    public var cancelled = false
    /// Whether the reply URL was fetched with GET or HEAD.
    public var replyFetched = false
    /// The direction the capture lacks on a connection of the session (`capture-one-sided`), if any.
    public var missingDirection: FlowDirection?
    /// Why the session counts as still running when the capture ended (state ``BITSSessionState/inProgress``);
    /// `nil` when it does not.
    public var runningAtCaptureEnd: RunningAtEnd?
    /// The file extracted from the session's fragments (`--extract`), set when the session leaves
    /// the tracker; `nil` without extraction or when the session carried no fragment body.
    public var file: ExtractedFile?

    /// Creates session number `number`, first seen at `time`.
    public init(number: Int, sessionID: String?, url: String, host: String?, client: Endpoint, time: CaptureTimestamp) {
        self.number = number
        self.sessionID = sessionID
        self.url = url
        self.host = host
        self.client = client
        self.firstTime = time
        self.lastTime = time
    }

    /// Whether every byte was acknowledged (the total is known and reached).
    public var fullyAcknowledged: Bool {
        guard let total = totalLength, let acknowledged = bytesAcknowledged else { return false }
        return acknowledged >= total
    }

    /// Why a session counts as still running when the capture ended.
    public enum RunningAtEnd: String, Sendable {
        /// A connection of it was still open at the end of the capture.
        case connectionOpen = "a connection of the session was still open when the capture ended"
        /// Its last connection left without being closed, and it was active within the idle timeout
        /// of the capture's end.
        case recentlyActive = "the session was active within the idle timeout of the capture's end"
    }

    /// Why the state is ``BITSSessionState/unknown`` or ``BITSSessionState/inProgress``; `nil` for
    /// every other state.
    public var stateReason: String? {
        if state == .inProgress, let running = runningAtCaptureEnd { return "capture ended: " + running.rawValue }
        guard state == .unknown, let missing = missingDirection else { return nil }
        return missing == .serverToClient
            ? "capture-one-sided: the server's packets are not in the capture, so its Acks are unknown"
            : "capture-one-sided: the client's packets are not in the capture, so its requests are unknown"
    }

    /// The state at the end of the capture.
    // Inlined: called on a session read from the tracker's table, the getter took a copy of the
    // whole record (some 330 bytes) to read five of its fields.
    @inline(__always)
    public var state: BITSSessionState {
        if rejected { return .rejected }
        if cancelled { return .cancelled }
        if missingDirection != nil { return .unknown }
        if closed { return fullyAcknowledged ? .completed : .closedPartial }
        if runningAtCaptureEnd != nil { return .inProgress }
        return fullyAcknowledged ? .uploadedNotClosed : .orphaned
    }
}
