import AnalyzerCore
import HTTP1Parser

/// The connection a BITS message travelled on.
public struct BITSConnectionInfo: Hashable, Sendable {
    /// The connection number.
    public var id: Int
    /// The client endpoint.
    public var client: Endpoint
    /// The server endpoint.
    public var server: Endpoint

    /// Creates a record.
    public init(id: Int, client: Endpoint, server: Endpoint) {
        self.id = id
        self.client = client
        self.server = server
    }
}

/// What was seen of a request besides its head, handed to the tracker with the head (lent, not
/// held: a copy of a head retains its strings and arrays) once its body has ended.
struct ObservedRequest {
    var time: CaptureTimestamp
    var connection: BITSConnectionInfo
    var bodyBytes: UInt64
    var bodyGapBytes: UInt64
    var complete: Bool
    /// Where the request sits on its connection (for the body observer's verdicts).
    var requestKey: BITSRequestKey?
    /// When the request's last byte was seen (`slow-ack` counts from there), if known.
    var endTime: CaptureTimestamp? = nil
}

/// What the tracker needs to process the answer to a request.
struct RequestHandle {
    /// The session the request belongs to, if any (it may have left the tracker since).
    var session: SessionHandle?
    /// The request's position in the session's list, if it was kept.
    var listIndex: Int?
    /// The request as recorded.
    var record: BITSRequestRecord
    /// The server's expected offset when the request was made (`nil` if unknown).
    var expectedAtRequest: UInt64?
    /// Whether the request was a fragment-gap (so a 416 answering it is expected).
    var wasGap = false
    /// For a request kept waiting for a session (a Ping before any session on its connection).
    var waitingSerial: Int?
    /// Where the request sits on its connection (for the body observer's verdicts).
    var requestKey: BITSRequestKey?
    /// When the request's last byte was seen, if known.
    var requestEnd: CaptureTimestamp?
    /// What the session rules noted when the request was made.
    var sessionNotes = SessionRequestNotes()
}

extension RequestHandle {
    /// Lends the handle to `body` in place: called through an optional (`handle?.lend`), no copy
    /// is unwrapped.
    mutating func lend(_ body: (inout RequestHandle) -> Void) { body(&self) }
}

/// A request with no session yet, and the findings about it, held until a session claims it.
struct WaitingRequest {
    var serial: Int
    var record: BITSRequestRecord
    var deferredFindings: [(kind: BITSFindingKind, time: CaptureTimestamp?, message: String, advice: String?)] = []
}

/// What the tracker knows of one open connection; dropped when the connection leaves the
/// reassembler's table (``BITSSessionTracker/connectionEnded(_:)``). A class: the tracker reads
/// a field or two of it several times a request, and a struct read out of the table was a copy of
/// every field (its arrays and dictionary retained and released) each time. Only the tracker
/// touches it, on its one thread, as its own state: `@exclusivity(unchecked)` as that state is.
final class ConnectionSessions {
    /// The session the connection's latest request belonged to.
    @exclusivity(unchecked) var active: SessionHandle?
    /// Every session that used the connection (each counts it in `openConnections`).
    @exclusivity(unchecked) var sessions: [SessionHandle] = []
    /// The direction the capture lacks on this connection, once proven.
    @exclusivity(unchecked) var missing: FlowDirection?
    /// Requests waiting for a session to claim them.
    @exclusivity(unchecked) var waiting: [WaitingRequest] = []
    /// Where waiting requests went once a session claimed them: serial → (session, list index).
    @exclusivity(unchecked) var placed: [Int: (session: SessionHandle, index: Int?)] = [:]
    /// Codes reported about the connection without a session (each once).
    @exclusivity(unchecked) var reportedCodes: [FindingCode] = []
    /// Whether a request of a session past `maxOpenSessions` (not tracked) came on the connection:
    /// its one tracked session is then not the only one (see ``BITSSessionTracker/soleSession(on:)``).
    @exclusivity(unchecked) var carriedUntracked = false

    /// Nothing known yet.
    init() {}

    /// Back to nothing known, as ``init()`` leaves it, keeping the storage of a short session list:
    /// a connection's state is reused for a later connection (``BITSSessionTracker/connectionEnded(_:how:)``)
    /// rather than allocated and freed with its list for every one.
    func reset() {
        active = nil
        // A connection's one session taken off the end: `removeAll(keepingCapacity:)` replaced the
        // whole range (some 150 instructions). Lists without storage are left as they are.
        if sessions.count == 1, sessions.capacity <= Self.maxKeptSessionCapacity {
            sessions.removeLast()
        } else {
            sessions.removeAll(keepingCapacity: sessions.capacity <= Self.maxKeptSessionCapacity)
        }
        missing = nil
        if waiting.capacity > 0 { waiting = [] }
        if placed.capacity > 0 { placed = [:] }
        if reportedCodes.capacity > 0 { reportedCodes = [] }
        carriedUntracked = false
    }

    /// The longest session list whose storage a reused state keeps.
    static let maxKeptSessionCapacity = 8
}

/// Follows BITS sessions by session ID across connections and servers, and reports findings.
///
/// Fed by ``BITSConnectionAnalyzer``s (one per TCP connection) in capture order. Rules and their
/// evidence are in `docs/findings.md`; E below is the server's next expected offset: its last
/// BITS-Received-Content-Range, 0 right after a Create-Session seen in the capture, unknown for a
/// session first seen mid-upload until its first Ack.
///
/// Sessions live in a ``BITSSessionTable`` only while they may still change: once ended and without
/// an open connection they are handed to the ``sink`` and forgotten (`docs/architecture.md`), so
/// memory follows the sessions open at once, not the sessions of the capture. The code is split by
/// concern: requests and answers here, the protocol checks in `+Checks`, lifecycle in
/// `+Lifecycle`, one-sided captures in `+OneSided`, findings in `+Findings`.
///
/// Its stored state is `@exclusivity(unchecked)`: the runtime check on every access cost 7% of the
/// busy workload's instructions. That is sound because only the tracker touches the state, on one
/// thread, and nothing it calls (findings sink, session sink, observers) calls back into it while it
/// runs; ``reentry`` makes that checkable: every entry the connection analyzers and the pipeline
/// call enters it, and debug builds (the tests) stop at a call that reaches back.
public final class BITSSessionTracker {
    @exclusivity(unchecked) var reentry = ReentryGuard()
    let limits: Limits.BITS
    let findings: any FindingSink
    /// The sessions open now.
    @exclusivity(unchecked) var sessions = BITSSessionTable()
    /// Per open connection: its active session, its sessions, its waiting requests.
    @exclusivity(unchecked) var connections: [ConnectionNumber: ConnectionSessions] = [:]
    /// The connection state looked up last (``knownConnection(_:)``); never one that left ``connections``.
    @exclusivity(unchecked) var recentConnection: (id: Int, state: ConnectionSessions)?
    /// States of connections that ended, reset, for the next connections to reuse (at most
    /// ``maxSpareConnectionStates``).
    @exclusivity(unchecked) var spareConnectionStates: [ConnectionSessions] = []
    /// How many ended connections' states are kept for reuse: enough for the connections that end
    /// between two that begin.
    static let maxSpareConnectionStates = 64
    /// Lists of pending requests of ended connections, every entry free, for the next connections'
    /// analyzers to reuse (at most ``maxSparePendingLists``; see ``BITSConnectionAnalyzer/streamsEnded()``).
    @exclusivity(unchecked) var sparePendingLists: [[BITSConnectionAnalyzer.PendingRequest]] = []
    /// How many empty lists of pending requests are kept for reuse: enough for the connections that
    /// end between two that begin.
    static let maxSparePendingLists = 64
    /// Sessions with a BITS-Reply-URL not fetched yet, by the reply's normalised path.
    @exclusivity(unchecked) var replyIndex: [String: [SessionHandle]] = [:]
    /// Sessions whose Create-Session Ack, which names them, is not in the capture (a connection
    /// without the server's side, or capture loss), still without an ID, newest last (at most
    /// ``maxAwaitingUnseenID``).
    @exclusivity(unchecked) var sessionsAwaitingUnseenID: [SessionHandle] = []
    /// How many sessions whose naming Ack the capture lacks wait for a request to name them: a
    /// client has one or a few uploads starting at once; older ones stay unnamed.
    static let maxAwaitingUnseenID = 64
    /// Sessions whose Create-Session was answered by an authentication challenge, newest last (at
    /// most ``maxAwaitingUnseenID``): the client sends it again with credentials, on the same
    /// connection or a new one.
    @exclusivity(unchecked) var challengedCreates: [SessionHandle] = []
    /// Ended sessions waiting for their connections to close, in the order they ended.
    @exclusivity(unchecked) var lingering = FIFOQueue<(session: SessionHandle, endedAt: CaptureTimestamp)>()
    /// IDs of sessions that left, and whether they were closed or cancelled (bounded).
    @exclusivity(unchecked) var retiredIDs = RetiredIDs()
    @exclusivity(unchecked) var nextWaitingSerial = 0
    /// Header values made into strings lately (Host, Content-Name, protocols, session IDs), reused
    /// for values with the same bytes.
    @exclusivity(unchecked) var recentStrings = RecentStrings()
    /// The latest Create-Session's BITS-Supported-Protocols value and its list (``offeredProtocols(_:)``).
    @exclusivity(unchecked) var recentProtocolList: (value: String, list: [String]) = ("", [])
    /// Codes reported with neither a session nor a connection (each once per run).
    @exclusivity(unchecked) var reportedWithoutPlace: Set<FindingCode> = []
    @exclusivity(unchecked) var sessionLimitReported = false
    /// The capture time of the latest event, and of the last look for idle sessions.
    @exclusivity(unchecked) var clock = CaptureTimestamp.zero
    @exclusivity(unchecked) var lastIdleSweep = CaptureTimestamp.zero
    /// Before this capture time ``advanceClock(_:)`` has nothing to do: at most the earliest of the
    /// first lingering session's release and the next idle sweep (earlier is harmless, a wake with
    /// nothing due). Most events then cost the clock one comparison.
    @exclusivity(unchecked) var nextClockDeadline = CaptureTimestamp.zero
    /// Requests of sessions past `maxOpenSessions`, counted but not tracked.
    public internal(set) var untrackedRequests = 0
    // The settings below are read on every request or answer. Set before the capture is fed, and
    // each access instantaneous (never held across a call), so no access can overlap another on
    // the tracker's one thread: the runtime check (a call each time) is dropped as above.
    /// Seconds of capture time a session may stay silent before it is ended (`bits.idleTimeoutSeconds`;
    /// live mode's `--idle-timeout`).
    @exclusivity(unchecked) public var idleTimeoutSeconds: Int64 {
        didSet { nextClockDeadline = .zero }
    }
    /// Hears sessions start, progress and end (live mode).
    @exclusivity(unchecked) public weak var observer: (any BITSSessionObserver)?
    /// Gets every session once, final, when it leaves the tracker.
    @exclusivity(unchecked) public var sink: (any BITSSessionSink)?
    /// Hears Fragment bodies and the server's verdict on each (`analyze --extract`). The connection
    /// analyzers forward body pieces to it; the tracker tells it what each Ack accepted.
    @exclusivity(unchecked) public weak var bodyObserver: (any BITSBodyObserver)?

    /// Creates a tracker.
    public init(limits: Limits.BITS = .init(), findings: any FindingSink) {
        self.limits = limits
        self.findings = findings
        self.idleTimeoutSeconds = limits.idleTimeoutSeconds
    }

    /// Sessions seen so far (open or gone).
    public var sessionCount: Int { sessions.numbered }

    /// Sessions open now.
    public var openSessionCount: Int { sessions.count }

    // MARK: - Requests

    /// Records a BITS request and checks it against its session. Returns what answering it needs.
    func request(_ head: HTTPRequestHead, _ observed: ObservedRequest) -> RequestHandle {
        var handle: RequestHandle?
        request(head, observed, into: &handle)
        // Always set by the call above (every path through it ends assigning it).
        guard let handle else { preconditionFailure("BITSSessionTracker.request made no handle") }
        return handle
    }

    /// ``request(_:_:)`` writing what answering the request needs into `handle` in place: the
    /// handle (some 370 bytes) returned and stored into the connection's pending entry was copied
    /// three times (into an optional, the old entry out, the new one in).
    func request(_ head: HTTPRequestHead, _ observed: ObservedRequest, into handle: inout RequestHandle?) {
        reentry.enter("BITSSessionTracker.request")
        defer { reentry.leave() }
        advanceClock(observed.time)
        let connection = observed.connection
        let typeHeader = head.headers.withValueBytes(.bitsPacketType) { $0.map(BITSPacketType.init(headerBytes:)) }
        let type = typeHeader ?? .unknown("")
        let record = BITSRequestRecord(
            type: type, method: head.method, url: head.target, host: head.headers.sharedValue(.host, reusing: &recentStrings),
            time: observed.time,
            connection: connection.id,
            range: type == .fragment ? head.headers.withValueBytes(.contentRange) { $0.flatMap(ContentRange.init(headerBytes:)) } : nil,
            contentLength: head.headers.withValueBytes(.contentLength) { $0.flatMap(ContentRange.decimal) },
            bodyBytes: observed.bodyBytes, bodyGapBytes: observed.bodyGapBytes,
            contentName: head.headers.sharedValue(.contentName, reusing: &recentStrings)
        )

        let sessionIDHeader = head.headers.trimmedValue(.bitsSessionID, reusing: &recentStrings)
        let sessionID = sessionIDHeader.flatMap { $0.isEmpty ? nil : $0 }
        var session: SessionHandle?
        switch type {
        case .createSession:
            // A Create-Session repeated with credentials after a challenge continues its session.
            session = repeatedAfterChallenge(record, connection: connection)
                ?? newSession(id: nil, record: record, connection: connection)
            if let session {
                sessions[session].record.createSeen = true
                sessions[session].awaitingID = true
                sessions[session].record.supportedProtocols = head.headers.withValueBytes(.bitsSupportedProtocols) {
                    offeredProtocols($0)
                }
                if let name = record.contentName { sessions[session].record.contentName = name }
            }
        case .fragment, .closeSession, .cancelSession:
            if let sessionID { adoptIDOfUnseenAck(sessionID, connection: connection) }
            if let sessionID {
                session = existingOrNewSession(id: sessionID, record: record, connection: connection)
            } else {
                session = activeSession(on: connection.id)
                report(.missingSessionID, session: session, connection: connection.id, time: record.time,
                       "\(type) request without BITS-Session-Id")
            }
        default:
            session = sessionID.flatMap { existingOrNewSession(id: $0, record: record, connection: connection) }
            if session == nil { session = activeSession(on: connection.id) }
        }
        place(RequestRules.packet(record, hasTypeHeader: typeHeader != nil), session: session, connection: connection.id,
              time: record.time)
        checkFraming(head, record: record, hasTypeHeader: typeHeader != nil, session: session)

        guard let session else {
            var waitingSerial: Int?
            // No session yet on this connection: keep Pings and the like until one appears.
            if type == .ping || sessionID == nil {
                nextWaitingSerial += 1
                waitingSerial = nextWaitingSerial
                connectionState(connection.id).waiting.append(
                    WaitingRequest(serial: nextWaitingSerial, record: record))
            }
            handle = RequestHandle(session: nil, record: record, waitingSerial: waitingSerial,
                                   requestKey: observed.requestKey, requestEnd: observed.endTime)
            return
        }
        let expectedAtRequest = sessions[session].expectedOffset
        let notes = sessionRulesOnRequest(record, carriedID: sessionID != nil, session: session)
        let ended = sessions[session].record.closed || sessions[session].record.cancelled
        var wasGap = false
        switch type {
        case .fragment where !ended: wasGap = checkFragment(record, session: session, head: head, complete: observed.complete)
        case .closeSession: checkClose(record, session: session)
        case .cancelSession: sessions[session].record.cancelled = true
        default: break
        }
        if let name = record.contentName, sessions[session].record.contentName == nil {
            sessions[session].record.contentName = name
        }
        let listIndex = attach(record, to: session, connection: connection)
        // Made last, so that the record moves into it: a copy retains each of its strings.
        handle = RequestHandle(session: session, listIndex: listIndex, record: record, expectedAtRequest: expectedAtRequest,
                               wasGap: wasGap, requestKey: observed.requestKey, requestEnd: observed.endTime,
                               sessionNotes: notes)
    }

    /// The session connection `id`'s latest request belonged to, if it is still open.
    func activeSession(on id: Int) -> SessionHandle? {
        guard let active = knownConnection(id)?.active, sessions.contains(active) else { return nil }
        return active
    }

    /// The number of the session with BITS-Session-Id `id` (case-insensitive), if it is open.
    func sessionNumber(forID id: String) -> Int? {
        sessions.handle(forID: id).map { sessions[$0].record.number }
    }

    // MARK: - Answers

    /// Processes the response to a request.
    /// The handle is lent, not passed: the connection analyzer keeps it in its list of pending
    /// requests, and a handle (some 400 bytes) moved out of there, unwrapped and passed on was
    /// copied whole at each step. Its record is answered in place (a copy retained each of its
    /// strings), and the answer's fields are copied into the session's list (``storeAnswer(of:time:)``).
    func response(_ head: HTTPResponseHead, time: CaptureTimestamp, to handle: inout RequestHandle) {
        reentry.enter("BITSSessionTracker.response")
        defer { reentry.leave() }
        advanceClock(time)
        resolve(&handle)
        handle.record.status = head.status
        handle.record.ackTime = time
        var accepted: Range<UInt64>?
        defer {
            // The body observer first: the record then moves into the session's list.
            tellBodyObserver(handle, record: handle.record, accepted: accepted, time: time)
            let listed = storeAnswer(of: &handle, time: time)
            if let session = handle.session {
                announce(in: session, time: time) { listed.map { sessions[session].record.requests[$0] } ?? handle.record }
            }
        }
        let id = handle.record.connection
        let session = handle.session
        if handle.record.type == .fragment, let session, sessions[session].outstandingFragments > 0 {
            sessions[session].outstandingFragments -= 1
        }
        // Findings about a request still waiting for its session are held until one claims it.
        let sessionOpen = session.map { !sessions[$0].record.closed && !sessions[$0].record.cancelled } ?? false
        let (found, success) = AckRules.answer(head, record: &handle.record, wasGap: handle.wasGap, sessionOpen: sessionOpen)
        for finding in found {
            reportOrDefer(finding.kind, waitingSerial: handle.waitingSerial, session: session, connection: id, time: time,
                          finding.message, advice: finding.advice)
        }
        checkFraming(head, time: time, handle: &handle, success: success)
        if handle.record.challenge {
            if handle.record.type == .createSession, let session { challenged(session) }
            return
        }
        guard let session else { return }
        sessionRulesOnAnswer(head, record: handle.record, success: success, notes: handle.sessionNotes, session: session,
                             time: time)
        switch handle.record.type {
        case .createSession:
            acknowledgeCreate(head, success: success, session: session, record: handle.record, time: time)
        case .fragment:
            accepted = acknowledgeFragment(head, handle: handle, record: handle.record, session: session, time: time)
        case .closeSession:
            if success { sessions[session].record.closed = true }
        default:
            break
        }
    }

    /// An Ack whose request the capture lost (its head fell in a gap, so HTTP paired the response
    /// with a placeholder): the request cannot be listed, but a 200 Ack's BITS-Received-Content-Range
    /// still says how far the session of this connection got, so the next Fragment, sent from
    /// there, is not taken for a gap. Nothing is reported: the `capture-loss` and `http-desync`
    /// notices already say why the request is missing.
    func responseToLostRequest(_ head: HTTPResponseHead, connection: BITSConnectionInfo, time: CaptureTimestamp) {
        reentry.enter("BITSSessionTracker.responseToLostRequest")
        defer { reentry.leave() }
        advanceClock(time)
        guard head.status == 200, BITSPacketType(headerValue: head.headers[.bitsPacketType] ?? "") == .ack else {
            return
        }
        let oneSided = lacksClientSide(connection.id)
        var found = activeSession(on: connection.id)
        if let id = head.headers.trimmedValue(.bitsSessionID), !id.isEmpty {
            // Without the client's side, the Acks are all there is to know a session by.
            found = sessions.handle(forID: id)
                ?? (oneSided ? sessionFromAck(id: id, head: head, connection: connection, time: time) : nil)
        }
        guard let session = found else { return }
        if oneSided {
            link(session, to: connection)
            connectionState(connection.id).active = session
            if sessions[session].record.lastTime < time { sessions[session].record.lastTime = time }
        }
        guard let received = head.headers[.bitsReceivedContentRange].flatMap({ ContentRange.decimal(Substring($0)) })
        else { return }
        sessions[session].offsetUnknown = false
        guard received > (sessions[session].record.bytesAcknowledged ?? 0) else { return }
        sessions[session].record.bytesAcknowledged = received
    }

    /// A request that will never be answered.
    func unanswered(_ handle: RequestHandle, time: CaptureTimestamp) {
        reentry.enter("BITSSessionTracker.unanswered")
        defer { reentry.leave() }
        giveUp(handle, responseLost: false, time: time)
    }

    /// A request whose response the capture lost (the other direction has a gap where it was due):
    /// it was answered, but how is unknown. Not `missing-ack`; after a Fragment the server's offset
    /// is unknown until the next Ack, so the next Fragment is not checked for a gap.
    func responseLost(_ handle: RequestHandle, time: CaptureTimestamp) {
        reentry.enter("BITSSessionTracker.responseLost")
        defer { reentry.leave() }
        giveUp(handle, responseLost: true, time: time)
    }

    /// A request still waiting for its answer when the capture ended: listed as unanswered, with no
    /// finding and nothing inferred (its answer may come after the capture's end).
    func cutByCaptureEnd(_ handle: RequestHandle, time: CaptureTimestamp) {
        reentry.enter("BITSSessionTracker.cutByCaptureEnd")
        defer { reentry.leave() }
        let (handle, record) = markUnanswered(handle, time: time)
        if let session = handle.session { announce(record, in: session, time: time) }
    }

    /// Lists the request as unanswered, tells the body observer its fragment was not kept, and
    /// counts it out of the session's outstanding fragments. Returns the handle resolved and the
    /// record as listed.
    private func markUnanswered(_ handle: RequestHandle, time: CaptureTimestamp) -> (RequestHandle, BITSRequestRecord) {
        advanceClock(time)
        var handle = handle
        resolve(&handle)
        var record = handle.record
        record.unanswered = true
        update(handle, with: record, time: nil)
        tellBodyObserver(handle, record: record, accepted: nil, time: time)
        if record.type == .fragment, let session = handle.session, sessions[session].outstandingFragments > 0 {
            sessions[session].outstandingFragments -= 1
        }
        return (handle, record)
    }

    private func giveUp(_ handle: RequestHandle, responseLost: Bool, time: CaptureTimestamp) {
        let (handle, record) = markUnanswered(handle, time: time)
        if responseLost {
            if let session = handle.session {
                switch record.type {
                case .fragment:
                    sessions[session].offsetUnknown = true
                case .createSession:
                    awaitUnseenID(session)
                case .closeSession where sessions[session].record.missingDirection == nil:
                    // A failed Close-Session is sent again (reference §2.3: 5xx, the client retries), so
                    // one whose Ack the capture lost and that was not repeated was accepted.
                    sessions[session].record.closed = true
                default:
                    break
                }
                announce(record, in: session, time: time)
            }
            return
        }
        if let session = handle.session { announce(record, in: session, time: time) }
        reportOrDefer(.missingAck, waitingSerial: handle.waitingSerial, session: handle.session, connection: record.connection,
                      time: time,
                      "\(record.type) sent at \(record.time.rfc3339(precision: .microseconds)) was never answered")
    }

    /// Fills in the handle's session when its waiting request was claimed meanwhile, and clears it
    /// when the session left the tracker since.
    private func resolve(_ handle: inout RequestHandle) {
        if let session = handle.session, !sessions.contains(session) { handle.session = nil }
        guard handle.session == nil, let serial = handle.waitingSerial,
              let place = knownConnection(handle.record.connection)?.placed[serial], sessions.contains(place.session)
        else { return }
        handle.session = place.session
        handle.listIndex = place.index
    }

    /// The session whose challenged Create-Session `record` repeats: the one of this connection, or
    /// the newest from the same client to the same server and URL (credentials on a new connection).
    private func repeatedAfterChallenge(_ record: BITSRequestRecord, connection: BITSConnectionInfo) -> SessionHandle? {
        // Most captures have no challenge: `removeAll(where:)` cost some 120 instructions on an empty list.
        if !challengedCreates.isEmpty {
            challengedCreates.removeAll { !sessions.contains($0) || !sessions[$0].createChallenged }
        }
        let candidate = activeSession(on: connection.id).flatMap { sessions[$0].createChallenged ? $0 : nil }
            ?? challengedCreates.last {
                let earlier = sessions[$0].record
                return earlier.client.address == connection.client.address && earlier.servers.last == connection.server
                    && earlier.url == record.url
            }
        guard let session = candidate else { return nil }
        sessions[session].createChallenged = false
        challengedCreates.removeAll { $0 == session }
        return session
    }

    /// `session`'s Create-Session was answered by a challenge: a repetition continues it.
    private func challenged(_ session: SessionHandle) {
        sessions[session].createChallenged = true
        challengedCreates.append(session)
        if challengedCreates.count > Self.maxAwaitingUnseenID { challengedCreates.removeFirst() }
    }

    /// A second BITS request on a connection before the first was answered.
    func pipelined(connection: Int, session sessionID: String?, time: CaptureTimestamp) {
        reentry.enter("BITSSessionTracker.pipelined")
        defer { reentry.leave() }
        let session = sessionID.flatMap { sessions.handle(forID: $0) } ?? activeSession(on: connection)
        report(.pipelinedRequest, session: session, connection: connection, time: time,
               "BITS request sent before the previous one on connection \(connection) was answered")
    }

    /// A GET or HEAD: fetches the reply of an upload-reply session if it names its reply URL.
    func fetch(target: String, time: CaptureTimestamp) {
        reentry.enter("BITSSessionTracker.fetch")
        defer { reentry.leave() }
        advanceClock(time)
        let fetched = ReplyURL.normalizedPath(target)
        guard let waiting = replyIndex.removeValue(forKey: fetched) else { return }
        for session in waiting where sessions.contains(session) { sessions[session].record.replyFetched = true }
    }

    /// ``protocolList(_:)`` of a Create-Session's value (its bytes as sent, `nil` when absent), the
    /// latest list shared when the value has the same bytes: a busy server's clients all offer the
    /// same protocols, and each list was an allocation (and its release when the session left).
    /// Compared before any `String` is made: equal to a string's bytes, the value is valid UTF-8 and
    /// decodes to that string.
    func offeredProtocols(_ bytes: UnsafeBufferPointer<UInt8>?) -> [String] {
        guard let bytes else { return [] }
        if recentProtocolList.value.withUTF8Bytes({ bytes.sameBytes(as: $0) }) { return recentProtocolList.list }
        let value = recentStrings.string(bytes)
        let list = Self.protocolList(value)
        recentProtocolList = (value, list)
        return list
    }

    /// Splits a BITS-Supported-Protocols value (GUIDs separated by spaces or commas).
    static func protocolList(_ value: String?) -> [String] {
        guard let value else { return [] }
        // One GUID, the usual offer: the value itself, sharing its storage. Searched in place: the
        // UTF-8 view's generic search cost some 50 instructions a byte.
        if !value.withUTF8Bytes({ $0.contains(where: FramingRules.isProtocolSeparator) }) { return value.isEmpty ? [] : [value] }
        // Split as bytes: splitting Characters runs grapheme breaking over every GUID.
        return value.utf8.split(whereSeparator: FramingRules.isProtocolSeparator)
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
