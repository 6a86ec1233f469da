import AnalyzerCore

/// How sessions come into the tracker, what they are linked to, how they end and how they leave.
///
/// A session ends when a Close-Session or Cancel-Session is answered, its Create-Session is
/// refused, it stays silent for ``BITSSessionTracker/idleTimeoutSeconds``, or the capture ends.
/// An ended session leaves the tracker (goes to the ``BITSSessionTracker/sink``, its file to the
/// body observer) as soon as none of its connections is open, or `bits.endedLingerSeconds` after it
/// ended, whichever comes first; at the end of the capture all leave, in the order first seen.
extension BITSSessionTracker {
    // MARK: - Coming in

    func newSession(id: String?, record: BITSRequestRecord, connection: BITSConnectionInfo) -> SessionHandle? {
        guard sessions.count < limits.maxOpenSessions else {
            untrackedRequests += 1
            connectionState(connection.id).carriedUntracked = true
            if !sessionLimitReported {
                sessionLimitReported = true
                findings.report(Finding(
                    code: .limitSessions, severity: .notice, connection: connection.id, time: record.time,
                    message: "more than \(limits.maxOpenSessions) sessions open at once (limit maxOpenSessions); "
                        + "requests of further sessions are counted, not tracked"
                ))
            }
            return nil
        }
        let session = sessions.insert(sessionID: id, url: record.url, host: record.host, client: connection.client,
                                      time: record.time)
        if let id { sessions.index(session, byID: id) }
        return session
    }

    func existingOrNewSession(id: String, record: BITSRequestRecord, connection: BITSConnectionInfo) -> SessionHandle? {
        // Most requests name the session their connection's previous one did: compared, not hashed.
        if let known = sessions.handle(forID: id, likely: knownConnection(connection.id)?.active) {
            if sessions[known].record.closed || sessions[known].record.cancelled {
                report(.fragmentAfterClose, session: known, connection: connection.id, time: record.time,
                       "\(record.type) for a session already \(sessions[known].record.closed ? "closed" : "cancelled")")
            }
            return known
        }
        guard let created = newSession(id: id, record: record, connection: connection) else { return nil }
        if let earlier = retiredIDs.ending(of: id) {
            // The session left the tracker (it ended, or went silent) and speaks again: a new record
            // of the same session, not a session the capture never saw created. It keeps the end it
            // had, so the end rules do not judge it as left open.
            sessions[created].record.closed = earlier == .closed
            sessions[created].record.cancelled = earlier == .cancelled
            sessionRulesAdoptRetired(created, ending: earlier, lastSeen: retiredIDs.lastSeen(of: id))
            if earlier != .running {
                report(.fragmentAfterClose, session: created, connection: connection.id, time: record.time,
                       "\(record.type) for a session already \(earlier == .closed ? "closed" : "cancelled")")
            }
            return created
        }
        report(.unknownSession, session: created, connection: connection.id, time: record.time,
               "\(record.type) names a session whose Create-Session the capture does not contain")
        return created
    }

    /// Adds a request to a session's list; returns its position, or `nil` past the request limit.
    func attach(_ record: BITSRequestRecord, to session: SessionHandle, connection: BITSConnectionInfo) -> Int? {
        let (newConnection, newServer) = link(session, to: connection)
        // Credentials sent on a new connection after a challenge are the handshake, not a move.
        if newConnection, sessions[session].record.connections.count == 2,
           !sessions[session].record.requests.allSatisfy(\.challenge) {
            report(.sessionMultiConnection, session: session, connection: connection.id, time: record.time,
                   "session continues on connection \(connection.id) after connection "
                       + "\(sessions[session].record.connections[0])")
        }
        if newServer, sessions[session].record.servers.count > 1 {
            report(.sessionMovedServer, session: session, connection: connection.id, time: record.time,
                   "session continues at server \(connection.server) (first server "
                       + "\(sessions[session].record.servers[0]))"
                       + (sessions[session].record.hostID.map { ", BITS-Host-Id \($0)" } ?? ""))
        }
        // Looked up once (a class): the request leaves it in the table anyway, as its active session's.
        let state = connectionState(connection.id)
        if state.active != session {
            state.active = session
            claimWaiting(on: connection.id, for: session)
        }
        if let missing = state.missing { markOneSided(session, missing: missing) }
        if sessions[session].record.lastTime < record.time { sessions[session].record.lastTime = record.time }
        return appendRequest(record, to: session)
    }

    /// Notes that `session` uses `connection` (and its server). Returns whether either is new to it.
    @discardableResult
    func link(_ session: SessionHandle, to connection: BITSConnectionInfo) -> (connection: Bool, server: Bool) {
        var newConnection = false
        if !sessions[session].record.connections.contains(connection.id) {
            sessions[session].record.connections.append(connection.id)
            sessions[session].openConnections += 1
            sessions[session].lastConnectionClosed = false
            connectionState(connection.id).sessions.append(session)
            newConnection = true
        }
        guard !sessions[session].record.servers.contains(connection.server) else { return (newConnection, false) }
        sessions[session].record.servers.append(connection.server)
        return (newConnection, true)
    }

    /// Gives the requests waiting on connection `id` to the session that now claims it.
    private func claimWaiting(on id: Int, for session: SessionHandle) {
        guard let waitingList = knownConnection(id)?.waiting, !waitingList.isEmpty else { return }
        knownConnection(id)!.waiting = []
        for waiting in waitingList {
            knownConnection(id)!.placed[waiting.serial] = (session, appendRequest(waiting.record, to: session))
            for finding in waiting.deferredFindings {
                report(finding.kind, session: session, connection: waiting.record.connection, time: finding.time,
                       finding.message, advice: finding.advice)
            }
            // Already answered (or given up) while waiting: the observer hears of it now.
            if waiting.record.status != nil || waiting.record.unanswered {
                startIfNeeded(session)
                if let observer {
                    let snapshot = sessions[session].record
                    observer.requestFinished(waiting.record, in: snapshot)
                }
            }
        }
    }

    @discardableResult
    func appendRequest(_ record: BITSRequestRecord, to session: SessionHandle) -> Int? {
        if let position = Self.append(record, to: &sessions[session], limit: limits.maxRequestsPerSession) {
            return position
        }
        if !sessions[session].requestLimitReported {
            sessions[session].requestLimitReported = true
            findings.report(Finding(
                code: .limitSessionRequests, severity: .notice, sessionID: sessions[session].record.sessionID,
                sessionNumber: sessions[session].record.number, connection: record.connection, time: record.time,
                message: "session has more than \(limits.maxRequestsPerSession) requests "
                    + "(limit maxRequestsPerSession); later ones are not listed"
            ))
        }
        return nil
    }

    /// ``appendRequest(_:to:)``'s part in the session, lent in place (one access to the table):
    /// moves its first time back to the request's, and lists the request unless `limit` requests are
    /// listed already. Returns the request's position in the list, `nil` past the limit.
    private static func append(_ record: BITSRequestRecord, to tracked: inout TrackedSession, limit: Int) -> Int? {
        if record.time < tracked.record.firstTime { tracked.record.firstTime = record.time }
        guard tracked.record.requests.count < limit else { return nil }
        if tracked.record.requests.isEmpty { tracked.record.requests.reserveCapacity(requestsReservedPerSession) }
        tracked.record.requests.append(record)
        return tracked.record.requests.count - 1
    }

    /// Room made for a session's requests with its first: a small upload has three (Create-Session,
    /// Fragment, Close-Session), which the list took in three allocations when it grew by itself.
    static let requestsReservedPerSession = 4

    /// Lists `record` as the request `handle` names (in its session's list or, still waiting, in
    /// its connection's), and moves the session's last time to `time`.
    func update(_ handle: RequestHandle, with record: BITSRequestRecord, time: CaptureTimestamp?) {
        var handle = handle
        handle.record = record
        store(&handle, time: time)
    }

    /// ``update(_:with:time:)`` with the handle's own record, moved into the session's list rather
    /// than copied (a copy retains each of its strings): `handle.record` then holds the entry it
    /// replaced. Returns the record's position in the list when it was moved there.
    @discardableResult
    func store(_ handle: inout RequestHandle, time: CaptureTimestamp?) -> Int? {
        guard let session = handle.session, sessions.contains(session) else {
            let record = handle.record
            if let serial = handle.waitingSerial,
               let position = knownConnection(record.connection)?.waiting.firstIndex(where: { $0.serial == serial }) {
                knownConnection(record.connection)!.waiting[position].record = record
            }
            return nil
        }
        var moved: Int?
        if let index = handle.listIndex, index < sessions[session].record.requests.count {
            swap(&handle.record, &sessions[session].record.requests[index])
            moved = index
        }
        if let time, sessions[session].record.lastTime < time { sessions[session].record.lastTime = time }
        return moved
    }

    /// Lists the answer the handle's record now has: in the session's list, its answer's fields are
    /// written over the listed copy of the request (``BITSRequestRecord/takeAnswer(of:)``), the rest
    /// being the same already; still waiting, the whole record replaces the waiting one. Moves the
    /// session's last time to `time`. Returns the record's position in the session's list, if listed.
    /// (Swapping the whole record in, some 240 bytes, cost three copies of it per answer.) The
    /// handle is lent `inout` though only read: passed by value, it was copied whole (some 370 bytes).
    @discardableResult
    func storeAnswer(of handle: inout RequestHandle, time: CaptureTimestamp) -> Int? {
        guard let session = handle.session, sessions.contains(session) else {
            if let serial = handle.waitingSerial,
               let position = knownConnection(handle.record.connection)?.waiting.firstIndex(where: { $0.serial == serial }) {
                knownConnection(handle.record.connection)!.waiting[position].record = handle.record
            }
            return nil
        }
        let index = handle.listIndex
        return Self.storeAnswer(of: &handle, at: index, time: time, in: &sessions[session])
    }

    /// ``storeAnswer(of:time:)`` in the session lent in place (one access to the table).
    private static func storeAnswer(of handle: inout RequestHandle, at index: Int?, time: CaptureTimestamp,
                                    in tracked: inout TrackedSession) -> Int? {
        var listed: Int?
        if let index, index < tracked.record.requests.count {
            tracked.record.requests[index].takeAnswer(of: handle.record)
            listed = index
        }
        if tracked.record.lastTime < time { tracked.record.lastTime = time }
        return listed
    }

    /// Files `session` under its reply URL, so that a GET of it is found without a scan.
    func indexReply(of session: SessionHandle) {
        guard let reply = sessions[session].record.replyURL, !sessions[session].record.replyFetched else { return }
        let path = ReplyURL.resolve(reply, against: sessions[session].record.url)
        if !(replyIndex[path]?.contains(session) ?? false) { replyIndex[path, default: []].append(session) }
    }

    // MARK: - Ending

    /// Tells the observer a session started, once, when it first has something to show.
    ///
    /// Observers get a copy of the record made before the call (`snapshot`), not the table's value
    /// lent through its accessor for the length of the call: lent, a debug build destroyed a
    /// temporary of it twice once `TrackedSession` grew (live mode crashed in `startIfNeeded`).
    @inline(__always)
    func startIfNeeded(_ session: SessionHandle) {
        guard !sessions[session].startAnnounced, !sessions[session].awaitingID else { return }
        sessions[session].startAnnounced = true
        if let observer {
            let snapshot = sessions[session].record
            observer.sessionStarted(snapshot)
        }
    }

    /// Tells the observer about an answered (or never answered) request, and ends the session when
    /// the request ended it: a successful Close, a Cancel, or a refused Create-Session.
    func announce(_ record: BITSRequestRecord, in session: SessionHandle, time: CaptureTimestamp) {
        announce(in: session, time: time) { record }
    }

    /// ``announce(_:in:time:)`` with the request given by `record`, asked only when an observer
    /// listens (the request may have moved into the session's list: read from there then).
    func announce(in session: SessionHandle, time: CaptureTimestamp, record: () -> BITSRequestRecord) {
        guard sessions.contains(session) else { return }
        startIfNeeded(session)
        if let observer {
            let snapshot = sessions[session].record
            observer.requestFinished(record(), in: snapshot)
        }
        let state = sessions[session].record.state
        if state == .completed || state == .closedPartial || state == .cancelled || state == .rejected {
            end(session, time: time)
        }
    }

    /// Applies what only a session's end shows (left open?), tells the observer, once, and lets the
    /// session leave when no connection of it is open.
    func end(_ session: SessionHandle, time: CaptureTimestamp) {
        guard sessions[session].endTime == nil else { return }
        // A Create-Session challenged and never repeated with credentials: the server refused it.
        if sessions[session].createChallenged, sessions[session].record.sessionID == nil,
           sessions[session].record.runningAtCaptureEnd == nil {
            sessions[session].record.rejected = true
        }
        // Most sessions end with nothing to report: nothing then to place.
        let found = EndRules.end(&sessions[session])
        if !found.isEmpty {
            place(found, session: session, connection: sessions[session].record.connections.last,
                  time: sessions[session].record.lastTime)
        }
        sessions[session].endTime = time
        startIfNeeded(session)
        if let observer {
            let snapshot = sessions[session].record
            observer.sessionEnded(snapshot, time: time)
        }
        if sessions[session].openConnections == 0 {
            retire(session)
        } else {
            lingering.append((session, time))
            nextClockDeadline = min(nextClockDeadline, time.adding(seconds: limits.endedLingerSeconds))
        }
    }

    /// Hands the session, final, to the body observer (for its file) and the sink, and forgets it.
    func retire(_ session: SessionHandle) {
        if sessions[session].awaitingID { releaseHeldFindings(session) }
        let idDigest = sessions.unindex(session)
        // Read in its slot, not taken out: the outputs are lent the table's record.
        for id in sessions[session].record.connections where knownConnection(id)?.active == session {
            knownConnection(id)!.active = nil
        }
        if let reply = sessions[session].record.replyURL {
            let path = ReplyURL.resolve(reply, against: sessions[session].record.url)
            replyIndex[path]?.removeAll { $0 == session }
            if replyIndex[path]?.isEmpty ?? false { replyIndex[path] = nil }
        }
        if let idDigest {
            let ending: RetiredIDs.Ending = sessions[session].record.closed ? .closed
                : sessions[session].record.cancelled ? .cancelled : .running
            retiredIDs.remember(digest: idDigest, ending: ending, lastSeen: sessions[session].record.lastTime,
                                limit: limits.maxRetiredIDs)
        }
        if let bodyObserver {
            sessions.withRecord(session) { record in
                let file = bodyObserver.sessionRetired(record)
                record.file = file
            }
        }
        if let sink { sessions.withRecord(session) { sink.sessionRetired($0) } }
        sessions.vacate(session)
    }

    /// What is known of connection `id`, entered in the table first if nothing was. (Not
    /// `connections[id, default: …]`: for a class, setting a property through it reads the default
    /// without storing it.)
    func connectionState(_ id: Int) -> ConnectionSessions {
        if let state = knownConnection(id) { return state }
        let state = spareConnectionStates.popLast() ?? ConnectionSessions()
        connections[ConnectionNumber(id: id)] = state
        recentConnection = (id, state)
        return state
    }

    /// What is known of connection `id`, if anything: the state looked up last is kept at hand, as
    /// a request looks its connection's up several times (one hash instead of four).
    func knownConnection(_ id: Int) -> ConnectionSessions? {
        if let recent = recentConnection, recent.id == id { return recent.state }
        guard let state = connections[ConnectionNumber(id: id)] else { return nil }
        recentConnection = (id, state)
        return state
    }

    /// Connection `id` ended (`how`): its sessions count it no longer, and those that ended and have
    /// no other connection open leave.
    func connectionEnded(_ id: Int, how: ConnectionEnding) {
        reentry.enter("BITSSessionTracker.connectionEnded")
        defer { reentry.leave() }
        releaseUnclaimedFindings(on: id)
        if recentConnection?.id == id { recentConnection = nil }
        guard var state = connections.removeValue(forKey: ConnectionNumber(id: id)) else { return }
        defer {
            // Kept for a later connection when nothing else holds it.
            if spareConnectionStates.count < Self.maxSpareConnectionStates, isKnownUniquelyReferenced(&state) {
                state.reset()
                spareConnectionStates.append(state)
            }
        }
        for session in state.sessions where sessions.contains(session) {
            switch how {
            case .closed:
                if sessions[session].record.connections.last == id { sessions[session].lastConnectionClosed = true }
            case .openAtCaptureEnd:
                sessions[session].openAtCaptureEnd = true
            case .dropped:
                break
            }
            sessions[session].openConnections -= 1
            if sessions[session].openConnections == 0, sessions[session].endTime != nil { retire(session) }
        }
    }

    // MARK: - Time

    /// Moves the tracker's clock to `time` (capture time, never backwards) and lets go of the
    /// sessions whose linger or idle time passed.
    func advanceClock(_ time: CaptureTimestamp) {
        guard clock < time else { return }
        clock = time
        guard nextClockDeadline <= time else { return }
        while let (session, endedAt) = lingering.first, endedAt.adding(seconds: limits.endedLingerSeconds) <= time {
            lingering.removeFirst()
            if sessions.contains(session) { retire(session) }
        }
        // Looking for silent sessions costs a pass over the open ones: at most once per 1/16 of the
        // idle timeout, so a session is ended at most that late.
        let step = max(1, idleTimeoutSeconds / 16)
        if lastIdleSweep.adding(seconds: step) <= time {
            lastIdleSweep = time
            endIdleSessions(now: time, idleSeconds: idleTimeoutSeconds)
        }
        // Both conditions above, as the times they become true; the idle sweep may have added
        // lingering sessions (each lowers the deadline as it is queued, see `end(_:time:)`).
        nextClockDeadline = lastIdleSweep.adding(seconds: step)
        if let (_, endedAt) = lingering.first {
            nextClockDeadline = min(nextClockDeadline, endedAt.adding(seconds: limits.endedLingerSeconds))
        }
    }

    /// Reports what only the end of the capture shows and lets every session go, in the order first
    /// seen. A session still running at `captureEnd` (the time of the capture's last packet; the
    /// tracker's clock when not given) is `in-progress`: a connection of it still open, or active
    /// within the idle timeout of the end with its last connection not closed. The others left open
    /// are judged as left (`orphaned-session`, `complete-not-closed`).
    public func finish(at captureEnd: CaptureTimestamp? = nil) {
        reentry.enter("BITSSessionTracker.finish")
        defer { reentry.leave() }
        let end = max(captureEnd ?? clock, clock)
        for id in connections.keys.map(\.id).sorted() { releaseUnclaimedFindings(on: id) }
        let open = sessions.handlesInOrder
        for session in open where sessions[session].awaitingID { releaseHeldFindings(session) }
        for session in open where sessions.contains(session) && sessions[session].endTime == nil {
            let tracked = sessions[session]
            if tracked.openAtCaptureEnd || tracked.openConnections > 0 {
                sessions[session].record.runningAtCaptureEnd = .connectionOpen
            } else if !tracked.lastConnectionClosed, end < tracked.record.lastTime.adding(seconds: idleTimeoutSeconds) {
                sessions[session].record.runningAtCaptureEnd = .recentlyActive
            }
            self.end(session, time: sessions[session].record.lastTime)
        }
        for session in open where sessions.contains(session) { retire(session) }
        lingering = FIFOQueue()
    }

    /// Ends the sessions silent for `idleSeconds` of capture time before `now`, as at the end of a
    /// capture (live mode calls it once a second; analysis calls it as capture time passes). Such a
    /// session leaves the tracker; if it speaks again, a new record of the same session begins.
    public func expireIdle(now: CaptureTimestamp, idleSeconds: Int64) {
        reentry.enter("BITSSessionTracker.expireIdle")
        defer { reentry.leave() }
        endIdleSessions(now: now, idleSeconds: idleSeconds)
    }

    /// ``expireIdle(now:idleSeconds:)``'s work, for callers already inside the tracker.
    func endIdleSessions(now: CaptureTimestamp, idleSeconds: Int64) {
        for session in sessions.handlesInOrder where sessions.contains(session) && sessions[session].endTime == nil {
            guard sessions[session].record.lastTime.adding(seconds: idleSeconds) <= now else { continue }
            if sessions[session].awaitingID { releaseHeldFindings(session) }
            end(session, time: now)
        }
    }
}

/// A first-in, first-out queue whose storage is reused: taking from the front moves an index, and
/// the consumed front is dropped once it is most of the storage, so the array does not creep. The
/// ended sessions waiting for their linger, and the order remembered IDs are forgotten in.
struct FIFOQueue<Element> {
    private var entries: [Element] = []
    private var head = 0

    /// The oldest element.
    var first: Element? { head < entries.count ? entries[head] : nil }

    /// Elements in the queue.
    var count: Int { entries.count - head }

    mutating func append(_ element: Element) { entries.append(element) }

    mutating func removeFirst() {
        guard head < entries.count else { return }
        head += 1
        if head >= 1_024, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}

/// The IDs of sessions that left the tracker and how each had ended, so a later request naming one
/// is known as late, not as a session never created, and when its last message was (for
/// `session-timeout-exceeded`). Bounded: past the limit the oldest is forgotten. IDs are kept as
/// 64-bit FNV-1a digests of their lower-cased bytes, not as strings, with the ending and the last
/// message's second packed in one word (a fixed 16 bytes an entry, no allocation): a collision,
/// vanishingly rare, only makes a request to a session never created read as a late one.
struct RetiredIDs {
    /// How a session stood when it left.
    enum Ending: UInt64 {
        case closed, cancelled
        /// Neither: it went silent, was refused or the tracker let it go at its linger time.
        case running
    }

    /// Digest → last message second (clamped to 0...2^61) << 2 | ending.
    private var endings: [DigestKey: UInt64] = [:]
    private var order = FIFOQueue<DigestKey>()

    /// How the session with ID `id` (any case) had ended, if it left the tracker.
    func ending(of id: String) -> Ending? { ending(ofDigest: Self.digest(id)) }

    /// ``ending(of:)`` of the ID whose ``digest(_:)`` is `digest`. Inlined: called on the tracker's
    /// property, a call copied the value out first (a retain and a release of its storage).
    @inline(__always)
    func ending(ofDigest digest: UInt64) -> Ending? { endings[DigestKey(value: digest)].flatMap { Ending(rawValue: $0 & 3) } }

    /// When the last message of the session with ID `id` was (to the second), if it left the tracker.
    func lastSeen(of id: String) -> CaptureTimestamp? {
        endings[DigestKey(value: Self.digest(id))].map { CaptureTimestamp(seconds: Int64($0 >> 2), nanoseconds: 0) }
    }

    /// Remembers that the session whose ID has ``digest(_:)`` `digest` left, `ending` so, its last
    /// message at `lastSeen` (the tracker has the digest from its index).
    mutating func remember(digest: UInt64, ending: Ending, lastSeen: CaptureTimestamp, limit: Int) {
        guard limit > 0 else { return }
        let second = UInt64(min(max(lastSeen.seconds, 0), Int64(1) << 61))
        let key = DigestKey(value: digest)
        if endings.updateValue(second << 2 | ending.rawValue, forKey: key) != nil { return }
        order.append(key)
        if order.count > limit, let oldest = order.first {
            endings[oldest] = nil
            order.removeFirst()
        }
    }

    /// The digest an ID is kept as (``String/caseFoldedDigest``).
    static func digest(_ id: String) -> UInt64 { id.caseFoldedDigest }
}

/// How a connection left, as far as its sessions care (whether an upload on it could still be
/// running when the capture ended).
public enum ConnectionEnding: Sendable {
    /// Both streams ended (FIN or RST): nothing more is said on it.
    case closed
    /// Still open when the capture ended.
    case openAtCaptureEnd
    /// Dropped from the table without a close: silent for the idle timeout, evicted, or reused.
    case dropped
}

extension BITSRequestRecord {
    /// Takes the fields an answer sets (``BITSSessionTracker/response(_:time:to:)`` and
    /// ``AckRules/answer(_:record:wasGap:sessionOpen:)``) from `answered`, the same request answered:
    /// how a listed request gets its answer without the whole record copied in.
    mutating func takeAnswer(of answered: BITSRequestRecord) {
        status = answered.status
        ackTime = answered.ackTime
        received = answered.received
        errorCode = answered.errorCode
        if answered.errorContext != nil || errorContext != nil { errorContext = answered.errorContext }
        challenge = answered.challenge
        unanswered = answered.unanswered
    }
}
