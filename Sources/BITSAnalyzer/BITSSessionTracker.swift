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

/// A request handed to the tracker once its body has ended.
struct ObservedRequest {
    var head: HTTPRequestHead
    var time: CaptureTimestamp
    var connection: BITSConnectionInfo
    var bodyBytes: UInt64
    var bodyGapBytes: UInt64
    var complete: Bool
    /// Where the request sits on its connection (for the body observer's verdicts).
    var requestKey: BITSRequestKey?
}

/// What the tracker needs to process the answer to a request.
struct RequestHandle {
    /// The session the request belongs to, if any.
    var session: Int?
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
}

/// A request with no session yet, and the findings about it, held until a session claims it.
struct WaitingRequest {
    var serial: Int
    var record: BITSRequestRecord
    var deferredFindings: [(kind: BITSFindingKind, time: CaptureTimestamp?, message: String)] = []
}

/// Follows BITS sessions by session ID across connections and servers, and reports findings.
///
/// Fed by ``BITSConnectionAnalyzer``s (one per TCP connection) in capture order. Rules and their
/// evidence are in `docs/findings.md`; E below is the server's next expected offset: its last
/// BITS-Received-Content-Range, 0 right after a Create-Session seen in the capture, unknown for a
/// session first seen mid-upload until its first Ack.
public final class BITSSessionTracker {
    private let limits: Limits.BITS
    private let findings: any FindingSink
    /// Every session, in the order first seen.
    public private(set) var sessions: [BITSSession] = []
    private var sessionByID: [String: Int] = [:]
    private var activeSessionByConnection: [Int: Int] = [:]
    /// Open connections of which the capture lacks one direction, and which.
    private var oneSidedConnections: [Int: FlowDirection] = [:]
    /// Sessions whose Create-Session Ack, which names them, is not in the capture (a connection
    /// without the server's side, or capture loss), still without an ID, newest last (at most
    /// ``maxAwaitingUnseenID``).
    private var sessionsAwaitingUnseenID: [Int] = []
    /// How many sessions whose naming Ack the capture lacks wait for a request to name them: a
    /// client has one or a few uploads starting at once; older ones stay unnamed.
    static let maxAwaitingUnseenID = 64
    private var waitingByConnection: [Int: [WaitingRequest]] = [:]
    /// Where waiting requests went once a session claimed them: serial → (session, list index).
    private var placedWaiting: [Int: (session: Int, index: Int?)] = [:]
    private var nextWaitingSerial = 0
    private var reported: Set<ReportKey> = []
    private var requestLimitReported: Set<Int> = []
    private var sessionLimitReported = false
    /// Requests of sessions past `maxSessions`, counted but not tracked.
    public private(set) var untrackedRequests = 0
    /// Hears sessions start, progress and end (live mode).
    public weak var observer: (any BITSSessionObserver)?
    /// Whether ended sessions keep their request lists (needed for the timeline document). Live
    /// mode without `--json` sets it to `false` so that memory does not grow with time.
    public var retainsEndedSessions = true
    /// Hears Fragment bodies and the server's verdict on each (`analyze --extract`). The connection
    /// analyzers forward body pieces to it; the tracker tells it what each Ack accepted.
    public weak var bodyObserver: (any BITSBodyObserver)?

    private struct ReportKey: Hashable {
        var session: Int?
        var connection: Int?
        var code: FindingCode
    }

    /// Creates a tracker.
    public init(limits: Limits.BITS = .init(), findings: any FindingSink) {
        self.limits = limits
        self.findings = findings
    }

    // MARK: - Requests

    /// Records a BITS request and checks it against its session. Returns what answering it needs.
    func request(_ observed: ObservedRequest) -> RequestHandle {
        let head = observed.head
        let connection = observed.connection
        let typeHeader = head.headers["BITS-Packet-Type"]
        let type = typeHeader.map(BITSPacketType.init(headerValue:)) ?? .unknown("")
        var record = BITSRequestRecord(
            type: type, method: head.method, url: head.target, host: head.headers["Host"], time: observed.time,
            connection: connection.id
        )
        record.contentLength = head.headers["Content-Length"].flatMap { ContentRange.decimal(Substring($0)) }
        record.bodyBytes = observed.bodyBytes
        record.bodyGapBytes = observed.bodyGapBytes
        record.contentName = head.headers["Content-Name"]
        if type == .fragment { record.range = head.headers["Content-Range"].flatMap(ContentRange.init(headerValue:)) }

        let sessionIDHeader = head.headers["BITS-Session-Id"]?.trimmingASCIIWhitespace()
        let sessionID = sessionIDHeader.flatMap { $0.isEmpty ? nil : $0 }
        var session: Int?
        switch type {
        case .createSession:
            session = newSession(id: nil, record: record, connection: connection)
            if let session {
                sessions[session].createSeen = true
                sessions[session].awaitingID = true
                sessions[session].supportedProtocols = Self.protocolList(head.headers["BITS-Supported-Protocols"])
                if let name = record.contentName { sessions[session].contentName = name }
            }
        case .fragment, .closeSession, .cancelSession:
            if let sessionID { adoptIDOfUnseenAck(sessionID, connection: connection) }
            if let sessionID {
                session = existingOrNewSession(id: sessionID, record: record, connection: connection)
            } else {
                session = activeSessionByConnection[connection.id]
                report(.missingSessionID, session: session, connection: connection.id, time: record.time,
                       "\(type) request without BITS-Session-Id")
            }
        default:
            session = sessionID.flatMap { existingOrNewSession(id: $0, record: record, connection: connection) }
            if session == nil { session = activeSessionByConnection[connection.id] }
        }
        if typeHeader == nil {
            report(.missingPacketType, session: session, connection: connection.id, time: record.time,
                   "\(head.method) \(head.target) without BITS-Packet-Type")
        } else if case .unknown(let value) = type {
            report(.unknownPacketType, session: session, connection: connection.id, time: record.time,
                   "BITS-Packet-Type '\(value)' is not a known request type")
        }
        if type.forbidsBody, (record.contentLength ?? 0) > 0 || record.bodyBytes > 0 {
            report(.requestBodyNotAllowed, session: session, connection: connection.id, time: record.time,
                   "\(type) with a body: Content-Length \(record.contentLength.map(String.init) ?? "absent"), "
                       + "\(record.bodyBytes) bytes carried")
        }

        var handle = RequestHandle(session: session, record: record)
        handle.requestKey = observed.requestKey
        guard let session else {
            // No session yet on this connection: keep Pings and the like until one appears.
            if type == .ping || sessionID == nil {
                nextWaitingSerial += 1
                handle.waitingSerial = nextWaitingSerial
                waitingByConnection[connection.id, default: []].append(WaitingRequest(serial: nextWaitingSerial,
                                                                                       record: record))
            }
            return handle
        }
        handle.expectedAtRequest = expectedOffset(session)
        let ended = sessions[session].closed || sessions[session].cancelled
        switch type {
        case .fragment where !ended: handle.wasGap = checkFragment(record, session: session, observed: observed)
        case .closeSession: checkClose(record, session: session)
        case .cancelSession: sessions[session].cancelled = true
        default: break
        }
        if let name = record.contentName, sessions[session].contentName == nil { sessions[session].contentName = name }
        handle.listIndex = attach(record, to: session, connection: connection)
        return handle
    }

    /// The server's next expected offset for a session, as far as the capture tells; while
    /// fragments are outstanding (pipelined), the offset they will have brought it to.
    private func expectedOffset(_ session: Int) -> UInt64? {
        if sessions[session].offsetUnknown { return nil }
        if sessions[session].outstandingFragments > 0, let projected = sessions[session].projectedOffset {
            return projected
        }
        return sessions[session].bytesAcknowledged ?? (sessions[session].createSeen ? 0 : nil)
    }

    /// Checks a fragment's range against the session. Returns whether it is a fragment-gap.
    private func checkFragment(_ record: BITSRequestRecord, session: Int, observed: ObservedRequest) -> Bool {
        let id = record.connection
        let time = record.time
        guard let range = record.range else {
            let raw = observed.head.headers["Content-Range"]
            report(.malformedContentRange, session: session, connection: id, time: time,
                   raw.map { "Content-Range '\($0)' is not 'bytes first-last/total'" } ?? "Fragment without Content-Range")
            return false
        }
        if range.last >= range.total {
            report(.rangeBeyondTotal, session: session, connection: id, time: time,
                   "range \(range.text) reaches past the total: last byte \(range.last) ≥ total \(range.total)")
        }
        if let total = sessions[session].totalLength {
            if total != range.total {
                report(.totalLengthChanged, session: session, connection: id, time: time,
                       "total length \(range.total) in range \(range.text), earlier fragments said \(total)")
            }
        } else {
            sessions[session].totalLength = range.total
        }
        let carried = record.bodyBytes + record.bodyGapBytes
        if let declared = record.contentLength, declared != range.length {
            report(.rangeMismatch, session: session, connection: id, time: time,
                   "Content-Length \(declared) but range \(range.text) covers \(range.length) bytes")
        } else if observed.complete, carried != range.length {
            report(.rangeMismatch, session: session, connection: id, time: time,
                   "body of \(carried) bytes but range \(range.text) covers \(range.length) bytes")
        }
        if let resync = sessions[session].resyncOffset {
            if range.first != resync {
                report(.clientIgnoredResync, session: session, connection: id, time: time,
                       "server asked for offset \(resync), next fragment starts at \(range.first) (\(range.text))")
            }
            sessions[session].resyncOffset = nil
        }
        guard let expected = expectedOffset(session) else { return false }
        sessions[session].outstandingFragments += 1
        sessions[session].projectedOffset = range.first <= expected ? max(expected, range.last &+ 1) : expected
        if range.first > expected {
            report(.fragmentGap, session: session, connection: id, time: time,
                   "fragment \(range.text) starts at \(range.first), server expects \(expected): "
                       + "\(range.first - expected) bytes skipped")
            return true
        } else if range.last < expected {
            report(.fragmentDuplicate, session: session, connection: id, time: time,
                   "fragment \(range.text) ends before the expected offset \(expected): already stored")
        } else if range.first < expected {
            report(.fragmentOverlap, session: session, connection: id, time: time,
                   "fragment \(range.text) starts at \(range.first), server expects \(expected): "
                       + "\(expected - range.first) bytes sent again")
        }
        return false
    }

    private func checkClose(_ record: BITSRequestRecord, session: Int) {
        let state = sessions[session]
        // Without the server's side, how much it acknowledged is unknown.
        guard state.missingDirection != .serverToClient else { return }
        let fragments = state.requests.contains { $0.type == .fragment }
        if let total = state.totalLength {
            let acknowledged = state.bytesAcknowledged ?? 0
            if acknowledged < total {
                report(.partialFileClose, session: session, connection: record.connection, time: record.time,
                       "Close-Session with \(acknowledged) of \(total) bytes acknowledged")
            }
        } else if state.createSeen, !fragments {
            report(.partialFileClose, session: session, connection: record.connection, time: record.time,
                   "Close-Session with no fragment sent")
        }
        if let reply = state.replyURL, !state.replyFetched {
            report(.replyNotFetched, session: session, connection: record.connection, time: record.time,
                   "Close-Session before any GET of the reply URL \(reply)")
        }
    }

    // MARK: - Answers

    /// Processes the response to a request.
    func response(_ head: HTTPResponseHead, time: CaptureTimestamp, to handle: RequestHandle) {
        var handle = resolved(handle)
        var record = handle.record
        record.status = head.status
        record.ackTime = time
        var accepted: Range<UInt64>?
        defer {
            update(handle, with: record, time: time)
            tellBodyObserver(handle, record: record, accepted: accepted, time: time)
            if let session = handle.session { announce(record, in: session, time: time) }
        }
        let id = record.connection
        let session = handle.session
        if record.type == .fragment, let session, sessions[session].outstandingFragments > 0 {
            sessions[session].outstandingFragments -= 1
        }
        // Findings about a request still waiting for its session are held until one claims it.
        if head.status == 401 || head.status == 407 {
            record.challenge = true
            reportOrDefer(.authChallenge, handle: &handle, session: session, connection: id, time: time,
                   "\(head.status) challenge to \(record.type); the client must re-send it with credentials")
            return
        }
        if BITSPacketType(headerValue: head.headers["BITS-Packet-Type"] ?? "") != .ack {
            reportOrDefer(.responseNotAck, handle: &handle, session: session, connection: id, time: time,
                   "\(head.status) response to \(record.type) without BITS-Packet-Type: Ack")
        }
        let codeHeader = head.headers["BITS-Error-Code"] ?? head.headers["BITS-Error"]
        if head.headers["BITS-Error-Code"] == nil, head.headers["BITS-Error"] != nil {
            reportOrDefer(.errorHeaderNameVariant, handle: &handle, session: session, connection: id, time: time,
                   "error code sent as BITS-Error (the spec's name) rather than BITS-Error-Code")
        }
        if let codeHeader {
            record.errorCode = BITSErrorCode(headerValue: codeHeader)
            if record.errorCode == nil {
                reportOrDefer(.malformedErrorCode, handle: &handle, session: session, connection: id, time: time,
                       "error code '\(codeHeader)' is not a hex HRESULT")
            }
        }
        record.errorContext = head.headers["BITS-Error-Context"]
        record.received = head.headers["BITS-Received-Content-Range"].flatMap { ContentRange.decimal(Substring($0)) }
        let errorPresent = record.errorCode.map { !$0.isNoError } ?? false
        let success = (head.status == 200 || head.status == 201) && !errorPresent

        if !success, !(head.status == 416 && handle.wasGap) {
            let code = record.errorCode.map { " \($0)" + ($0.name.map { " (\($0))" } ?? "") } ?? ""
            let context = record.errorContext.map { ", context \($0)" } ?? ""
            reportOrDefer(.serverError, handle: &handle, session: session, connection: id, time: time,
                   "\(record.type) answered \(head.status)\(code)\(context)")
        }
        if record.errorCode == .sessionNotFound, let session, !sessions[session].closed, !sessions[session].cancelled {
            reportOrDefer(.unknownSession, handle: &handle, session: session, connection: id, time: time,
                   "server does not know the session: \(head.status) \(BITSErrorCode.sessionNotFound) (BG_E_SESSION_NOT_FOUND)")
        }
        guard let session else { return }
        switch record.type {
        case .createSession:
            acknowledgeCreate(head, success: success, session: session, record: record, time: time)
        case .fragment:
            accepted = acknowledgeFragment(head, handle: handle, record: record, session: session, time: time)
        case .closeSession:
            if success { sessions[session].closed = true }
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
        guard head.status == 200, BITSPacketType(headerValue: head.headers["BITS-Packet-Type"] ?? "") == .ack else {
            return
        }
        let oneSided = lacksClientSide(connection.id)
        var found = activeSessionByConnection[connection.id]
        if let id = head.headers["BITS-Session-Id"]?.trimmingASCIIWhitespace(), !id.isEmpty {
            // Without the client's side, the Acks are all there is to know a session by.
            found = sessionIndex(forID: id) ?? (oneSided ? sessionFromAck(id: id, head: head, connection: connection, time: time) : nil)
        }
        guard let session = found else { return }
        if oneSided {
            if !sessions[session].connections.contains(connection.id) { sessions[session].connections.append(connection.id) }
            if !sessions[session].servers.contains(connection.server) { sessions[session].servers.append(connection.server) }
            activeSessionByConnection[connection.id] = session
            if sessions[session].lastTime < time { sessions[session].lastTime = time }
        }
        guard let received = head.headers["BITS-Received-Content-Range"].flatMap({ ContentRange.decimal(Substring($0)) })
        else { return }
        sessions[session].offsetUnknown = false
        guard received > (sessions[session].bytesAcknowledged ?? 0) else { return }
        sessions[session].bytesAcknowledged = received
    }

    private func acknowledgeCreate(
        _ head: HTTPResponseHead, success: Bool, session: Int, record: BITSRequestRecord, time: CaptureTimestamp
    ) {
        defer { releaseHeldFindings(session) }
        guard success else {
            sessions[session].rejected = true
            return
        }
        guard let id = head.headers["BITS-Session-Id"]?.trimmingASCIIWhitespace(), !id.isEmpty else {
            report(.createAckMissingSessionID, session: session, connection: record.connection, time: time,
                   "\(head.status) Ack to Create-Session without BITS-Session-Id")
            return
        }
        sessions[session].sessionID = id
        sessionByID[id.lowercased()] = session
        let chosen = head.headers["BITS-Protocol"]?.trimmingASCIIWhitespace()
        sessions[session].chosenProtocol = chosen
        let offered = sessions[session].supportedProtocols.map { $0.lowercased() }
        if chosen == nil || !offered.contains(chosen!.lowercased()) {
            report(.protocolMismatch, session: session, connection: record.connection, time: time,
                   chosen.map { "server chose \($0), client offered \(offered.joined(separator: " "))" }
                       ?? "successful Create-Session Ack without BITS-Protocol")
        }
        if let host = head.headers["BITS-Host-Id"]?.trimmingASCIIWhitespace(), !host.isEmpty {
            sessions[session].hostID = host
            sessions[session].hostIDFallbackTimeout = head.headers["BITS-Host-Id-Fallback-Timeout"]
                .flatMap { ContentRange.decimal(Substring($0)) }
        }
    }

    /// Applies a fragment's Ack to its session. Returns the upload offsets the server stored from the
    /// fragment (see ``BITSFragmentVerdict/accepted``), or `nil` when it stored none of them or the
    /// Ack does not say.
    private func acknowledgeFragment(
        _ head: HTTPResponseHead, handle: RequestHandle, record: BITSRequestRecord, session: Int, time: CaptureTimestamp
    ) -> Range<UInt64>? {
        if let reply = head.headers["BITS-Reply-URL"]?.trimmingASCIIWhitespace(), !reply.isEmpty {
            sessions[session].replyURL = reply
        }
        guard head.status == 200 || head.status == 416 else { return nil }
        guard let received = record.received else {
            report(.ackMissingReceivedRange, session: session, connection: record.connection, time: time,
                   "\(head.status) Ack to a fragment without a decimal BITS-Received-Content-Range"
                       + (head.headers["BITS-Received-Content-Range"].map { " ('\($0)')" } ?? ""))
            return nil
        }
        if let previous = sessions[session].bytesAcknowledged, received < previous {
            report(.ackRangeRegression, session: session, connection: record.connection, time: time,
                   "server now expects offset \(received), it had acknowledged up to \(previous)")
        }
        if head.status == 416 {
            report(.outOfSync416, session: session, connection: record.connection, time: time,
                   "416 Ack: server expects offset \(received)"
                       + (record.range.map { ", fragment was \($0.text)" } ?? ""))
            sessions[session].resyncOffset = received
        } else if let range = record.range {
            // A range ending at offset 2^64 - 1 makes the next offset 2^64: past every received value.
            let (next, nextPast64Bits) = range.last.addingReportingOverflow(1)
            if let expected = handle.expectedAtRequest, range.first <= expected, nextPast64Bits || received != next {
                report(.ackRangeMismatch, session: session, connection: record.connection, time: time,
                       "Ack for \(range.text) says next offset \(received), expected "
                           + (nextPast64Bits ? "18446744073709551616" : "\(next)"))
            }
            if nextPast64Bits || received < next { sessions[session].resyncOffset = received }
        }
        sessions[session].bytesAcknowledged = received
        sessions[session].offsetUnknown = false
        let refused = record.errorCode.map { !$0.isNoError } ?? false
        guard head.status == 200, !refused, let range = record.range else { return nil }
        // First copy wins: bytes below the offset expected before the request were already stored.
        let from = max(range.first, handle.expectedAtRequest ?? range.first)
        let next = range.last == .max ? range.last : range.last + 1
        return from..<max(from, min(next, received))
    }

    /// Tells the body observer what the server did with a fragment: stored `accepted`, or nothing.
    private func tellBodyObserver(
        _ handle: RequestHandle, record: BITSRequestRecord, accepted: Range<UInt64>?, time: CaptureTimestamp
    ) {
        guard let observer = bodyObserver, record.type == .fragment, let key = handle.requestKey else { return }
        if let accepted, let session = handle.session, let received = record.received {
            observer.fragmentAccepted(BITSFragmentVerdict(
                request: key, session: session, accepted: accepted, acknowledged: received, time: time
            ))
        } else {
            observer.fragmentDiscarded(key, time: time)
        }
    }

    /// The index of the session with BITS-Session-Id `id` (case-insensitive), if the tracker knows it.
    func sessionIndex(forID id: String) -> Int? { sessionByID[id.lowercased()] }

    /// A request that will never be answered.
    func unanswered(_ handle: RequestHandle, time: CaptureTimestamp) {
        giveUp(handle, responseLost: false, time: time)
    }

    /// A request whose response the capture lost (the other direction has a gap where it was due):
    /// it was answered, but how is unknown. Not `missing-ack`; after a Fragment the server's offset
    /// is unknown until the next Ack, so the next Fragment is not checked for a gap.
    func responseLost(_ handle: RequestHandle, time: CaptureTimestamp) {
        giveUp(handle, responseLost: true, time: time)
    }

    private func giveUp(_ handle: RequestHandle, responseLost: Bool, time: CaptureTimestamp) {
        var handle = resolved(handle)
        var record = handle.record
        record.unanswered = true
        update(handle, with: record, time: nil)
        tellBodyObserver(handle, record: record, accepted: nil, time: time)
        if let session = handle.session { announce(record, in: session, time: time) }
        if record.type == .fragment, let session = handle.session, sessions[session].outstandingFragments > 0 {
            sessions[session].outstandingFragments -= 1
        }
        if responseLost {
            guard let session = handle.session else { return }
            switch record.type {
            case .fragment:
                sessions[session].offsetUnknown = true
            case .createSession:
                awaitUnseenID(session)
            case .closeSession where sessions[session].missingDirection == nil:
                // A failed Close-Session is sent again (reference §2.3: 5xx, the client retries), so
                // one whose Ack the capture lost and that was not repeated was accepted.
                sessions[session].closed = true
            default:
                break
            }
            return
        }
        reportOrDefer(.missingAck, handle: &handle, session: handle.session, connection: record.connection, time: time,
                      "\(record.type) sent at \(record.time.rfc3339(precision: .microseconds)) was never answered")
    }

    /// The handle with its session filled in when its waiting request was claimed meanwhile.
    private func resolved(_ handle: RequestHandle) -> RequestHandle {
        guard handle.session == nil, let serial = handle.waitingSerial, let place = placedWaiting[serial] else {
            return handle
        }
        var resolved = handle
        resolved.session = place.session
        resolved.listIndex = place.index
        return resolved
    }

    /// Reports a finding, or holds it with the request when the request still waits for a session.
    private func reportOrDefer(
        _ kind: BITSFindingKind, handle: inout RequestHandle, session: Int?, connection: Int?,
        time: CaptureTimestamp?, _ message: String
    ) {
        if session == nil, let serial = handle.waitingSerial, let connectionID = connection,
           let position = waitingByConnection[connectionID]?.firstIndex(where: { $0.serial == serial }) {
            waitingByConnection[connectionID]![position].deferredFindings.append((kind, time, message))
            return
        }
        report(kind, session: session, connection: connection, time: time, message)
    }

    /// A second BITS request on a connection before the first was answered.
    func pipelined(connection: Int, session sessionID: String?, time: CaptureTimestamp) {
        let session = sessionID.flatMap { sessionByID[$0.lowercased()] } ?? activeSessionByConnection[connection]
        report(.pipelinedRequest, session: session, connection: connection, time: time,
               "BITS request sent before the previous one on connection \(connection) was answered")
    }

    /// A GET or HEAD: fetches the reply of an upload-reply session if it names its reply URL.
    func fetch(target: String, time: CaptureTimestamp) {
        let fetched = ReplyURL.normalizedPath(target)
        for index in sessions.indices where sessions[index].replyURL != nil && !sessions[index].replyFetched {
            let reply = ReplyURL.resolve(sessions[index].replyURL!, against: sessions[index].url)
            if reply == fetched { sessions[index].replyFetched = true }
        }
    }

    // MARK: - One-sided captures

    /// The capture lacks every packet of `missing` on connection `id`: its sessions' outcomes are
    /// unknown, and the rules that need that side no longer apply to them.
    func connectionOneSided(_ id: Int, missing: FlowDirection) {
        oneSidedConnections[id] = missing
        if let session = activeSessionByConnection[id] { markOneSided(session, missing: missing) }
    }

    /// Connection `id` left the table.
    func connectionEnded(_ id: Int) {
        oneSidedConnections[id] = nil
    }

    /// Whether the capture lacks the client's side of connection `id`.
    func lacksClientSide(_ id: Int) -> Bool { oneSidedConnections[id] == .clientToServer }

    private func markOneSided(_ session: Int, missing: FlowDirection) {
        if sessions[session].missingDirection == nil {
            sessions[session].missingDirection = missing
            if missing == .serverToClient { awaitUnseenID(session) }
        }
        // Without the server's Acks the offset it expects is never known.
        if missing == .serverToClient { sessions[session].offsetUnknown = true }
    }

    /// Without the server's side, the Create-Session Ack that named a session is not in the capture:
    /// the first request naming an unknown ID names the session its Create-Session began, on that
    /// connection or, from the same client, the newest such session (the upload moved connections).
    private func adoptIDOfUnseenAck(_ id: String, connection: BITSConnectionInfo) {
        guard sessionByID[id.lowercased()] == nil else { return }
        var candidate: Int?
        if let active = activeSessionByConnection[connection.id], sessionsAwaitingUnseenID.contains(active) {
            candidate = active
        } else {
            candidate = sessionsAwaitingUnseenID.last { sessions[$0].client.address == connection.client.address }
        }
        guard let active = candidate, sessions[active].awaitingID else { return }
        sessionsAwaitingUnseenID.removeAll { $0 == active }
        sessions[active].sessionID = id
        sessions[active].awaitingID = false
        sessionByID[id.lowercased()] = active
        releaseHeldFindings(active)
    }

    /// Lets a later request name `session`, whose Create-Session Ack the capture lacks.
    private func awaitUnseenID(_ session: Int) {
        guard sessions[session].awaitingID, !sessionsAwaitingUnseenID.contains(session) else { return }
        sessionsAwaitingUnseenID.append(session)
        if sessionsAwaitingUnseenID.count > Self.maxAwaitingUnseenID { sessionsAwaitingUnseenID.removeFirst() }
    }

    /// Without the client's side, a session is known from its Acks: the first Ack naming an unknown
    /// BITS-Session-Id starts it, on the connection's client and server.
    private func sessionFromAck(id: String, head: HTTPResponseHead, connection: BITSConnectionInfo,
                                time: CaptureTimestamp) -> Int? {
        let placeholder = BITSRequestRecord(type: .ack, method: "", url: "", host: nil, time: time, connection: connection.id)
        guard let session = newSession(id: id, record: placeholder, connection: connection) else { return nil }
        sessions[session].chosenProtocol = head.headers["BITS-Protocol"]?.trimmingASCIIWhitespace()
        markOneSided(session, missing: .clientToServer)
        return session
    }

    // MARK: - End

    /// Reports what only the end of the capture shows: sessions left open.
    public func finish() {
        for index in sessions.indices where sessions[index].awaitingID { releaseHeldFindings(index) }
        for index in sessions.indices { end(index, time: sessions[index].lastTime) }
    }

    /// Ends the sessions silent for `idleSeconds` of capture time before `now`, as at the end of a
    /// capture (live mode, `--idle-timeout`). A session that speaks again later goes on.
    public func expireIdle(now: CaptureTimestamp, idleSeconds: Int64) {
        for index in sessions.indices where !sessions[index].endAnnounced {
            if sessions[index].lastTime.adding(seconds: idleSeconds) <= now {
                if sessions[index].awaitingID { releaseHeldFindings(index) }
                end(index, time: now)
            }
        }
    }

    /// Applies what only a session's end shows (left open?) and tells the observer, once.
    private func end(_ index: Int, time: CaptureTimestamp) {
        guard !sessions[index].endAnnounced else { return }
        let session = sessions[index]
        let acknowledged = session.bytesAcknowledged ?? 0
        let total = session.totalLength.map(String.init) ?? "unknown"
        switch session.state {
        case .orphaned:
            report(.orphanedSession, session: index, connection: session.connections.last, time: session.lastTime,
                   "neither closed nor cancelled; \(acknowledged) of \(total) bytes acknowledged")
        case .uploadedNotClosed:
            report(.completeNotClosed, session: index, connection: session.connections.last,
                   time: session.lastTime, "all \(total) bytes acknowledged but no Close-Session")
        default:
            break
        }
        sessions[index].endAnnounced = true
        startIfNeeded(index)
        observer?.sessionEnded(sessions[index], time: time)
        if !retainsEndedSessions { sessions[index].requests.removeAll() }
    }

    /// Tells the observer a session started, once, when it first has something to show.
    private func startIfNeeded(_ index: Int) {
        guard !sessions[index].startAnnounced, !sessions[index].awaitingID else { return }
        sessions[index].startAnnounced = true
        observer?.sessionStarted(sessions[index])
    }

    /// Tells the observer about an answered (or never answered) request, and ends the session when
    /// the request ended it: a successful Close, a Cancel, or a refused Create-Session.
    private func announce(_ record: BITSRequestRecord, in session: Int, time: CaptureTimestamp) {
        startIfNeeded(session)
        observer?.requestFinished(record, in: sessions[session])
        let state = sessions[session].state
        if state == .completed || state == .closedPartial || state == .cancelled || state == .rejected {
            end(session, time: time)
        }
    }

    // MARK: - Bookkeeping

    private func newSession(id: String?, record: BITSRequestRecord, connection: BITSConnectionInfo) -> Int? {
        guard sessions.count < limits.maxSessions else {
            untrackedRequests += 1
            if !sessionLimitReported {
                sessionLimitReported = true
                findings.report(Finding(
                    code: .limitSessions, severity: .notice, connection: connection.id, time: record.time,
                    message: "more than \(limits.maxSessions) sessions (limit maxSessions); "
                        + "requests of further sessions are counted, not tracked"
                ))
            }
            return nil
        }
        sessions.append(BITSSession(number: sessions.count + 1, sessionID: id, url: record.url, host: record.host, client: connection.client,
                                    time: record.time))
        if let id { sessionByID[id.lowercased()] = sessions.count - 1 }
        return sessions.count - 1
    }

    private func existingOrNewSession(id: String, record: BITSRequestRecord, connection: BITSConnectionInfo) -> Int? {
        if let known = sessionByID[id.lowercased()] {
            if sessions[known].closed || sessions[known].cancelled {
                report(.fragmentAfterClose, session: known, connection: connection.id, time: record.time,
                       "\(record.type) for a session already \(sessions[known].closed ? "closed" : "cancelled")")
            }
            return known
        }
        guard let created = newSession(id: id, record: record, connection: connection) else { return nil }
        report(.unknownSession, session: created, connection: connection.id, time: record.time,
               "\(record.type) names a session whose Create-Session the capture does not contain")
        return created
    }

    /// Adds a request to a session's list; returns its position, or `nil` past the request limit.
    private func attach(_ record: BITSRequestRecord, to session: Int, connection: BITSConnectionInfo) -> Int? {
        if !sessions[session].connections.contains(connection.id) {
            sessions[session].connections.append(connection.id)
            if sessions[session].connections.count == 2 {
                report(.sessionMultiConnection, session: session, connection: connection.id, time: record.time,
                       "session continues on connection \(connection.id) after connection "
                           + "\(sessions[session].connections[0])")
            }
        }
        if !sessions[session].servers.contains(connection.server) {
            sessions[session].servers.append(connection.server)
            if sessions[session].servers.count > 1 {
                report(.sessionMovedServer, session: session, connection: connection.id, time: record.time,
                       "session continues at server \(connection.server) (first server "
                           + "\(sessions[session].servers[0]))"
                           + (sessions[session].hostID.map { ", BITS-Host-Id \($0)" } ?? ""))
            }
        }
        if activeSessionByConnection[connection.id] != session {
            activeSessionByConnection[connection.id] = session
            for waiting in waitingByConnection.removeValue(forKey: connection.id) ?? [] {
                placedWaiting[waiting.serial] = (session, appendRequest(waiting.record, to: session))
                for finding in waiting.deferredFindings {
                    report(finding.kind, session: session, connection: waiting.record.connection, time: finding.time,
                           finding.message)
                }
                // Already answered (or given up) while waiting: the observer hears of it now.
                if waiting.record.status != nil || waiting.record.unanswered {
                    startIfNeeded(session)
                    observer?.requestFinished(waiting.record, in: sessions[session])
                }
            }
        }
        if let missing = oneSidedConnections[connection.id] { markOneSided(session, missing: missing) }
        if sessions[session].lastTime < record.time { sessions[session].lastTime = record.time }
        return appendRequest(record, to: session)
    }

    @discardableResult
    private func appendRequest(_ record: BITSRequestRecord, to session: Int) -> Int? {
        if record.time < sessions[session].firstTime { sessions[session].firstTime = record.time }
        guard sessions[session].requests.count < limits.maxRequestsPerSession else {
            if requestLimitReported.insert(session).inserted {
                findings.report(Finding(
                    code: .limitSessionRequests, severity: .notice, sessionID: sessions[session].sessionID,
                    connection: record.connection, time: record.time,
                    message: "session has more than \(limits.maxRequestsPerSession) requests "
                        + "(limit maxRequestsPerSession); later ones are not listed"
                ))
            }
            return nil
        }
        sessions[session].requests.append(record)
        return sessions[session].requests.count - 1
    }

    private func update(_ handle: RequestHandle, with record: BITSRequestRecord, time: CaptureTimestamp?) {
        guard let session = handle.session else {
            if let serial = handle.waitingSerial, var list = waitingByConnection[record.connection],
               let position = list.firstIndex(where: { $0.serial == serial }) {
                list[position].record = record
                waitingByConnection[record.connection] = list
            }
            return
        }
        if let index = handle.listIndex, index < sessions[session].requests.count {
            sessions[session].requests[index] = record
        }
        if let time, sessions[session].lastTime < time { sessions[session].lastTime = time }
    }

    /// Reports a finding once per session (or, without a session, once per connection) and code.
    private func report(
        _ kind: BITSFindingKind, session: Int?, connection: Int?, time: CaptureTimestamp?, _ message: String
    ) {
        let key = ReportKey(session: session, connection: session == nil ? connection : nil, code: kind.code)
        guard reported.insert(key).inserted else { return }
        let finding = Finding(
            code: kind.code, severity: kind.severity, sessionID: session.flatMap { sessions[$0].sessionID },
            connection: connection, time: time, message: message
        )
        guard let session else { return findings.report(finding) }
        sessions[session].findingCodes.append(kind.code)
        if sessions[session].awaitingID {
            // The Create-Session Ack that names the session has not come yet: hold the finding.
            sessions[session].heldFindings.append(finding)
        } else {
            findings.report(finding)
        }
    }

    /// Releases the findings held while a session's ID was unknown, with the ID if it now has one.
    private func releaseHeldFindings(_ session: Int) {
        sessions[session].awaitingID = false
        for var finding in sessions[session].heldFindings {
            finding.sessionID = sessions[session].sessionID
            findings.report(finding)
        }
        sessions[session].heldFindings.removeAll()
    }

    /// Splits a BITS-Supported-Protocols value (GUIDs separated by spaces or commas).
    static func protocolList(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    }
}
