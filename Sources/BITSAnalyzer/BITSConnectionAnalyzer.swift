import AnalyzerCore
import HTTP1Parser

/// Turns one TCP connection's HTTP messages into BITS requests and Acks for the session tracker.
///
/// One per connection, as the HTTP parser's delegate. BITS requests (`BITS_POST`, or any request
/// carrying `BITS-Packet-Type`) are handed to the tracker once their body has ended, with the body
/// bytes counted (never kept); their responses follow. GET and HEAD requests are passed on so the
/// tracker can tell a fetched reply; plain POSTs only to recognise the BITS server's notifications
/// to its application (`NotificationRules`). HTTP-level anomalies become findings of this connection. When
/// the tracker has a ``BITSBodyObserver``, Fragment bodies are forwarded to it as they arrive.
public final class BITSConnectionAnalyzer: HTTPConnectionDelegate {
    private let tracker: BITSSessionTracker
    private let findings: any FindingSink
    /// The connection analysed.
    public let connection: BITSConnectionInfo
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    /// The requests between their head and their answer, with their index on the connection: one
    /// or two at a time (at most `http.maxPendingRequests`), so a list searched in order costs less
    /// than a dictionary's hashing, its storage, and a copy of the large value taken out and put
    /// back at each step. An answered request's entry is marked free (``PendingRequest/freeIndex``)
    /// and filled in place by the next request: an entry (some 650 bytes) appended was built aside
    /// and copied in, and one removed was moved out.
    @exclusivity(unchecked) private var pending: [PendingRequest] = []
    @exclusivity(unchecked) private var outstandingBITSRequests = 0
    /// Whether any HTTP message was seen: anomalies of connections that never spoke HTTP (TLS,
    /// other protocols) are not reported, to keep findings about HTTP traffic.
    @exclusivity(unchecked) private var sawHTTP = false
    private var reportedAnomalies: Set<String> = []
    /// Checks, in debug builds, that nothing called from here calls back in (what makes the
    /// unchecked state above sound).
    @exclusivity(unchecked) private var reentry = ReentryGuard()
    /// The direction the capture lacks on this connection, once the reassembler proved it.
    private var missingDirection: FlowDirection?
    /// Whether the capture ended while the connection was open: requests still waiting were cut
    /// off by the end, not left unanswered.
    private var cutByCaptureEnd = false
    /// A response without a request, held until the connection ends: in a capture of the server's
    /// side only it is the rule, which the proof may come after.
    private var heldResponseWithoutRequest: (anomaly: HTTPAnomaly, time: CaptureTimestamp)?
    /// The request whose body is streaming (bodies arrive one request at a time), kept out of
    /// `pending` so that each chunk costs an add, not a dictionary update of a large value.
    @exclusivity(unchecked) private var streamingBody = StreamingBody(index: -1)
    /// The tracker's body observer when this connection began (`analyze --extract`); `nil` keeps the
    /// body path to counting only.
    private let bodyObserver: (any BITSBodyObserver)?
    /// The BITS server's notifications to its application on this connection awaiting an answer.
    @exclusivity(unchecked) private var notifications = PendingNotifications()

    /// A request between its head and its answer (internal only for the tracker's spare lists,
    /// ``BITSSessionTracker/sparePendingLists``).
    struct PendingRequest {
        /// The request's index on the connection; ``freeIndex`` once answered (the entry is then
        /// reused).
        var index: Int
        /// The head, until the request is handed to the tracker, its last reader: moved out then,
        /// not lent (lent from the list, the whole entry was copied) nor copied.
        var head: HTTPRequestHead?
        /// When the request's head was seen.
        var time: CaptureTimestamp
        /// Whether the request was handed to the tracker: ``handle`` is its own only then.
        var handed = false
        /// What answering the request needs, once it was handed to the tracker; before, the handle
        /// of an earlier request that used the entry (of this connection, or of an ended one whose
        /// list this is), or `nil`. Kept until the tracker makes the
        /// next one in its place: reset when the entry is reused, the handle (some 370 bytes) was
        /// copied out to be dropped and blanked.
        var handle: RequestHandle?
        /// A response that arrived before the request's body ended (e.g. a 413 sent early).
        var earlyResponse: (head: HTTPResponseHead, time: CaptureTimestamp)?

        /// The index of a free entry: no request's (they count from 0).
        static let freeIndex = -1
    }

    /// The body of the request being received.
    private struct StreamingBody {
        /// The request's index on the connection.
        var index: Int
        var bytes: UInt64 = 0
        var gapBytes: UInt64 = 0
        /// Whether the body observer hears this body (a Fragment with a parseable range).
        var observed = false

        /// Body bytes and missing bytes so far: the offset of the next body byte (saturating; gap
        /// lengths come from the wire).
        var bodyOffset: UInt64 { bytes.saturatingAdding(gapBytes) }
    }

    /// Creates the analyzer of one connection.
    public init(connection: BITSConnectionInfo, tracker: BITSSessionTracker, findings: any FindingSink) {
        self.connection = connection
        self.tracker = tracker
        self.findings = findings
        self.bodyObserver = tracker.bodyObserver
        // An ended connection's list of free entries, when there is one: each connection's first
        // request allocated a list, and its end freed it.
        if let spare = tracker.sparePendingLists.popLast() { pending = spare }
    }

    /// The longest list of pending requests whose storage an ended connection hands on for reuse.
    static let maxKeptPendingCapacity = 4

    /// Whether a request is part of the BITS upload protocol.
    static func isBITS(_ head: HTTPRequestHead) -> Bool {
        // `==` first: the parser hands out its "BITS_POST" literal for the usual spelling, which
        // compares in a few instructions (and equal to it, the method is that very ASCII text).
        head.method == "BITS_POST" || head.method.equalsIgnoringASCIICase("BITS_POST")
            || head.headers.contains(.bitsPacketType)
    }

    /// Notes a BITS request (and pipelining), or a GET/HEAD that may fetch a reply.
    public func requestHead(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.requestHead")
        defer { reentry.leave() }
        sawHTTP = true
        if Self.isBITS(head) {
            if outstandingBITSRequests > 0, missingDirection != .serverToClient {
                tracker.pipelined(connection: connection.id, session: head.headers[.bitsSessionID], time: time)
            }
            outstandingBITSRequests += 1
            addPending(head, index: index, time: time)
            streamingBody = StreamingBody(index: index)
            startObservingBody(head, index: index, time: time)
        } else if head.method.equalsIgnoringASCIICase("GET") || head.method.equalsIgnoringASCIICase("HEAD") {
            tracker.fetch(target: head.target, time: time)
        } else if head.method.equalsIgnoringASCIICase("POST"), let found = NotificationRules.request(head) {
            notifications.sent(index, at: time)
            for finding in found { report(finding, time: time) }
        }
    }

    /// Reports a notification finding of this connection, once per code.
    private func report(_ finding: RuleFinding, time: CaptureTimestamp) {
        guard reportedAnomalies.insert(finding.kind.code.rawValue).inserted else { return }
        findings.report(Finding(code: finding.kind.code, severity: finding.kind.severity, connection: connection.id,
                                time: time, message: finding.message, advice: finding.advice))
    }

    /// Tells the body observer, if any, that a Fragment with a parseable Content-Range begins.
    private func startObservingBody(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp) {
        guard let observer = bodyObserver,
              head.headers.withValueBytes(.bitsPacketType, { $0.map(BITSPacketType.init(headerBytes:)) }) == .fragment,
              let range = head.headers.withValueBytes(.contentRange, { $0.flatMap(ContentRange.init(headerBytes:)) })
        else { return }
        let sessionID = head.headers.trimmedValue(.bitsSessionID)
        let named = sessionID.flatMap { $0.isEmpty ? nil : $0 }
        streamingBody.observed = true
        observer.fragmentStarted(BITSFragmentStart(
            request: BITSRequestKey(connection: connection.id, index: index), sessionID: named, range: range,
            knownSession: named.flatMap(tracker.sessionNumber(forID:)), time: time
        ))
    }

    /// Counts body bytes (never kept), forwarding a Fragment's to the body observer.
    public func requestBody(_ bytes: UnsafeRawBufferPointer, index: Int, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.requestBody")
        defer { reentry.leave() }
        guard index == streamingBody.index else { return }
        if streamingBody.observed, let bodyObserver {
            bodyObserver.fragmentBody(bytes, bodyOffset: streamingBody.bodyOffset,
                                      request: BITSRequestKey(connection: connection.id, index: index))
        }
        streamingBody.bytes += UInt64(bytes.count)  // At most the bytes of the capture: cannot overflow.
    }

    /// Counts body bytes missing from the capture (and tells the body observer).
    public func requestBodyGap(length: UInt64, index: Int, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.requestBodyGap")
        defer { reentry.leave() }
        guard index == streamingBody.index else { return }
        if streamingBody.observed, let bodyObserver {
            bodyObserver.fragmentBodyGap(length: length, bodyOffset: streamingBody.bodyOffset,
                                         request: BITSRequestKey(connection: connection.id, index: index))
        }
        // Saturating: gap lengths come from the wire.
        streamingBody.gapBytes = streamingBody.gapBytes.saturatingAdding(length)
    }

    /// Where the request with index `index` is in ``pending``, if it is there (never a free entry).
    private func pendingPosition(of index: Int) -> Int? {
        guard index != PendingRequest.freeIndex else { return nil }
        for position in pending.indices where pending[position].index == index { return position }
        return nil
    }

    /// Enters a request in ``pending``: in a free entry, field by field in place, else appended.
    private func addPending(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp) {
        guard let free = pending.firstIndex(where: { $0.index == PendingRequest.freeIndex }) else {
            pending.append(PendingRequest(index: index, head: head, time: time))
            return
        }
        pending[free].index = index
        pending[free].head = head
        pending[free].time = time
        pending[free].handed = false
        // Never set on a free entry (an entry with an early response is removed, not freed):
        // tested, as an assignment over `nil` cost a call to destroy it.
        if pending[free].earlyResponse != nil { pending[free].earlyResponse = nil }
    }

    /// Hands the finished request to the tracker.
    public func requestEnd(_ end: HTTPMessageEnd, index: Int, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.requestEnd")
        defer { reentry.leave() }
        if !notifications.isEmpty { notifications.bodyEnded(index, at: time) }
        // Read and changed in place, not copied: a request and its head are some twenty
        // references, each retained and released by a copy. (Nothing called here calls back, so
        // the position stays valid.)
        guard let position = pendingPosition(of: index), !pending[position].handed,
              let head = pending[position].head.take() else { return }
        let key = BITSRequestKey(connection: connection.id, index: index)
        if index == streamingBody.index, streamingBody.observed { bodyObserver?.fragmentBodyEnded(key) }
        let observed = ObservedRequest(
            time: pending[position].time, connection: connection, bodyBytes: end.bodyBytes,
            bodyGapBytes: end.bodyGapBytes, complete: end.complete, requestKey: key, endTime: time
        )
        // Tested in place: bound by `guard let`, the early response was copied out first.
        guard pending[position].earlyResponse != nil else {
            // Made in its place: the handle is some 400 bytes.
            tracker.request(head, observed, into: &pending[position].handle)
            pending[position].handed = true
            return
        }
        guard let early = pending.remove(at: position).earlyResponse else { return }
        var handle = tracker.request(head, observed)
        tracker.response(early.head, time: early.time, to: &handle)
    }

    /// Hands an Ack (or other answer) to the tracker.
    public func responseHead(_ head: HTTPResponseHead, requestIndex: Int?, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.responseHead")
        defer { reentry.leave() }
        sawHTTP = true
        guard !head.isInterim else { return }
        guard let index = requestIndex else {
            // Its request was lost from the capture (or never seen): the Ack may still move the session on.
            return tracker.responseToLostRequest(head, connection: connection, time: time)
        }
        if !notifications.isEmpty, let sent = notifications.answered(index),
           let slow = NotificationRules.answer(status: head.status, sent: sent, answered: time) {
            report(slow, time: time)
        }
        guard let position = pendingPosition(of: index) else { return }
        outstandingBITSRequests = max(0, outstandingBITSRequests - 1)
        guard pending[position].handed else {
            pending[position].earlyResponse = (head, time)
            return
        }
        // The handle lent in place, then left in its entry: moved out, unwrapped and passed,
        // it was copied whole at each step (it holds the request's record: some 400 bytes).
        // Nothing the tracker calls reaches back here, so the entry stays put meanwhile.
        pending[position].handle?.lend { tracker.response(head, time: time, to: &$0) }
        // Left in place, free, for the next request (its handle replaced by the next one's).
        pending[position].index = PendingRequest.freeIndex
    }

    /// Response bodies (replies, errors) are not analysed.
    public func responseBody(_ bytes: UnsafeRawBufferPointer, requestIndex: Int?, time: CaptureTimestamp) {}

    /// Response bodies are not analysed.
    public func responseBodyGap(length: UInt64, requestIndex: Int?, time: CaptureTimestamp) {}

    /// Nothing to do: the Ack was handled at its head.
    public func responseEnd(_ end: HTTPMessageEnd, requestIndex: Int?, time: CaptureTimestamp) {}

    /// The reassembler drops the connection after `seconds` without a packet since `lastTime`: a
    /// notification still waiting has waited at least that long (`notification-slow`).
    public func wentIdle(seconds: Int64, after lastTime: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.wentIdle")
        defer { reentry.leave() }
        let now = lastTime.adding(seconds: seconds)
        guard let sent = notifications.oldest, let slow = NotificationRules.unanswered(sent: sent, silentUntil: now) else { return }
        report(slow, time: now)
    }

    /// A request that will never be answered: the tracker reports `missing-ack`.
    public func unanswered(requestIndex: Int, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.unanswered")
        defer { reentry.leave() }
        giveUp(requestIndex: requestIndex, responseLost: false, time: time)
    }

    /// A request whose answer fell in a gap of the capture: not reported as unanswered.
    public func responseLost(requestIndex: Int, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.responseLost")
        defer { reentry.leave() }
        giveUp(requestIndex: requestIndex, responseLost: true, time: time)
    }

    /// The capture ends while the connection is open (its requests still waiting get no
    /// `missing-ack`: their answers may simply come after the capture's end).
    public func captureEnding() { cutByCaptureEnd = true }

    private func giveUp(requestIndex: Int, responseLost: Bool, time: CaptureTimestamp) {
        guard let position = pendingPosition(of: requestIndex) else { return }
        let request = pending.remove(at: position)
        outstandingBITSRequests = max(0, outstandingBITSRequests - 1)
        let streamed = requestIndex == streamingBody.index ? streamingBody : StreamingBody(index: requestIndex)
        // A request still receiving its body has its head; one handed to the tracker, its handle.
        guard var handle = (request.handed ? request.handle : nil) ?? request.head.map({
            tracker.request($0, ObservedRequest(
                time: request.time, connection: connection, bodyBytes: streamed.bytes, bodyGapBytes: streamed.gapBytes,
                complete: false, requestKey: BITSRequestKey(connection: connection.id, index: requestIndex)
            ))
        }) else { return }
        if let early = request.earlyResponse {
            tracker.response(early.head, time: early.time, to: &handle)
        } else if cutByCaptureEnd {
            tracker.cutByCaptureEnd(handle, time: time)
        } else if responseLost || missingDirection == .serverToClient {
            // Without the server's side, an Ack not seen is no evidence of an Ack not sent.
            tracker.responseLost(handle, time: time)
        } else {
            tracker.unanswered(handle, time: time)
        }
    }

    /// Reports an HTTP anomaly once per connection and code, once the connection has spoken HTTP
    /// (head limits at once: they are hit only after a valid start-line prefix, so a head that never
    /// ends is reported rather than dropped silently).
    public func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.anomaly")
        defer { reentry.leave() }
        if case .responseWithoutRequest = anomaly, missingDirection == nil {
            if heldResponseWithoutRequest == nil { heldResponseWithoutRequest = (anomaly, time) }
            return
        }
        if missingDirection == .clientToServer, direction == .serverToClient { return }
        report(anomaly, direction: direction, time: time)
    }

    private func report(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp) {
        guard sawHTTP || Self.isHeadLimit(anomaly), reportedAnomalies.insert(anomaly.code).inserted else { return }
        // About the connection's session when it has exactly one.
        tracker.reportAboutConnection(Finding(
            code: FindingCode(rawValue: anomaly.code), severity: anomaly.severity, connection: connection.id,
            time: time, message: "\(direction == .clientToServer ? "client" : "server"): \(anomaly.message)"
        ))
    }

    /// The reassembler proved that the capture lacks every packet of `direction` on this connection.
    public func directionNotCaptured(_ direction: FlowDirection, time: CaptureTimestamp) {
        reentry.enter("BITSConnectionAnalyzer.directionNotCaptured")
        defer { reentry.leave() }
        guard missingDirection == nil else { return }
        missingDirection = direction
        tracker.connectionOneSided(connection.id, missing: direction)
    }

    /// Both directions of the connection ended (after the HTTP parser finished): no request can come
    /// any more, so the tracker lets the connection go (sessions that ended leave with it) and the
    /// request table's storage is released while the connection lingers in the reassembler's table.
    public func streamsEnded() {
        reentry.enter("BITSConnectionAnalyzer.streamsEnded")
        defer { reentry.leave() }
        // Handed to the tracker for a later connection when short and every entry is free (else
        // released). Not emptied: a free entry is filled in place, its stale handle replaced when
        // the next request's is made (emptying it cost more than the allocation it saves).
        var list: [PendingRequest] = []
        swap(&list, &pending)
        if list.capacity <= Self.maxKeptPendingCapacity,
           tracker.sparePendingLists.count < BITSSessionTracker.maxSparePendingLists,
           list.allSatisfy({ $0.index == PendingRequest.freeIndex }) {
            tracker.sparePendingLists.append(list)
        }
        tracker.connectionEnded(connection.id, how: .closed)
    }

    /// The connection left the table (after the HTTP parser finished), as `how` says: a held response without a
    /// request is reported unless the capture proved one-sided meanwhile.
    public func connectionClosed(_ how: ConnectionEnding = .dropped) {
        reentry.enter("BITSConnectionAnalyzer.connectionClosed")
        defer { reentry.leave() }
        if let held = heldResponseWithoutRequest, missingDirection == nil {
            heldResponseWithoutRequest = nil
            report(held.anomaly, direction: .serverToClient, time: held.time)
        }
        tracker.connectionEnded(connection.id, how: how)
    }

    private static func isHeadLimit(_ anomaly: HTTPAnomaly) -> Bool {
        switch anomaly {
        case .headerBlockTooLarge, .tooManyHeaders: return true
        default: return false
        }
    }
}
