import AnalyzerCore

/// Names a session while it is in the tracker's table: a slot and the slot's generation, so that a
/// handle kept past the session's retirement (by a request still waiting for its answer) is told
/// apart from the session that reuses the slot.
struct SessionHandle: Hashable {
    var slot: Int32
    var generation: UInt32
}

/// A session in the tracker: the snapshot the outputs get, and what following it needs.
struct TrackedSession {
    /// What the outputs see of the session.
    var record: BITSSession
    /// The offset the server said the next fragment must start at after a 416 or a short Ack.
    var resyncOffset: UInt64?
    /// Whether an Ack lost from the capture left the server's offset unknown until the next Ack.
    var offsetUnknown = false
    /// Fragments sent and not yet answered (more than one only when pipelined).
    var outstandingFragments = 0
    /// The offset the outstanding fragments will bring the server to, if accepted.
    var projectedOffset: UInt64?
    /// Whether the Create-Session Ack (which names the session) is still to come.
    var awaitingID = false
    /// Findings about the session held until its ID is known.
    var heldFindings: [Finding] = []
    /// Whether the observer heard `sessionStarted`.
    var startAnnounced = false
    /// When the session ended (the observer heard `sessionEnded`, the end rules were applied);
    /// `nil` while it runs.
    var endTime: CaptureTimestamp?
    /// Connections of the session still in the reassembler's table: an ended session leaves the
    /// tracker when the last one is gone (late requests on them still find it).
    var openConnections = 0
    /// Whether its latest Create-Session was answered by an authentication challenge (401, 407):
    /// the client's repetition with credentials continues this session.
    var createChallenged = false
    /// Whether a connection of it was still open when the capture ended.
    var openAtCaptureEnd = false
    /// Whether its latest connection was closed (both streams ended by FIN or RST), rather than
    /// dropped from the table (idle, evicted) or still open.
    var lastConnectionClosed = false
    /// Whether `limit-session-requests` was reported for it.
    var requestLimitReported = false
    /// The size of a fragment a 413 just refused: the next one must be smaller (`413-not-shrunk`).
    var refusedFragmentSize: UInt64?
    /// What the session rules remember of it (`Rules/SessionRules.swift`).
    var sessionRules = SessionRuleState()

    init(record: BITSSession) { self.record = record }

    /// What a free slot holds (but for the emptied lists' storage ``vacate()`` keeps): nothing allocated, nothing retained. Made once: building it cost some 800
    /// instructions each time a session left.
    static let vacant = TrackedSession(record: BITSSession(number: 0, sessionID: nil, url: "", host: nil,
                                                           client: Endpoint(address: .v4(0), port: 0), time: .zero))

    /// Session `number`'s beginning, written over a free slot's ``vacant`` session (whose lists may
    /// keep the storage of an earlier session, emptied): the fields `BITSSession.init` sets, every
    /// other one being at its initial value there already. In place: a session built apart and
    /// stored was copied whole twice.
    mutating func begin(number: Int, sessionID: String?, url: String, host: String?, client: Endpoint,
                        time: CaptureTimestamp) {
        record.number = number
        record.sessionID = sessionID
        record.url = url
        record.host = host
        record.client = client
        record.firstTime = time
        record.lastTime = time
    }

    /// Makes the session ``vacant`` again in place, field by field, its lists emptied and their
    /// storage kept when small (a busy capture's sessions each needed an allocation for their
    /// requests, connections and servers). Copying ``vacant`` in and the session out cost some
    /// 1,600 instructions a session; assigning the initial values only releases what was held.
    /// Every field must be set here (`SessionTableRecyclingTests` checks it against ``vacant``).
    mutating func vacate() {
        Self.empty(&record.requests)
        Self.empty(&record.connections)
        Self.empty(&record.servers)
        record.number = 0
        record.sessionID = nil
        record.url = ""
        record.host = nil
        record.client = Endpoint(address: .v4(0), port: 0)
        record.supportedProtocols = []
        record.chosenProtocol = nil
        record.totalLength = nil
        record.bytesAcknowledged = nil
        record.contentName = nil
        record.replyURL = nil
        record.hostID = nil
        record.hostIDFallbackTimeout = nil
        record.firstTime = .zero
        record.lastTime = .zero
        record.findingCodes = []
        record.createSeen = false
        record.rejected = false
        record.closed = false
        record.cancelled = false
        record.replyFetched = false
        record.missingDirection = nil
        record.runningAtCaptureEnd = nil
        record.file = nil
        resyncOffset = nil
        offsetUnknown = false
        outstandingFragments = 0
        projectedOffset = nil
        awaitingID = false
        heldFindings = []
        startAnnounced = false
        endTime = nil
        openConnections = 0
        createChallenged = false
        openAtCaptureEnd = false
        lastConnectionClosed = false
        requestLimitReported = false
        refusedFragmentSize = nil
        sessionRules = SessionRuleState()
    }

    /// The most elements a kept list's storage may hold: a session of many requests does not
    /// leave its storage in the table.
    static let maxRecycledCapacity = 16

    private static func empty<Element>(_ list: inout [Element]) {
        if list.capacity <= maxRecycledCapacity {
            list.removeAll(keepingCapacity: true)
        } else {
            list = []
        }
    }
}

/// The sessions the tracker follows now, by handle, and the index of their IDs.
///
/// Slots are reused once a session leaves (its handle's generation tells a stale handle), so the
/// table grows with the sessions open at once, never with the sessions seen.
struct BITSSessionTable {
    /// A slot holds its session directly, not as an optional: accessors then lend the stored value
    /// itself, where unwrapping an optional lends a temporary copy (a copy per access, and, in
    /// debug builds, a copy whose lifetime ended too early when lent into an observer's call).
    private struct Slot {
        var generation: UInt32 = 0
        /// The ID under which ``byID`` finds this slot's session, if it does: a look-up by the ID of
        /// a session already at hand (the connection's) is then a comparison, not a hash. Kept
        /// true: set with the index, cleared when another session takes the ID or this one leaves.
        var indexedID: SessionIDKey?
        /// Whether `session` is a session rather than ``TrackedSession/vacant`` (perhaps holding
        /// emptied lists for the next session).
        var occupied = false
        var session: TrackedSession
    }

    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    /// Sessions by BITS-Session-Id (IDs are GUIDs, compared without case).
    private var byID: [SessionIDKey: SessionHandle] = [:]
    /// Sessions in the table.
    private(set) var count = 0
    /// Sessions ever added: the last number handed out.
    private(set) var numbered = 0

    /// Adds a session, numbered here, and returns its handle: built in a free slot in place
    /// (``TrackedSession/begin(number:sessionID:url:host:client:time:)``).
    mutating func insert(sessionID: String?, url: String, host: String?, client: Endpoint,
                         time: CaptureTimestamp) -> SessionHandle {
        numbered += 1
        count += 1
        if freeSlots.isEmpty {
            slots.append(Slot(occupied: false, session: .vacant))
            freeSlots.append(Int32(slots.count - 1))
        }
        let slot = freeSlots.removeLast()
        slots[Int(slot)].session.begin(number: numbered, sessionID: sessionID, url: url, host: host, client: client,
                                       time: time)
        slots[Int(slot)].occupied = true
        return SessionHandle(slot: slot, generation: slots[Int(slot)].generation)
    }

    /// Lends the record of the session `handle` names to `body` in place, for the outputs: read
    /// from the tracker's property and passed to a call it cannot see into (the sink), the record
    /// was copied whole; lent `inout`, it is passed by address.
    mutating func withRecord<Result>(_ handle: SessionHandle, _ body: (inout BITSSession) -> Result) -> Result {
        precondition(contains(handle), "stale session handle")
        return body(&slots[Int(handle.slot)].session.record)
    }

    /// Whether `handle` names a session still in the table.
    func contains(_ handle: SessionHandle) -> Bool {
        let slot = Int(handle.slot)
        return slot < slots.count && slots[slot].generation == handle.generation && slots[slot].occupied
    }

    /// The session `handle` names; the handle must be valid (``contains(_:)``).
    subscript(handle: SessionHandle) -> TrackedSession {
        _read {
            precondition(contains(handle), "stale session handle")
            yield slots[Int(handle.slot)].session
        }
        _modify {
            precondition(contains(handle), "stale session handle")
            yield &slots[Int(handle.slot)].session
        }
    }

    /// The session with BITS-Session-Id `id` (any case), if it is in the table.
    func handle(forID id: String) -> SessionHandle? { byID[SessionIDKey(text: id)] }

    /// The session with BITS-Session-Id `id` (any case), if it is in the table: `likely` when `id` is
    /// the ID it is indexed by (one comparison), else looked up. The comparison is first by identity:
    /// a request's ID is made through the recent strings, so it is mostly the very string the Ack
    /// that named the session made and the index keeps. Inlined, as ``digest(ofID:of:)`` is.
    @inline(__always)
    func handle(forID id: String, likely: SessionHandle?) -> SessionHandle? {
        if let likely, contains(likely), let indexed = slots[Int(likely.slot)].indexedID,
           indexed.text._isIdentical(to: id) || indexed.text.equalsIgnoringASCIICase(id) {
            return likely
        }
        return handle(forID: id)
    }

    /// Makes `id` find `handle`. Returns the handle it found before, if any (one hash for both).
    @discardableResult
    mutating func index(_ handle: SessionHandle, byID id: String) -> SessionHandle? {
        let key = SessionIDKey(text: id)
        let previous = byID.updateValue(handle, forKey: key)
        if let previous, previous != handle, contains(previous) { slots[Int(previous.slot)].indexedID = nil }
        if contains(handle) { slots[Int(handle.slot)].indexedID = key }
        return previous
    }

    /// `id`'s ``String/caseFoldedDigest``: kept from the index when `handle`'s session is indexed by
    /// that very string, else computed. Inlined (with ``idKey(_:of:)``): called on the tracker's
    /// table, a call copied the table's value out first, a retain and a release of each of its lists.
    @inline(__always)
    func digest(ofID id: String, of handle: SessionHandle) -> UInt64 {
        idKey(id, of: handle).digest
    }

    /// `id`'s key, its digest taken from the index when `handle`'s session is indexed by `id`.
    @inline(__always)
    private func idKey(_ id: String, of handle: SessionHandle) -> SessionIDKey {
        if contains(handle), let key = slots[Int(handle.slot)].indexedID, key.text == id { return key }
        return SessionIDKey(text: id)
    }

    /// Forgets the ID of the session `handle` names, the first step of its retirement: it stays in
    /// its slot, whole, for the outputs to read, until ``vacate(_:)``. Returns the digest of the
    /// session's ID (``digest(ofID:of:)``), if it has one: the key made here has it, where the
    /// tracker made it a second time.
    @discardableResult
    mutating func unindex(_ handle: SessionHandle) -> UInt64? {
        precondition(contains(handle), "stale session handle")
        let slot = Int(handle.slot)
        let idKey = slots[slot].session.record.sessionID.map { self.idKey($0, of: handle) }
        slots[slot].indexedID = nil
        // One hash of the ID: found, compared and removed in place.
        if let idKey, let entry = byID.index(forKey: idKey), byID.values[entry] == handle {
            byID.remove(at: entry)
        }
        return idKey?.digest
    }

    /// Takes the session out of the table (after ``unindex(_:)``): its slot is made free in place
    /// (``TrackedSession/vacate()``), keeping its small lists' storage for the next session.
    mutating func vacate(_ handle: SessionHandle) {
        precondition(contains(handle), "stale session handle")
        let slot = Int(handle.slot)
        slots[slot].session.vacate()
        slots[slot].occupied = false
        slots[slot].indexedID = nil
        slots[slot].generation &+= 1
        freeSlots.append(handle.slot)
        count -= 1
    }

    /// Every session in the table, in the order first seen.
    var handlesInOrder: [SessionHandle] {
        var found: [(number: Int, handle: SessionHandle)] = []
        for slot in slots.indices where slots[slot].occupied {
            found.append((slots[slot].session.record.number,
                          SessionHandle(slot: Int32(slot), generation: slots[slot].generation)))
        }
        return found.sorted { $0.number < $1.number }.map(\.handle)
    }
}
